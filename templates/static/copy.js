// Copy buttons for code and citations: a button before each <pre data-copy>. Without
// JavaScript the text stays selectable; the button only exists when it can work.
(function () {
  "use strict";

  function announce(button, message) {
    var status = button.parentNode.querySelector(".copy-status");
    if (status) status.textContent = message;
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copy(pre, button) {
    var text = pre.textContent;
    var done = function () {
      button.textContent = "Copied";
      announce(button, "Copied to the clipboard.");
      window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
    };
    var failed = function () {
      selectText(pre);
      announce(button, "Select and copy the highlighted text (the browser refused the clipboard).");
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  }

  function addButtons() {
    var blocks = document.querySelectorAll("pre[data-copy]");
    for (var i = 0; i < blocks.length; i++) {
      var pre = blocks[i];
      var bar = document.createElement("div");
      bar.className = "copy-bar";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy " + (pre.getAttribute("aria-label") || "the text below"));
      var status = document.createElement("span");
      status.className = "copy-status";
      status.setAttribute("role", "status");
      bar.appendChild(button);
      bar.appendChild(status);
      pre.parentNode.insertBefore(bar, pre);
      button.addEventListener("click", copy.bind(null, pre, button));
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addButtons);
  } else {
    addButtons();
  }
})();
