/* MIFA Catalogue search: lunr.js over a term-sharded index, fetched on demand.
 *
 * The index is split into ranges of sorted terms, each under a byte budget (see
 * site_builder/search/shard_plan.py); the manifest lists each shard's bound, the
 * lowest term it can hold. A query fetches only the shards of its terms, sums lunr
 * scores per dataset across shards, applies required (+) and prohibited (-) words
 * across all of them, then fetches display data for the hits it shows. Descriptions
 * live in separate shards, fetched after the first results appear. Facets, URL state
 * and keyboard handling are here too. Licence verdicts (site_builder/licence_verdicts.py:
 * [kind, headline]) are listed once in the manifest; results and licence facet values refer
 * to them by position, so a result says what its licences allow in the dataset page's words.
 */
(function () {
  "use strict";
  var ROOT = document.documentElement.getAttribute("data-root") || "";
  var PAGE = 20;
  var cache = { manifest: null, shards: {}, chunks: {}, facets: null, lunr: null };

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src; s.onload = resolve; s.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(s);
    });
  }
  function ensureLunr() {
    if (!cache.lunr) cache.lunr = window.lunr ? Promise.resolve() : loadScript(ROOT + "assets/lunr.js");
    return cache.lunr;
  }
  function fetchJSON(path) {
    return fetch(ROOT + "search/" + path).then(function (r) {
      if (!r.ok) throw new Error(path + ": HTTP " + r.status);
      return r.json();
    });
  }
  function manifest() {
    if (!cache.manifest) cache.manifest = fetchJSON("manifest.json");
    return cache.manifest;
  }
  function scoreData() {
    if (!cache.scores) cache.scores = manifest().then(function (m) { return fetchJSON(m.scores); });
    return cache.scores;
  }
  function facetData() {
    if (!cache.facets) {
      cache.facets = manifest().then(function (m) {
        return fetchJSON(m.facets).then(function (facets) {
          facets.forEach(function (f) {
            if (f.verdicts) f.groups = f.verdicts.map(function (i) { return m.verdicts[i]; });
          });
          return facets;
        });
      });
    }
    return cache.facets;
  }
  // One shard: its lunr indexes (several files only when one term's postings fill them).
  function shard(kind, number) {
    var id = kind + ":" + number;
    if (!cache.shards[id]) {
      cache.shards[id] = manifest().then(function (m) {
        return Promise.all((kind === "t" ? m.short : m.text)[number][1].map(function (path) {
          return fetchJSON(path).then(function (json) { return lunr.Index.load(json); });
        }));
      });
    }
    return cache.shards[id];
  }
  function chunk(n) {
    if (!cache.chunks[n]) cache.chunks[n] = manifest().then(function (m) { return fetchJSON(m.chunks[n]); });
    return cache.chunks[n];
  }

  // ---- queries ------------------------------------------------------------------------
  function preprocess(q) {
    // Ontology ids are indexed by their number: NCBITaxon:9606 -> 9606, FBbi:00000246 -> 00000246.
    return q.replace(/\bNCBITaxon[:_](\d+)/gi, "$1").replace(/\bFBbi[:_](\d+)/gi, "$1");
  }
  function parse(q, fields) {
    var query = new lunr.Query(fields);
    try {
      new lunr.QueryParser(q, query).parse();
    } catch (e) {
      query = new lunr.Query(fields);
      new lunr.QueryParser(q.replace(/[:~^+\-*]/g, " "), query).parse();
    }
    return query.clauses;
  }
  // Index terms are cut to maxTerm code points (never splitting a surrogate pair); so are query terms.
  function cut(term, max) {
    var points = Array.from(term);
    return points.length > max ? points.slice(0, max).join("") : term;
  }
  // The clause as the shards hold its term: stemmed here (so its shard is known) and cut to length.
  function prepared(clause, fields, max) {
    var copy = Object.assign({}, clause, { fields: fields });
    if (clause.usePipeline) {
      copy.term = cut(lunr.stemmer(new lunr.Token(clause.term)).toString(), max);
      copy.usePipeline = false;
    } else if (Array.from(clause.term.split("*")[0]).length >= max) {
      copy.term = cut(clause.term.split("*")[0], max);
    }
    return copy;
  }
  // The last shard whose bound is not above the term: bounds sort as JavaScript compares strings.
  function shardOf(term, list) {
    var lo = 0, hi = list.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (list[mid][0] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
  // An exact term lives in one shard; a wildcard's prefix in its own and those whose bound starts with it.
  function shardsFor(clause, list) {
    if (!list.length) return [];
    var wild = clause.term.indexOf("*");
    if (wild === -1) return [shardOf(clause.term, list)];
    var prefix = clause.term.slice(0, wild), found = [shardOf(prefix, list)];
    for (var i = found[0] + 1; i < list.length && list[i][0].indexOf(prefix) === 0; i++) found.push(i);
    return found;
  }
  function asOptional(clause) {
    return Object.assign({}, clause, { presence: lunr.Query.presence.OPTIONAL });
  }
  // The index terms a clause expands to in one shard (a wildcard may reach several).
  function expansions(indexes, clause, into) {
    var set = lunr.TokenSet.fromClause(clause), found = 0;
    indexes.forEach(function (index) {
      index.tokenSet.intersect(set).toArray().forEach(function (t) {
        if (!into[t]) found += 1;
        into[t] = true;
      });
    });
    return found;
  }
  // Which clauses each kind of shard (t: short fields, x: descriptions) answers, and from which shards.
  function plan(kind, fields, list, clauses, max) {
    var wanted = [], needed = {};
    clauses.forEach(function (clause, id) {
      var own = clause.fields.filter(function (f) { return fields.indexOf(f) !== -1; });
      if (!own.length) return;
      var copy = prepared(clause, own, max), shards = shardsFor(copy, list);
      shards.forEach(function (n) { needed[n] = true; });
      wanted.push({ id: id, clause: copy, shards: shards });
    });
    var numbers = Object.keys(needed);
    return Promise.all(numbers.map(function (n) { return shard(kind, n); })).then(function (loaded) {
      var indexes = {};
      numbers.forEach(function (n, i) { indexes[n] = loaded[i]; });
      return { kind: kind, fields: fields, wanted: wanted, indexes: indexes };
    });
  }
  // lunr scores a field by dot(query, field) / |query|, with one query vector per field holding an
  // entry per index term the clauses expand to. Fields that the same clauses search share that
  // length: each such group is queried on its own, and each shard's scores are rescaled by
  // |the group's query in the shard| / |the group's whole query|, so that the sums rank as one
  // index over every field would. Required and prohibited words are applied across all shards.
  function score(kinds, clauses, state) {
    var PROHIBITED = lunr.Query.presence.PROHIBITED, groups = {};
    kinds.forEach(function (k) {
      k.fields.forEach(function (f) {
        var ids = [];
        k.wanted.forEach(function (x) {
          if (x.clause.presence !== PROHIBITED && x.clause.fields.indexOf(f) !== -1) ids.push(x.id);
        });
        if (ids.length) (groups[ids.join(",")] = groups[ids.join(",")] || []).push(f);
      });
    });
    Object.keys(groups).forEach(function (key) {
      var ids = key.split(",").map(Number), fields = groups[key], terms = {}, total = 0, jobs = [];
      kinds.forEach(function (k) {
        k.wanted.forEach(function (x) {
          if (ids.indexOf(x.id) === -1) return;
          // A term is one entry of the query vector however many shards and kinds hold it.
          var weight = (x.clause.boost || 1) * (x.clause.boost || 1), seen = terms[x.id] = terms[x.id] || {};
          var searched = fields.filter(function (f) { return x.clause.fields.indexOf(f) !== -1; });
          x.shards.forEach(function (n) {
            var own = {}, count = expansions(k.indexes[n], x.clause, own);
            Object.keys(own).forEach(function (t) { if (!seen[t]) total += weight; seen[t] = true; });
            if (searched.length) jobs.push({ k: k, n: n, weight: weight * count,
                                             clause: Object.assign(asOptional(x.clause), { fields: searched }) });
          });
        });
      });
      var byShard = {};
      jobs.forEach(function (job) {
        var id = job.k.kind + ":" + job.n;
        var slot = byShard[id] = byShard[id] || { k: job.k, n: job.n, weight: 0, clauses: [] };
        slot.weight += job.weight;
        slot.clauses.push(job.clause);
      });
      Object.keys(byShard).forEach(function (id) {
        var slot = byShard[id];
        if (!slot.weight) return;
        var scale = Math.sqrt(slot.weight / total);
        slot.k.indexes[slot.n].forEach(function (index) {
          index.query(function (q) { slot.clauses.forEach(function (c) { q.clauses.push(c); }); }).forEach(function (r) {
            state.scores[r.ref] = (state.scores[r.ref] || 0) + r.score * scale;
            Object.keys(r.matchData.metadata).forEach(function (t) { state.matched[t] = true; });
          });
        });
      });
    });
    kinds.forEach(function (k) {
      k.wanted.forEach(function (x) {
        if (x.clause.presence === lunr.Query.presence.OPTIONAL) return;
        var hits = state.hits[x.id] = state.hits[x.id] || {};
        x.shards.forEach(function (n) {
          k.indexes[n].forEach(function (index) {
            index.query(function (q) { q.clauses.push(asOptional(x.clause)); }).forEach(function (r) { hits[r.ref] = true; });
          });
        });
      });
    });
  }
  function search(q, withText) {
    q = preprocess(q || "").trim();
    return Promise.all([ensureLunr(), manifest()]).then(function (both) {
      var m = both[1];
      if (!q) return { refs: null, matched: {} };
      var clauses = parse(q, m.fields.concat(["description"]));
      var jobs = [plan("t", m.fields, m.short, clauses, m.maxTerm)];
      if (withText) jobs.push(plan("x", ["description"], m.text, clauses, m.maxTerm));
      return Promise.all(jobs).then(function (kinds) {
        var state = { scores: {}, matched: {}, hits: {} }, presence = lunr.Query.presence;
        score(kinds, clauses, state);
        var negated = clauses.length > 0 && clauses.every(function (c) { return c.presence === presence.PROHIBITED; });
        // Only prohibited words: every dataset without them, as lunr answers such a query.
        var refs = negated ? Array.from({ length: m.count }, function (_, i) { return String(i); })
                           : Object.keys(state.scores);
        refs = refs.filter(function (ref) {
          return clauses.every(function (c, id) {
            var hit = !!(state.hits[id] && state.hits[id][ref]);
            return c.presence === presence.REQUIRED ? hit : c.presence === presence.PROHIBITED ? !hit : true;
          });
        });
        refs.sort(function (a, b) { return (state.scores[b] || 0) - (state.scores[a] || 0) || a - b; });
        return { refs: refs.map(Number), matched: state.matched };
      });
    });
  }
  function docs(refs) {
    return manifest().then(function (m) {
      var wanted = {};
      refs.forEach(function (r) { wanted[Math.floor(r / m.chunk)] = true; });
      return Promise.all(Object.keys(wanted).map(function (n) {
        return chunk(n).then(function (rows) { return [Number(n), rows]; });
      })).then(function (loaded) {
        var byChunk = {};
        loaded.forEach(function (pair) { byChunk[pair[0]] = pair[1]; });
        return refs.map(function (r) {
          var row = byChunk[Math.floor(r / m.chunk)][r % m.chunk];
          return { ref: r, title: row[0], url: row[1], badges: row[2], types: row[3], snippet: row[4], thumb: row[5],
                   score: row[6], verdicts: (row[7] || []).map(function (i) { return m.verdicts[i]; }) };
        });
      });
    });
  }

  // ---- rendering helpers ----------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  // The snippet: about 240 characters around the first matched word, matched words in <mark>.
  function markedText(text, matched) {
    var p = el("p", { "class": "snippet" });
    var parts = text.split(/(\s+)/).map(function (part) {
      var word = part.toLowerCase().replace(/^\W+|\W+$/g, "");
      var stem = word ? lunr.stemmer(new lunr.Token(word)).toString() : "";
      return { text: part, hit: !!(stem && matched[stem]) };
    });
    var first = parts.findIndex(function (x) { return x.hit; }), start = 0, chars = 0;
    if (first > 0) {
      for (start = first; start > 0 && chars < 60; start--) chars += parts[start - 1].text.length;
    }
    if (start > 0) p.appendChild(document.createTextNode("\u2026"));
    chars = 0;
    for (var i = start; i < parts.length && chars < 240; i++) {
      chars += parts[i].text.length;
      p.appendChild(parts[i].hit ? el("mark", { text: parts[i].text }) : document.createTextNode(parts[i].text));
    }
    if (i < parts.length) p.appendChild(document.createTextNode("\u2026"));
    return p;
  }
  function plural(n) { return n + (n === 1 ? " dataset" : " datasets"); }
  // What the licences allow, as the dataset page says it: one line when the annotations' verdict
  // is the images', else the images' and then each other one the annotations have.
  function verdictLines(verdicts) {
    if (!verdicts.length) return [];
    var images = verdicts[0], annotations = verdicts.slice(1);
    var same = annotations.every(function (v) { return v === images; });
    var lines = same ? [["Images and annotations", images]] : [["Images", images]].concat(
      annotations.map(function (v) { return ["Annotations", v]; }));
    return lines.map(function (line) {
      return el("p", { "class": "result-verdict verdict-" + line[1][0] }, [
        el("span", { "class": "verdict-what", text: line[0] + ":" }), document.createTextNode(" "),
        el("span", { "class": "verdict-headline", text: line[1][1] })]);
    });
  }

  // ---- search page ---------------------------------------------------------------------
  function readState() {
    var params = new URLSearchParams(location.search);
    var state = { q: params.get("q") || "", sort: params.get("sort") || "", filters: {} };
    params.forEach(function (value, key) {
      if (key !== "q" && key !== "sort") (state.filters[key] = state.filters[key] || []).push(value);
    });
    return state;
  }
  function writeState(state, push) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    if (state.sort) params.set("sort", state.sort);
    Object.keys(state.filters).sort().forEach(function (k) {
      state.filters[k].forEach(function (v) { params.append(k, v); });
    });
    var url = location.pathname + (params.toString() ? "?" + params.toString() : "");
    if (url === location.pathname + location.search) return;
    if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
  }

  function setupSearchPage() {
    var input = document.getElementById("search-q");
    var form = document.getElementById("search-form");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var more = document.getElementById("search-more");
    var facetBox = document.getElementById("search-facets");
    var state = readState();
    var shown = PAGE, run = 0, timer = null, current = { refs: [], matched: {} };

    function filtered(allRefs, facets, skip) {
      return allRefs.filter(function (ref) {
        return facets.every(function (f) {
          var chosen = state.filters[f.name];
          if (!chosen || !chosen.length || f.name === skip) return true;
          return f.docs[ref].some(function (i) { return chosen.indexOf(f.values[i]) !== -1; });
        });
      });
    }
    function renderFacets(facets, baseRefs) {
      facetBox.textContent = "";
      facets.forEach(function (f) {
        var counts = {};
        filtered(baseRefs, facets, f.name).forEach(function (ref) {
          f.docs[ref].forEach(function (i) { counts[i] = (counts[i] || 0) + 1; });
        });
        var chosen = state.filters[f.name] || [];
        var set = el("fieldset", { "class": "facet", "data-facet": f.name }, [el("legend", { text: f.label })]);
        var groups = {};  // licence values, in one fieldset per verdict, most reusable first
        f.values.forEach(function (value, i) {
          var isChosen = chosen.indexOf(value) !== -1;
          if (!counts[i] && !isChosen) return;
          var box = el("input", { type: "checkbox", name: f.name, value: value });
          box.checked = isChosen;
          box.addEventListener("change", function () {
            var values = (state.filters[f.name] || []).filter(function (v) { return v !== value; });
            if (box.checked) values.push(value);
            if (values.length) state.filters[f.name] = values; else delete state.filters[f.name];
            writeState(state, true);
            update(false);
          });
          var label = el("label", {}, [box, el("span", { text: f.labels[i] }),
                                       el("span", { "class": "count", text: String(counts[i] || 0) })]);
          var verdict = f.groups && f.groups[i];
          if (!verdict) { set.appendChild(label); return; }
          var key = f.verdicts[i];
          if (!groups[key]) {
            groups[key] = el("fieldset", { "class": "facet-group verdict-" + verdict[0] },
                             [el("legend", { text: verdict[1] })]);
            set.appendChild(groups[key]);
          }
          groups[key].appendChild(label);
        });
        if (set.querySelectorAll("label").length) facetBox.appendChild(set);
      });
    }
    function renderResults(items) {
      list.textContent = "";
      items.forEach(function (d) {
        var badges = (d.badges || []).map(function (b) {
          return el("img", { "class": "result-badge", src: ROOT + "badges/" + b[0], alt: b[1], height: "20" });
        });
        list.appendChild(el("li", { "class": "result" }, [
          el("div", { "class": "result-thumb", "aria-hidden": "true" },
             d.thumb ? [el("img", { src: ROOT + d.thumb, alt: "", loading: "lazy" })] : []),
          el("div", {}, [
            el("a", { "class": "result-link", href: ROOT + d.url + "index.html" },
               [el("span", { "class": "result-title", text: d.title })]),
            el("div", { "class": "result-meta" }, [el("span", { "class": "result-types", text: d.types.join(", ") })]
              .concat([el("span", { "class": "badges" }, badges),
                       el("span", { "class": "result-score", title: "MIFA completeness: share of required and recommended fields filled",
                                    text: "MIFA " + d.score + "%" })]))
          ].concat(verdictLines(d.verdicts || []), [markedText(d.snippet, current.matched)]))
        ]));
      });
    }
    function sorted(refs) {
      var how = state.sort || "relevance";
      if (how === "title") return Promise.resolve(refs.slice().sort(function (a, b) { return a - b; }));
      if (how !== "completeness") return Promise.resolve(refs);
      return scoreData().then(function (scores) {
        return refs.slice().sort(function (a, b) { return scores[b] - scores[a] || a - b; });
      });
    }
    function update(withText, keepPage) {
      var mine = ++run;
      if (!keepPage) shown = PAGE;
      // Facet data is only waited for when a filter is set or there is no query; otherwise
      // the first results appear first and the facets follow.
      var needFacets = !state.q || Object.keys(state.filters).length > 0;
      var facetsReady = facetData();
      var all = [], facets = null;
      return Promise.all([search(state.q, withText), needFacets ? facetsReady : null]).then(function (res) {
        if (mine !== run) return null;
        facets = res[1];
        all = res[0].refs || (facets ? facets[0].docs.map(function (_, i) { return i; }) : []);
        current = { refs: facets ? filtered(all, facets, null) : all, matched: res[0].matched };
        return sorted(current.refs);
      }).then(function (refs) {
        if (mine !== run || refs === null) return;
        current.refs = refs;
        if (facets) renderFacets(facets, all);
        else facetsReady.then(function (f) { if (mine === run) renderFacets(f, all); });
        status.textContent = plural(current.refs.length) + (state.q ? " for \u201c" + state.q + "\u201d" : "");
        return docs(current.refs.slice(0, shown)).then(function (items) {
          if (mine !== run) return;
          renderResults(items);
          more.hidden = current.refs.length <= shown;
          if (!withText && state.q) update(true, keepPage);  // then refine with the full text
        });
      }).catch(function (error) {
        status.textContent = "Search failed: " + error.message;
      });
    }
    var sortBox = document.getElementById("search-sort");
    input.value = state.q;
    if (sortBox) {
      sortBox.value = state.sort || "relevance";
      sortBox.addEventListener("change", function () {
        state.sort = sortBox.value === "relevance" ? "" : sortBox.value;
        writeState(state, true);
        update(false);
      });
    }
    input.addEventListener("input", function () {
      state.q = input.value;
      writeState(state, false);
      clearTimeout(timer);
      timer = setTimeout(function () { update(false); }, 80);
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); state.q = input.value; writeState(state, true); update(false); });
    more.addEventListener("click", function () { shown += PAGE; update(true, true); });
    window.addEventListener("popstate", function () {
      state = readState(); input.value = state.q;
      if (sortBox) sortBox.value = state.sort || "relevance";
      update(false);
    });
    update(false);
  }

  // ---- header box on every page ------------------------------------------------------------
  function setupDropdown() {
    var input = document.getElementById("site-search-q");
    var box = document.getElementById("site-search-dropdown");
    if (!input || !box) return;
    var run = 0, timer = null;
    function hide() { box.hidden = true; box.textContent = ""; }
    function show() {
      var mine = ++run, q = input.value.trim();
      if (!q) return hide();
      search(q, false).then(function (res) { return docs((res.refs || []).slice(0, 8)); }).then(function (items) {
        if (mine !== run) return;
        box.textContent = "";
        items.forEach(function (d) {
          box.appendChild(el("a", { "class": "suggestion", href: ROOT + d.url + "index.html" }, [
            el("span", { text: d.title }), el("br"), el("span", { "class": "suggestion-types", text: d.types.join(", ") })]));
        });
        box.appendChild(el("a", { "class": "suggestion all-results", href: ROOT + "search/index.html?q=" + encodeURIComponent(q),
                                   text: items.length ? "All results for \u201c" + q + "\u201d" : "No quick matches: search all" }));
        box.hidden = false;
      }).catch(hide);
    }
    input.addEventListener("focus", function () { ensureLunr(); manifest(); });
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(show, 60); });
    input.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
    document.addEventListener("click", function (e) { if (!input.form.contains(e.target)) hide(); });
  }

  // ---- keyboard ----------------------------------------------------------------------------
  function setupKeyboard() {
    document.addEventListener("keydown", function (e) {
      var t = e.target, typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        var box = document.getElementById("search-q") || document.getElementById("site-search-q");
        if (box) { e.preventDefault(); box.focus(); box.select(); }
        return;
      }
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      var onSearchPage = !!document.getElementById("search-q");
      var links = Array.prototype.slice.call(document.querySelectorAll(
        onSearchPage ? "#search-results a.result-link" : "#site-search-dropdown:not([hidden]) a.suggestion"));
      if (!links.length) return;
      var inInput = t && (t.id === "search-q" || t.id === "site-search-q");
      var at = links.indexOf(document.activeElement);
      if (at === -1 && !inInput) return;
      e.preventDefault();
      var next = e.key === "ArrowDown" ? at + 1 : at - 1;
      if (next < 0) { (document.getElementById("search-q") || document.getElementById("site-search-q")).focus(); return; }
      links[Math.min(next, links.length - 1)].focus();
    });
  }

  window.mifaSearch = { search: search, docs: docs, ready: function () { return Promise.all([ensureLunr(), manifest()]); } };
  document.addEventListener("DOMContentLoaded", function () {
    setupKeyboard();
    setupDropdown();
    if (document.getElementById("search-q")) setupSearchPage();
  });
})();
