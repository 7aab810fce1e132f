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
  var cache = { manifest: null, shards: {}, chunks: {}, texts: {}, facets: null, lunr: null };

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

  // ---- query words: fields, aliases and the catalogue's term rules ----------------------
  // Other names people type for a field, each to the first of its targets the index has;
  // an alias whose targets are all missing searches every field.
  var ALIASES = {
    author: ["people"], authors: ["people"], annotator: ["people"], annotators: ["people"],
    person: ["people"], creator: ["people"], curator: ["people"], orcid: ["ids", "people"],
    licence: ["licence", "ids"], license: ["licence", "ids"], licences: ["licence", "ids"],
    licenses: ["licence", "ids"], rights: ["licence", "ids"],
    organisms: ["organism"], species: ["organism"], taxon: ["organism"],
    methods: ["method"], modality: ["method"], imaging: ["method"],
    type: ["types"], annotation: ["types"], annotations: ["types"],
    keyword: ["keywords"], tag: ["keywords"], tags: ["keywords"], format: ["formats"],
    accession: ["ids", "id"], doi: ["ids", "id"], text: ["description"], abstract: ["description"]
  };
  // The aliases the field list under the search box shows (the others work too).
  var SHOWN_ALIASES = ["species", "imaging", "type", "author", "annotator", "orcid", "format", "accession", "doi", "license"];
  // How "Matched in" names each field.
  var FIELD_LABELS = {
    title: "title", keywords: "keywords", organism: "organism", method: "imaging method",
    types: "annotation type", people: "people", formats: "format", id: "identifier",
    ids: "identifiers", licence: "licence", description: "description"
  };
  function allFields(m) { return m.fields.concat(["description"]); }
  // The aliases that reach a field this index has, by target: {people: ["author", ...]}.
  function aliasesOf(m) {
    var known = allFields(m), out = {};
    Object.keys(ALIASES).forEach(function (name) {
      var to = ALIASES[name].filter(function (f) { return known.indexOf(f) !== -1; })[0];
      if (to && to !== name) (out[to] = out[to] || []).push(name);
    });
    return out;
  }
  // The fields a `name:` prefix searches: [fields], null for every field, or "unknown".
  function resolveField(name, m) {
    var known = allFields(m);
    if (known.indexOf(name) !== -1) return [name];
    if (!ALIASES[name]) return "unknown";
    var to = ALIASES[name].filter(function (f) { return known.indexOf(f) !== -1; })[0];
    return to ? [to] : null;
  }
  // The words of a query as typed: +/- presence, field prefix, term, ~edit distance and ^boost.
  function words(q) {
    return q.split(/\s+/).filter(Boolean).map(function (raw) {
      var w = /^([+-]?)(?:([A-Za-z][A-Za-z_]*):(?!\/\/))?(.*?)((?:[~^]\d+)*)$/.exec(raw);
      return { raw: raw, presence: w[1], field: w[2] ? w[2].toLowerCase() : null, term: w[3], suffix: w[4] };
    });
  }
  // A word's ends trimmed as the index side trims them (Python's Unicode \W), sparing the wildcard:
  // with the catalogue's terms, every run at both ends (site_builder/search/terms.py); without,
  // as python-lunr's trimmer, only around a single run of word characters ("(ome.zarr)" stays).
  var ENDS = /^[^\p{L}\p{N}_*]+|[^\p{L}\p{N}_*]+$/gu, SINGLE = /^[^\p{L}\p{N}_*]*([\p{L}\p{N}_*]+)[^\p{L}\p{N}_*]*$/u;
  function trimWord(t, terms) {
    if (terms) return t.replace(ENDS, "") || t;  // a word of no letters or digits ("😀😁") as typed
    var single = SINGLE.exec(t);
    return single ? single[1] : t;
  }
  function variant(word, terms) {
    var to = terms && terms.variants && Object.prototype.hasOwnProperty.call(terms.variants, word) ? terms.variants[word] : null;
    return to ? String(to).toLowerCase() : word;
  }
  function isStop(word, terms) {
    if (terms && (terms.stop || []).indexOf(word) !== -1) return true;
    return !lunr.stopWordFilter(word);  // lunr's English stop words are never indexed either
  }
  // The terms one typed word searches, as the index side makes them (manifest `terms`, from
  // site_builder/search/terms.py): lowercased and trimmed; a hyphenated word joined ("cryoet")
  // and split, a known compound typed joined also split; each word to its canonical variant.
  // The first (`main`) term carries the word's +/-, the others only add to the score; `part` is
  // the position among the hyphen-separated parts the user typed (-1 for the joined form of
  // several, or parts the user did not type): a "did you mean" correction replaces it.
  function termsOf(term, terms, exact) {
    var w = term.toLowerCase();
    if (exact || w.indexOf("*") !== -1) return [{ term: w, part: -1, main: true }];
    var parts = w.split("-").map(function (p) { return trimWord(p, terms); }).filter(Boolean);
    if (!parts.length) return [];
    if (!terms) return parts.map(function (p, j) { return { term: p, part: j, main: true }; });
    var joined = parts.join(""), compounds = terms.compounds || {}, out;
    if (parts.length > 1) {
      // An identifier (a DOI: a "/" in it) is searched whole, and a lone letter only in its word
      // ("x" of X-ray): such parts would match unrelated datasets.
      var identifier = joined.indexOf("/") !== -1;
      out = [{ term: joined, part: -1 }].concat(parts.map(function (p, j) {
        return identifier || Array.from(p).length < 2 ? null : { term: p, part: j };
      }).filter(Boolean));
    } else {
      var split = Object.prototype.hasOwnProperty.call(compounds, joined) ? compounds[joined] : [];
      out = [{ term: joined, part: 0 }].concat(split.map(function (p) { return { term: String(p), part: -1 }; }));
    }
    var seen = {};
    return out.map(function (x, i) { return { term: variant(x.term, terms), part: x.part, main: i === 0 }; })
      .filter(function (x) { if (seen[x.term]) return false; seen[x.term] = true; return true; });
  }
  // The lunr clauses of a query, where each came from, and the unknown field names typed.
  function analyse(q, m) {
    var presence = lunr.Query.presence, terms = m.terms || null;
    var typed = words(q), specs = [], unknown = [];
    typed.forEach(function (w, i) {
      if (!w.term) return;
      var fields = allFields(m);
      if (w.field) {
        var found = resolveField(w.field, m);
        if (found === "unknown") { if (unknown.indexOf(w.field) === -1) unknown.push(w.field); }
        else if (found) fields = found;
      }
      var distance = /~(\d+)/.exec(w.suffix), boost = /\^(\d+)/.exec(w.suffix);
      var how = w.presence === "+" ? presence.REQUIRED : w.presence === "-" ? presence.PROHIBITED : presence.OPTIONAL;
      termsOf(w.term, terms, !!distance).forEach(function (t) {
        if (!t.main && how === presence.PROHIBITED) return;
        var clause = { fields: fields, term: t.term, boost: boost ? Number(boost[1]) : 1,
                       usePipeline: t.term.indexOf("*") === -1, wildcard: lunr.Query.wildcard.NONE,
                       presence: t.main ? how : presence.OPTIONAL };
        if (distance) clause.editDistance = Number(distance[1]);
        specs.push({ clause: clause, word: i, part: t.part, stop: isStop(t.term, terms) });
      });
    });
    // Stop words are dropped, unless the query has nothing else.
    if (specs.some(function (s) { return !s.stop; })) specs = specs.filter(function (s) { return !s.stop; });
    return { words: typed, specs: specs, clauses: specs.map(function (s) { return s.clause; }), unknown: unknown };
  }
  // The query with one typed word (or one hyphen-separated part of it) replaced.
  function corrected(typed, word, part, replacement, terms) {
    return typed.map(function (w, i) {
      if (i !== word) return w.raw;
      var term = replacement;
      if (part >= 0) {
        var parts = w.term.split("-").filter(function (p) { return trimWord(p, terms); });
        parts[part] = replacement;
        term = parts.join("-");
      }
      return w.presence + (w.field ? w.field + ":" : "") + term + w.suffix;
    }).join(" ");
  }

  // ---- did you mean -------------------------------------------------------------------------
  // Optimal string alignment distance (a swap of two letters is one edit), or limit + 1 beyond it.
  function editDistance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var prev2 = [], prev = [], row = [];
    for (var j = 0; j <= b.length; j++) prev[j] = j;
    for (var i = 1; i <= a.length; i++) {
      row = [i];
      var least = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        row[j] = v;
        if (v < least) least = v;
      }
      if (least > limit) return limit + 1;
      prev2 = prev; prev = row;
    }
    return prev[b.length];
  }
  // The index terms nearest to a clause's term in the shards it falls in (in the clause's
  // fields): those at the least distance, the most widely used first, three at most: [{term, refs}].
  // A variant near the typed word counts too ("mitocondria" -> mitochondria, indexed as mitochondrion).
  function nearest(kinds, id, typedWord, terms) {
    var found = {}, variants = (terms && terms.variants) || {};
    kinds.forEach(function (k) {
      k.wanted.forEach(function (x) {
        if (x.id !== id) return;
        var want = x.clause.term, limit = want.length <= 4 ? 1 : 2;
        x.shards.forEach(function (n) {
          k.indexes[n].forEach(function (index) {
            Object.keys(index.invertedIndex).forEach(function (t) {
              if (t === want || t.length < 3) return;
              var d = Math.min(editDistance(want, t, limit), editDistance(typedWord, t, limit));
              if (d > limit) return;
              var posting = index.invertedIndex[t], refs = (found[t] && found[t].refs) || {};
              x.clause.fields.forEach(function (f) { Object.keys(posting[f] || {}).forEach(function (r) { refs[r] = true; }); });
              if (Object.keys(refs).length) found[t] = { term: t, distance: d, refs: refs };
            });
            Object.keys(variants).forEach(function (v) {
              var d = editDistance(typedWord, v, limit), t = stem(String(variants[v]).toLowerCase());
              var posting = index.invertedIndex[t];
              if (d > limit || !posting || (found[t] && found[t].distance <= d)) return;
              var refs = {};
              x.clause.fields.forEach(function (f) { Object.keys(posting[f] || {}).forEach(function (r) { refs[r] = true; }); });
              if (Object.keys(refs).length) found[t] = { term: t, distance: d, refs: refs, word: v };
            });
          });
        });
      });
    });
    var options = Object.keys(found).map(function (t) { return found[t]; }).sort(function (a, b) {
      return a.distance - b.distance || Object.keys(b.refs).length - Object.keys(a.refs).length || (a.term < b.term ? -1 : 1);
    });
    return options.filter(function (o) { return o.distance === options[0].distance; }).slice(0, 3);
  }
  // The word of the text a suggested index term comes from ("imag" -> "image"), read from the
  // display data of one dataset holding it (one chunk, usually cached); the term itself when
  // no word there makes it, with a wildcard if the stemmer would change it again.
  function surface(term, refs, terms) {
    var ref = Math.min.apply(null, Object.keys(refs).map(Number));
    return docs([ref]).then(function (items) {
      var d = items[0], found = null;
      [d.title, d.types.join(" "), d.text || d.snippet].join(" ").split(/[\s\-]+/).some(function (w) {
        var word = trimWord(w.toLowerCase(), terms).replace(/\*/g, "");
        if (word && stem(variant(word, terms)) === term) found = word;
        return !!found;
      });
      return found || (stem(term) === term ? term : term + "*");
    }, function () { return term; });
  }
  // For each typed word that found nothing, up to three corrected searches.
  function misses(kinds, a, m) {
    var found = {}, PROHIBITED = lunr.Query.presence.PROHIBITED;
    a.specs.forEach(function (s, id) {
      kinds.forEach(function (k) {
        k.wanted.forEach(function (x) {
          if (x.id === id) x.shards.forEach(function (n) { if (expansions(k.indexes[n], x.clause, {})) found[s.word] = true; });
        });
      });
    });
    var jobs = [];
    a.specs.forEach(function (s, id) {
      if (found[s.word] || s.stop || s.part < 0 || s.clause.presence === PROHIBITED || /^\d+$/.test(s.clause.term)) return;
      var typed = a.words[s.word].term.split("-").filter(function (p) { return trimWord(p, m.terms); })[s.part] || "";
      var options = nearest(kinds, id, trimWord(typed.toLowerCase(), m.terms), m.terms);
      if (!options.length) return;
      jobs.push(Promise.all(options.map(function (o) {
        return o.word ? o.word : surface(o.term, o.refs, m.terms);
      })).then(function (ws) {
        var seen = {};
        return { typed: typed, options: ws.filter(function (w) { if (seen[w]) return false; seen[w] = true; return true; })
          .map(function (w) { return { word: w, query: corrected(a.words, s.word, s.part, w, m.terms) }; }) };
      }));
    });
    return Promise.all(jobs);
  }

  // ---- queries ------------------------------------------------------------------------
  function preprocess(q) {
    // Ontology ids are indexed by their number: NCBITaxon:9606 -> 9606, FBbi:00000246 -> 00000246.
    // A pasted DOI or ORCID link is searched by its identifier, which the index holds.
    return q.replace(/\bNCBITaxon[:_](\d+)/gi, "$1").replace(/\bFBbi[:_](\d+)/gi, "$1")
      .replace(/\bhttps?:\/\/(?:dx\.)?doi\.org\//gi, "").replace(/\bhttps?:\/\/orcid\.org\//gi, "");
  }
  function stem(word) { return lunr.stemmer(new lunr.Token(word)).toString(); }
  // Index terms are cut to maxTerm code points (never splitting a surrogate pair); so are query terms.
  function cut(term, max) {
    var points = Array.from(term);
    return points.length > max ? points.slice(0, max).join("") : term;
  }
  // The clause as the shards hold its term: stemmed here (so its shard is known) and cut to length.
  function prepared(clause, fields, max) {
    var copy = Object.assign({}, clause, { fields: fields });
    if (clause.usePipeline) {
      copy.term = cut(stem(clause.term), max);
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
            var fields = state.fields[r.ref] = state.fields[r.ref] || {};
            Object.keys(r.matchData.metadata).forEach(function (t) {
              state.matched[t] = true;
              Object.keys(r.matchData.metadata[t]).forEach(function (f) { fields[f] = true; });
            });
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
  // A query's results: refs best first, the index terms matched, per result the fields that
  // matched, the unknown field names typed and, with the full text, "did you mean" corrections.
  function search(q, withText) {
    q = preprocess(q || "").trim();
    return Promise.all([ensureLunr(), manifest()]).then(function (both) {
      var m = both[1];
      if (!q) return { refs: null, matched: {}, fields: {}, unknown: [], suggestions: [] };
      var a = analyse(q, m), clauses = a.clauses;
      var jobs = [plan("t", m.fields, m.short, clauses, m.maxTerm)];
      if (withText) jobs.push(plan("x", ["description"], m.text, clauses, m.maxTerm));
      return Promise.all(jobs).then(function (kinds) {
        var state = { scores: {}, matched: {}, hits: {}, fields: {} }, presence = lunr.Query.presence;
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
        return (withText ? misses(kinds, a, m) : Promise.resolve([])).then(function (suggestions) {
          return { refs: refs.map(Number), matched: state.matched, fields: state.fields, unknown: a.unknown,
                   suggestions: suggestions };
        });
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
                   score: row[6], verdicts: (row[7] || []).map(function (i) { return m.verdicts[i]; }),
                   text: typeof row[8] === "string" ? row[8] : null };
        });
      });
    });
  }

  // The whole descriptions of these results, when the bundle ships them (manifest `texts`: one file
  // per display chunk, a string per document), else null: fetched after the results are drawn.
  function texts(refs) {
    return manifest().then(function (m) {
      if (!m.texts || !refs.length) return null;
      var wanted = {};
      refs.forEach(function (r) { wanted[Math.floor(r / m.chunk)] = true; });
      return Promise.all(Object.keys(wanted).map(function (n) {
        if (!cache.texts[n]) cache.texts[n] = fetchJSON(m.texts[n]);
        return cache.texts[n].then(function (list) { return [Number(n), list]; });
      })).then(function (loaded) {
        var byChunk = {};
        loaded.forEach(function (pair) { byChunk[pair[0]] = pair[1]; });
        return refs.map(function (r) { return byChunk[Math.floor(r / m.chunk)][r % m.chunk]; });
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
  // The index terms a word of text makes, as the query side makes them (so "Nuclei," marks for
  // a nucleus query when the catalogue lists the variant, and "et" of "et al." never does).
  function wordTerms(word, terms) {
    var plain = trimWord(word, terms).replace(/\*/g, "");
    if (!plain) return [];
    return termsOf(plain, terms, false).filter(function (t) { return !isStop(t.term, terms); })
      .map(function (t) { return stem(t.term); });
  }
  var SNIPPET = 240, LEAD = 60;
  // The snippet: the passage of about SNIPPET characters with the most distinct matched terms
  // (then the most matches, then the earliest), cut between words, matched words in <mark>.
  // `more` says the text itself was cut (the bundle's short snippet), so it ends with "…".
  function markedText(text, matched, terms, more) {
    var p = el("p", { "class": "snippet" });
    var parts = text.split(/(\s+)/).filter(function (x) { return x !== ""; }).map(function (part) {
      var space = /^\s+$/.test(part), hit = null;
      if (!space) wordTerms(part, terms).some(function (t) { if (matched[t]) hit = t; return !!hit; });
      return { text: part, space: space, hit: hit };
    });
    function span(start) {
      var end = start, chars = 0, keys = {}, count = 0;
      while (end < parts.length && (chars + parts[end].text.length <= SNIPPET || end === start)) {
        chars += parts[end].text.length;
        if (parts[end].hit) { keys[parts[end].hit] = true; count += 1; }
        end += 1;
      }
      return { start: start, end: end, score: Object.keys(keys).length * 1000 + count };
    }
    var best = span(0);
    parts.forEach(function (part, h) {
      if (!part.hit) return;
      var start = h, chars = 0;
      while (start > 0 && chars + parts[start - 1].text.length <= LEAD) { start -= 1; chars += parts[start].text.length; }
      while (start < h && parts[start].space) start += 1;
      var w = span(start);
      if (w.score > best.score) best = w;
    });
    var end = best.end;
    while (end > best.start && parts[end - 1].space) end -= 1;
    if (best.start > 0) p.appendChild(document.createTextNode("\u2026"));
    for (var i = best.start; i < end; i++) {
      if (!parts[i].hit) { p.appendChild(document.createTextNode(parts[i].text)); continue; }
      // Only the word is marked: punctuation around it ("ependyma,") stays outside the <mark>.
      var edges = /^([^\w\u00C0-\uFFFF]*)(.*?)([^\w\u00C0-\uFFFF]*)$/.exec(parts[i].text);
      if (edges[1]) p.appendChild(document.createTextNode(edges[1]));
      p.appendChild(el("mark", { text: edges[2] || parts[i].text }));
      if (edges[3]) p.appendChild(document.createTextNode(edges[3]));
    }
    if (end < parts.length || more) p.appendChild(document.createTextNode("\u2026"));
    return p;
  }
  // The bundle's short snippet is the description's start cut at a fixed length: its last word
  // may be cut too, so it is left out. Returns [text, whether it was cut].
  function shortSnippet(snippet) {
    if (snippet.length < 350 || /[.!?)]$/.test(snippet)) return [snippet, false];
    return [snippet.replace(/\s*\S*$/, ""), true];
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
  function stateUrl(state) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    if (state.sort) params.set("sort", state.sort);
    Object.keys(state.filters).sort().forEach(function (k) {
      state.filters[k].forEach(function (v) { params.append(k, v); });
    });
    return location.pathname + (params.toString() ? "?" + params.toString() : "");
  }
  function writeState(state, push) {
    var url = stateUrl(state);
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
    var notes = document.getElementById("search-notes");
    var shown = PAGE, run = 0, timer = null, current = { refs: [], matched: {}, fields: {}, terms: null, order: [] };
    // Unknown fields named, with the fields there are; words that found nothing, with corrections.
    function renderNotes(found) {
      if (!notes) return;
      notes.textContent = "";
      if (found.unknown.length) {
        var names = found.unknown.map(function (n) { return "\u201c" + n + ":\u201d"; }).join(", ");
        notes.appendChild(el("p", { "class": "search-note search-unknown-field" }, [
          document.createTextNode((found.unknown.length === 1 ? "There is no field " + names + ": its words were"
                                   : "There are no fields " + names + ": their words were") +
                                  " searched in every field. The fields are ")]
          .concat(current.order.map(function (f, i) {
            return [document.createTextNode(i ? ", " : ""), el("code", { text: f + ":" })];
          }).reduce(function (a, b) { return a.concat(b); }, []), [document.createTextNode(".")])));
      }
      (found.suggestions || []).forEach(function (s) {
        if (!s.options.length) return;
        var p = el("p", { "class": "search-note search-suggestion" },
                   [document.createTextNode("Nothing matches \u201c" + s.typed + "\u201d. Did you mean ")]);
        s.options.forEach(function (o, i) {
          if (i) p.appendChild(document.createTextNode(i === s.options.length - 1 ? " or " : ", "));
          p.appendChild(el("a", { href: stateUrl(Object.assign({}, state, { q: o.query })), "class": "search-correction",
                                  title: "Search for " + o.query, text: o.word }));
        });
        p.appendChild(document.createTextNode("?"));
        notes.appendChild(p);
      });
    }
    // The fields under the search box, as this index has them, each with its aliases.
    var fieldBox = document.getElementById("search-fields");
    if (fieldBox) {
      manifest().then(function (m) {
        var aliases = aliasesOf(m), nodes = [document.createTextNode("Fields: ")];
        allFields(m).forEach(function (f, i) {
          if (i) nodes.push(document.createTextNode(", "));
          nodes.push(el("code", { text: f + ":" }));
          var shownAliases = (aliases[f] || []).filter(function (a) { return SHOWN_ALIASES.indexOf(a) !== -1; });
          if (shownAliases.length) {
            nodes.push(document.createTextNode(" (or "));
            shownAliases.forEach(function (a, j) {
              if (j) nodes.push(document.createTextNode(", "));
              nodes.push(el("code", { text: a + ":" }));
            });
            nodes.push(document.createTextNode(")"));
          }
        });
        nodes.push(document.createTextNode("."));
        fieldBox.textContent = "";
        nodes.forEach(function (n) { fieldBox.appendChild(n); });
      }).catch(function () { /* the list the page was built with stays */ });
    }

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
          ].concat(verdictLines(d.verdicts || []), [matchedIn(d.ref), snippetOf(d)]))
        ]));
      });
      var mine = run;
      texts(items.map(function (d) { return d.ref; })).then(function (full) {
        if (!full || mine !== run) return;
        var shownNow = list.querySelectorAll("li.result p.snippet");
        full.forEach(function (text, i) {
          if (typeof text === "string" && shownNow[i]) shownNow[i].replaceWith(snippetOf({ text: text }));
        });
      }).catch(function () { /* the short snippets stay */ });
    }
    // A result's snippet: from its whole description when the bundle ships it, else the short one.
    function snippetOf(d) {
      if (typeof d.text === "string") return markedText(d.text, current.matched, current.terms, false);
      var short = shortSnippet(d.snippet || "");
      return markedText(short[0], current.matched, current.terms, short[1]);
    }
    // "Matched in: title, organism": the fields of a result that hold the query's words.
    function matchedIn(ref) {
      var has = current.fields[ref] || {};
      var names = current.order.filter(function (f) { return has[f]; }).map(function (f) { return FIELD_LABELS[f] || f; });
      if (!names.length) return null;
      return el("p", { "class": "result-matched" }, [el("span", { "class": "result-matched-label", text: "Matched in:" }),
                                                      document.createTextNode(" " + names.join(", "))]);
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
      var found = null;
      return Promise.all([search(state.q, withText), needFacets ? facetsReady : null, manifest()]).then(function (res) {
        if (mine !== run) return null;
        facets = res[1];
        found = res[0];
        all = found.refs || (facets ? facets[0].docs.map(function (_, i) { return i; }) : []);
        current = { refs: facets ? filtered(all, facets, null) : all, matched: found.matched, fields: found.fields,
                    terms: res[2].terms || null, order: allFields(res[2]) };
        return sorted(current.refs);
      }).then(function (refs) {
        if (mine !== run || refs === null) return;
        current.refs = refs;
        if (facets) renderFacets(facets, all);
        else facetsReady.then(function (f) { if (mine === run) renderFacets(f, all); });
        status.textContent = plural(current.refs.length) + (state.q ? " for \u201c" + state.q + "\u201d" : "");
        renderNotes(found);
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
