// mifa serve: the preview's live script. Served only by `mifa serve` (never part of a built
// site), from the site's own origin so the strict Content-Security-Policy allows it.
// It polls the preview's status: when a rebuild fails it shows the problems in this page;
// when a rebuild succeeds it reloads the page. All text is set with textContent: problem
// messages quote what a submitter wrote and are never read as HTML.
(function () {
  "use strict";
  var STATUS = "/__mifa__/status.json";
  var POLL_MS = 700;
  var shownGeneration = null;
  var panel = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function addStyles() {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = "/__mifa__/live.css";
    document.head.appendChild(link);
  }

  function hidePanel() {
    if (panel) {
      panel.remove();
      panel = null;
    }
  }

  function showProblems(problems, hidden, generation) {
    hidePanel();
    panel = el("section", "mifa-live");
    panel.setAttribute("role", "alert");
    panel.setAttribute("aria-labelledby", "mifa-live-title");
    var errors = problems.filter(function (p) { return p.severity === "error"; }).length;
    var title = el("h2", "mifa-live-title",
      (errors ? "The last rebuild failed: " + errors + (errors === 1 ? " error" : " errors")
              : "The last rebuild was not published") +
      (generation > 0 ? " (this page is from the last good build)" : ""));
    title.id = "mifa-live-title";
    var close = el("button", "mifa-live-close", "Hide");
    close.type = "button";
    close.addEventListener("click", hidePanel);
    var head = el("div", "mifa-live-head");
    head.appendChild(title);
    head.appendChild(close);
    panel.appendChild(head);
    var list = el("ol", "mifa-live-list");
    problems.forEach(function (p) {
      var item = el("li", "mifa-live-problem mifa-live-" + p.severity);
      item.appendChild(el("code", "mifa-live-where", p.file + ":" + p.line + ":" + p.column));
      if (p.path) item.appendChild(el("code", "mifa-live-field", p.path));
      item.appendChild(el("span", "mifa-live-severity", p.severity));
      item.appendChild(el("p", "mifa-live-message", p.message));
      if (p.hint) item.appendChild(el("p", "mifa-live-hint", "\u2192 " + p.hint));
      list.appendChild(item);
    });
    panel.appendChild(list);
    if (hidden > 0) {
      panel.appendChild(el("p", "mifa-live-more",
        "and " + hidden + " more: see the terminal running mifa serve (--all lists everything)"));
    }
    panel.appendChild(el("p", "mifa-live-more", "Fix the file and save: this page updates by itself."));
    document.body.appendChild(panel);
  }

  var lastProblems = "";

  function poll() {
    fetch(STATUS, { cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) return;
        if (shownGeneration === null) shownGeneration = status.generation;
        if (status.generation !== shownGeneration && status.problems.length === 0) {
          window.location.reload();
          return;
        }
        var key = JSON.stringify(status.problems);
        if (key !== lastProblems) {
          lastProblems = key;
          if (status.problems.length) showProblems(status.problems, status.hidden, status.generation);
          else hidePanel();
        }
      })
      .catch(function () { /* the preview server is restarting or stopped: try again */ })
      .finally(function () { window.setTimeout(poll, POLL_MS); });
  }

  addStyles();
  poll();
})();
