/* The query page: run the editor's query, show the answer as a sortable table,
   offer it for download in every format. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("config").textContent);
  var statusEl = document.getElementById("status");
  var errorEl = document.getElementById("error");
  var resultsEl = document.getElementById("results");
  var downloadsEl = document.getElementById("downloads");
  var editor = new window.SparqlEditor(document.getElementById("query"), run, config.prefixes);
  editor.set(config.initialQuery);

  var prefixes = Object.keys(config.prefixes).map(function (p) {
    return [p, config.prefixes[p]];
  }).sort(function (a, b) { return b[1].length - a[1].length; });

  function compact(iri) {
    for (var i = 0; i < prefixes.length; i++) {
      if (iri.indexOf(prefixes[i][1]) === 0) return prefixes[i][0] + ":" + iri.slice(prefixes[i][1].length);
    }
    return iri;
  }

  function linkFor(iri) {
    // Only web IRIs leave the page; anything else (javascript:, file:, urn:) is looked up here.
    if (iri.indexOf(config.localBase) === 0 || !/^https?:\/\//i.test(iri)) {
      return "/resource?iri=" + encodeURIComponent(iri);
    }
    return iri;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var showRaw = false;
  var labels = {};
  var lastResult = null;
  var BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean";
  var VERDICTS = { eligible: "verdict-eligible", ineligible: "verdict-ineligible", met: "result-met",
                   failed: "result-failed", unknown: "result-unknown" };
  var SAFE_IRI = /^[^<>"{}|^`\\\s]*$/;

  function readableTerm(td, term) {
    if (term.type === "uri") {
      var label = labels[term.value];
      var a = el("a", { href: linkFor(term.value), title: term.value, "class": "term" }, label || compact(term.value));
      if (a.getAttribute("href") === term.value) { a.target = "_blank"; a.rel = "noopener"; }
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.appendChild(el("span", { "class": "bnode" }, "_:" + term.value));
    } else if (term.datatype === BOOLEAN) {
      td.appendChild(el("span", { "class": "badge boolean-" + term.value }, term.value));
    } else if (!term.datatype && VERDICTS[term.value]) {
      td.appendChild(el("span", { "class": "badge " + VERDICTS[term.value] }, term.value));
    } else {
      td.appendChild(el("span", { "class": "literal" }, term.value));
    }
    var shown = term["xml:lang"] ? "@" + term["xml:lang"] : term.datatype ? "^^" + compact(term.datatype) : "";
    if (shown) td.title = term.value + " " + shown;
  }

  function fetchLabels(rows, vars) {
    var wanted = {};
    rows.forEach(function (row) {
      vars.forEach(function (name) {
        var t = row[name];
        if (t && t.type === "uri" && !(t.value in labels) && SAFE_IRI.test(t.value)) wanted[t.value] = true;
      });
    });
    var iris = Object.keys(wanted).slice(0, 500);
    if (!iris.length) return Promise.resolve(false);
    var query = "SELECT DISTINCT ?x ?l WHERE { VALUES ?x { " + iris.map(function (i) { return "<" + i + ">"; }).join(" ") +
      " } ?x rdfs:label ?l FILTER(LANG(?l) IN (\"en\", \"\")) }";
    return fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
      body: new URLSearchParams(Object.assign({ query: query }, switches))
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      iris.forEach(function (i) { labels[i] = labels[i] || ""; });
      if (!data) return false;
      data.results.bindings.forEach(function (b) { labels[b.x.value] = labels[b.x.value] || b.l.value; });
      return true;
    }).catch(function () { return false; });
  }

  // The page's implied/linked switches (?implied=0, ?linked=0) go with every query it sends.
  var pageParams = new URLSearchParams(location.search);
  var switches = {};
  ["implied", "linked"].forEach(function (name) {
    var value = (pageParams.get(name) || "").trim().toLowerCase();
    if (["0", "false", "no", "off"].indexOf(value) >= 0) switches[name] = "0";
  });
  function switchQuery() {
    return Object.keys(switches).map(function (k) { return "&" + k + "=0"; }).join("");
  }

  // The names the editor completes: the served ontology's terms and the graph's entities.
  var NAMES = "SELECT ?t (SAMPLE(?l) AS ?label) WHERE { " +
    "{ GRAPH <https://w3id.org/csto-kg/graph/ontology> { ?t a ?kind } } UNION " +
    "{ ?t rdfs:label ?any FILTER(STRSTARTS(STR(?t), \"" + config.localBase + "id/\")) } " +
    "FILTER(isIRI(?t)) OPTIONAL { ?t rdfs:label ?l FILTER(LANG(?l) IN (\"en\", \"\")) } } GROUP BY ?t LIMIT 5000";
  fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
    body: new URLSearchParams(Object.assign({ query: NAMES }, switches))
  }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
    if (!data) return;
    var found = {};
    data.results.bindings.forEach(function (b) {
      var name = compact(b.t.value);
      if (name !== b.t.value && /^[\w-]*:[\w.-]+$/.test(name)) found[name] = b.label ? b.label.value : "";
    });
    editor.addNames(found);
    document.getElementById("editor").dataset.names = String(Object.keys(found).length);
  }).catch(function () {});

  var NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|negativeInteger|nonPositiveInteger|unsigned\w+)$/;

  function termCell(term) {
    var td = el("td");
    if (!term) return td;
    if (!showRaw) {
      readableTerm(td, term);
    } else if (term.type === "uri") {
      var a = el("a", { href: linkFor(term.value), title: term.value }, compact(term.value));
      if (a.getAttribute("href") === term.value) { a.target = "_blank"; a.rel = "noopener"; }
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.appendChild(el("span", { "class": "bnode" }, "_:" + term.value));
    } else if (term.type === "literal" || term.type === "typed-literal") {
      td.appendChild(el("span", { "class": "literal" }, term.value));
      if (term["xml:lang"]) td.appendChild(el("span", { "class": "lang" }, "@" + term["xml:lang"]));
      if (term.datatype) {
        td.title = compact(term.datatype);
        // Numbers read as numbers; other datatypes are shown, since they change the meaning.
        if (!NUMERIC.test(term.datatype)) td.appendChild(el("span", { "class": "datatype" }, "^^" + compact(term.datatype)));
      }
    } else {
      td.textContent = JSON.stringify(term.value);
    }
    return td;
  }

  function compareTerms(a, b) {
    if (!a || !b) return !a ? (!b ? 0 : 1) : -1;  // unbound last
    if (a.datatype && b.datatype && NUMERIC.test(a.datatype) && NUMERIC.test(b.datatype)) {
      return parseFloat(a.value) - parseFloat(b.value);
    }
    return a.value.localeCompare(b.value, undefined, { numeric: true });
  }

  // What a row shows, for the filter box: values, labels and prefixed names.
  function rowText(row, vars) {
    return vars.map(function (name) {
      var t = row[name];
      if (!t) return "";
      return t.value + " " + (t.type === "uri" ? (labels[t.value] || "") + " " + compact(t.value) : "");
    }).join(" ").toLowerCase();
  }

  var PAGE_SIZE = 100;
  var view = { sort: null, ascending: true, filter: "", page: 0, shape: "table" };

  function shownRows() {
    var wanted = view.filter.trim().toLowerCase();
    var rows = lastResult.rows.filter(function (row) {
      return !wanted || rowText(row, lastResult.vars).indexOf(wanted) >= 0;
    });
    if (view.sort !== null) {
      var name = lastResult.vars[view.sort];
      rows = rows.slice().sort(function (r1, r2) {
        var c = compareTerms(r1[name], r2[name]);
        return view.ascending ? c : -c;
      });
    }
    return rows;
  }

  function sortBy(column) {
    view.ascending = view.sort === column ? !view.ascending : true;
    view.sort = column;
    view.page = 0;
    drawResults();
  }

  function renderTable(vars, rows, triples) {
    lastResult = { vars: vars, rows: rows, triples: triples };
    resultsEl.innerHTML = "";
    var bar = el("div", { "class": "results-bar" });
    var toggle = el("label", { "class": "raw-toggle" });
    var box = el("input", { type: "checkbox", id: "raw-terms" });
    box.checked = showRaw;
    box.addEventListener("change", function () {
      showRaw = box.checked;
      remember();
      drawResults();
      if (!showRaw) fetchLabels(rows, vars).then(function (found) { if (found) drawResults(); });
    });
    toggle.appendChild(box);
    toggle.appendChild(document.createTextNode(" show raw terms (IRIs, @language, ^^datatype)"));
    var filterLabel = el("label", { "class": "results-filter" }, "Filter the rows ");
    var filter = el("input", { type: "search", id: "results-filter", autocomplete: "off" });
    filter.value = view.filter;
    filter.addEventListener("input", function () {
      view.filter = filter.value;
      view.page = 0;
      remember();
      drawResults();
    });
    filterLabel.appendChild(filter);
    bar.appendChild(filterLabel);
    if (triples) bar.appendChild(shapeSwitch());
    bar.appendChild(toggle);
    resultsEl.appendChild(bar);
    resultsEl.appendChild(el("div", { id: "results-body" }));
    drawResults();
    if (!showRaw) {
      fetchLabels(rows, vars).then(function (found) {
        if (found && lastResult && lastResult.rows === rows && !showRaw) drawResults();
      });
    }
  }

  function shapeSwitch() {
    var group = el("span", { "class": "shape-switch", role: "group", "aria-label": "Show the triples as" });
    ["table", "graph"].forEach(function (shape) {
      var button = el("button", { type: "button", id: "show-" + shape, "aria-pressed": String(view.shape === shape) },
                      shape === "table" ? "Table" : "Graph");
      button.addEventListener("click", function () {
        view.shape = shape;
        group.querySelectorAll("button").forEach(function (b) {
          b.setAttribute("aria-pressed", String(b === button));
        });
        remember();
        drawResults();
      });
      group.appendChild(button);
    });
    return group;
  }

  function drawResults() {
    var body = document.getElementById("results-body");
    if (!body || !lastResult) return;
    body.innerHTML = "";
    var rows = shownRows();
    if (lastResult.triples && view.shape === "graph") {
      body.appendChild(window.drawTriples(rows, function (term) {
        return term.type === "uri" ? (!showRaw && labels[term.value]) || compact(term.value) :
          term.type === "bnode" ? "_:" + term.value : term.value;
      }, linkFor));
      return;
    }
    var pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    view.page = Math.min(view.page, pages - 1);
    var first = view.page * PAGE_SIZE;
    drawTable(lastResult.vars, rows.slice(first, first + PAGE_SIZE), body);
    if (rows.length > PAGE_SIZE || view.filter) body.appendChild(pager(first, rows.length, pages));
  }

  function pager(first, count, pages) {
    var nav = el("nav", { "class": "pager", id: "results-pages", "aria-label": "Result pages" });
    function go(label, id, page) {
      var button = el("button", { type: "button", id: id }, label);
      button.disabled = page < 0 || page >= pages;
      button.addEventListener("click", function () { view.page = page; drawResults(); });
      nav.appendChild(button);
    }
    go("← previous", "page-previous", view.page - 1);
    nav.appendChild(el("span", { id: "page-shown" }, count ? "rows " + (first + 1) + "–" +
      Math.min(first + PAGE_SIZE, count) + " of " + count : "no row matches"));
    go("next →", "page-next", view.page + 1);
    return nav;
  }

  function drawTable(vars, rows, into) {
    var table = el("table", { "class": "results", id: "results-table" });
    var head = el("tr");
    vars.forEach(function (name, i) {
      var th = el("th", { scope: "col" });
      if (view.sort === i) th.setAttribute("aria-sort", view.ascending ? "ascending" : "descending");
      var button = el("button", { type: "button", "class": "sort", "data-column": String(i) }, name);
      button.addEventListener("click", function () { sortBy(i); });
      th.appendChild(button);
      head.appendChild(th);
    });
    table.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    rows.forEach(function (row) {
      var tr = el("tr");
      vars.forEach(function (name) { tr.appendChild(termCell(row[name])); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    into.appendChild(table);
  }

  function unescapeLiteral(quoted) {
    return JSON.parse(quoted.replace(/\\U([0-9A-Fa-f]{8})/g, function (_, hex) {
      var cp = parseInt(hex, 16) - 0x10000;
      return "\\u" + (0xD800 + (cp >> 10)).toString(16) + "\\u" + (0xDC00 + (cp & 0x3FF)).toString(16);
    }));
  }

  var NT_TERM = /^(?:<([^>]*)>|_:(\S+)|("(?:[^"\\]|\\.)*")(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?)\s*/;

  function parseNTriples(text) {
    var triples = [];
    text.split("\n").forEach(function (line) {
      line = line.trim();
      if (!line || line[0] === "#") return;
      var terms = [];
      for (var i = 0; i < 3; i++) {
        var m = NT_TERM.exec(line);
        if (!m) return;
        if (m[1] !== undefined) terms.push({ type: "uri", value: m[1] });
        else if (m[2] !== undefined) terms.push({ type: "bnode", value: m[2] });
        else {
          var t = { type: "literal", value: unescapeLiteral(m[3]) };
          if (m[4]) t["xml:lang"] = m[4];
          if (m[5]) t.datatype = m[5];
          terms.push(t);
        }
        line = line.slice(m[0].length);
      }
      triples.push({ subject: terms[0], predicate: terms[1], object: terms[2] });
    });
    return triples;
  }

  function showDownloads(formats) {
    downloadsEl.innerHTML = "";
    downloadsEl.appendChild(document.createTextNode("Download: "));
    formats.forEach(function (f, i) {
      var url = "/sparql?query=" + encodeURIComponent(editor.get()) + "&format=" + f.name + switchQuery();
      var a = el("a", { href: url, download: "results." + f.name, "class": "download", "data-format": f.name }, f.label);
      if (i) downloadsEl.appendChild(document.createTextNode(" · "));
      downloadsEl.appendChild(a);
    });
    downloadsEl.hidden = false;
  }

  function clear() {
    errorEl.hidden = true;
    errorEl.textContent = "";
    resultsEl.innerHTML = "";
    downloadsEl.hidden = true;
  }

  // The server's refusal, said once and plainly; a syntax error is marked in the editor where
  // it is. Oxigraph places errors it only notices at the end of the query there, so a bracket
  // out of place or a word that is no keyword is looked for first (window.syntaxHint, syntax.js).
  function showError(status, body, text) {
    var message = body.trim().replace(/^malformed query:\s*/, "");
    var at = /^line (\d+), column (\d+)(, at the end of the query)?/.exec(message);
    errorEl.dataset.status = String(status);
    if (!at) {
      errorEl.textContent = message;
      errorEl.hidden = false;
      return;
    }
    var line = parseInt(at[1], 10), column = parseInt(at[2], 10);
    var bracket = at[3] ? window.syntaxHint(text) : null;
    if (bracket) {
      line = bracket.line; column = bracket.column;
      message = "line " + line + ", column " + column + ": " + bracket.words;
    } else if (at[3]) {
      message = at[0] + ": the query stops making sense before its end; look at the lines above";
    }
    errorEl.textContent = "Syntax error at " + message;
    errorEl.hidden = false;
    editor.markError(line, column, message);
  }

  function run() {
    var text = editor.get();
    if (text !== lastRun) {   // another query: its rows start unsorted, unfiltered, on page one
      view.sort = null; view.page = 0; view.filter = "";
    }
    clear();
    statusEl.textContent = "Running…";
    var started = performance.now();
    fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, application/n-triples;q=0.9"
      },
      body: new URLSearchParams(Object.assign({ query: text }, switches))
    }).then(function (response) {
      return response.text().then(function (body) {
        var ms = Math.round(performance.now() - started);
        if (!response.ok) {
          statusEl.textContent = "";
          showError(response.status, body, text);
          return;
        }
        remember();
        keepInHistory(text);
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/sparql-results+json") === 0) {
          var data = JSON.parse(body);
          showDownloads(config.resultFormats);
          if (typeof data.boolean === "boolean") {
            resultsEl.appendChild(el("p", { "class": "boolean badge boolean-" + data.boolean, id: "boolean-result" },
                                     String(data.boolean)));
            statusEl.textContent = "ASK answered " + data.boolean + " · " + ms + " ms";
            return;
          }
          renderTable(data.head.vars, data.results.bindings);
          statusEl.textContent = data.results.bindings.length + " rows · " + ms + " ms";
        } else {
          var triples = parseNTriples(body);
          showDownloads(config.graphFormats);
          renderTable(["subject", "predicate", "object"], triples, true);
          statusEl.textContent = triples.length + " triples · " + ms + " ms";
        }
      });
    }).catch(function (error) {
      statusEl.textContent = "";
      errorEl.textContent = "The server could not be reached: " + error;
      errorEl.hidden = false;
    });
  }

  document.getElementById("query-form").addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });

  var byName = {};
  config.queries.forEach(function (q) { byName[q.name] = q; });
  document.querySelectorAll(".named-query").forEach(function (button) {
    button.addEventListener("click", function () {
      var q = byName[button.dataset.name];
      if (!q) return;
      document.querySelectorAll(".named-query").forEach(function (b) { b.removeAttribute("aria-current"); });
      button.setAttribute("aria-current", "true");
      editor.set(q.text);
      run();
    });
  });
  // -- the query and its view in the address, so a reload or a shared link shows the same ----

  function pageUrl(text) {
    var params = new URLSearchParams();
    params.set("query", text);
    if (view.shape === "graph") params.set("view", "graph");
    if (showRaw) params.set("raw", "1");
    if (view.filter) params.set("filter", view.filter);
    Object.keys(switches).forEach(function (k) { params.set(k, "0"); });
    return location.pathname + "?" + params.toString();
  }

  var lastRun = null;

  function remember() {
    if (lastRun !== null) history.replaceState(null, "", pageUrl(lastRun));
  }

  document.getElementById("copy-link").addEventListener("click", function () {
    var url = location.origin + pageUrl(editor.get());
    navigator.clipboard.writeText(url).then(function () {
      statusEl.textContent = "Link copied: it opens this query";
    }, function () {
      statusEl.textContent = "Copy this link: " + url;
    });
  });

  // -- the user's own recent queries, kept in this browser only -----------------------------

  var HISTORY_KEY = "csto-kg.query-history";
  var HISTORY_SIZE = 20;
  var historyEl = document.getElementById("query-history");

  function readHistory() {
    try {
      var list = JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]");
      return Array.isArray(list) ? list.filter(function (q) { return typeof q === "string"; }) : [];
    } catch (e) {
      return [];
    }
  }

  function keepInHistory(text) {
    lastRun = text;
    remember();
    var list = [text].concat(readHistory().filter(function (q) { return q !== text; })).slice(0, HISTORY_SIZE);
    try { localStorage.setItem(HISTORY_KEY, JSON.stringify(list)); } catch (e) { /* storage full or off */ }
    showHistory();
  }

  function gist(text) {
    var lines = text.split("\n").filter(function (l) { return l.trim() && !/^\s*(#|(PREFIX|BASE)\b)/i.test(l); });
    var words = lines.join(" ").replace(/\s+/g, " ").trim();
    return words.length > 70 ? words.slice(0, 69) + "…" : words;
  }

  function showHistory() {
    var list = readHistory();
    historyEl.innerHTML = "";
    document.getElementById("history").hidden = !list.length;
    list.forEach(function (text) {
      var button = el("button", { type: "button", "class": "named-query past-query", title: text }, gist(text));
      button.addEventListener("click", function () { editor.set(text); run(); });
      historyEl.appendChild(el("li")).appendChild(button);
    });
  }

  document.getElementById("clear-history").addEventListener("click", function () {
    try { localStorage.removeItem(HISTORY_KEY); } catch (e) { /* nothing kept */ }
    showHistory();
  });

  showHistory();
  var asked = pageParams.get("query");
  if (asked) {
    view.shape = pageParams.get("view") === "graph" ? "graph" : "table";
    view.filter = pageParams.get("filter") || "";
    showRaw = pageParams.get("raw") === "1";
    lastRun = asked;
    editor.set(asked);
    run();
  } else if (config.run) {
    run();    // /?name=… (a browser sent from /queries/<name>): the server loaded it
  }
  if (config.named) {
    var current = document.querySelector('.named-query[data-name="' + CSS.escape(config.named) + '"]');
    if (current) current.setAttribute("aria-current", "true");
  }
})();
