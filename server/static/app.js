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
      if (term.datatype && NUMERIC.test(term.datatype)) td.dataset.number = term.value;
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
    td.dataset.sort = term.value;
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
        if (NUMERIC.test(term.datatype)) td.dataset.number = term.value;
        else td.appendChild(el("span", { "class": "datatype" }, "^^" + compact(term.datatype)));
      }
    } else {
      td.textContent = JSON.stringify(term.value);
    }
    return td;
  }

  function compareCells(a, b) {
    var na = a.dataset.number, nb = b.dataset.number;
    if (na !== undefined && nb !== undefined) return parseFloat(na) - parseFloat(nb);
    var sa = a.dataset.sort, sb = b.dataset.sort;
    if (sa === undefined) return sb === undefined ? 0 : 1;  // unbound last
    if (sb === undefined) return -1;
    return sa.localeCompare(sb, undefined, { numeric: true });
  }

  function sortBy(table, column, button) {
    var th = button.parentNode;
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var c = compareCells(r1.cells[column], r2.cells[column]);
      return ascending ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function renderTable(vars, rows) {
    lastResult = { vars: vars, rows: rows };
    resultsEl.innerHTML = "";
    var toggle = el("label", { "class": "raw-toggle" });
    var box = el("input", { type: "checkbox", id: "raw-terms" });
    box.checked = showRaw;
    box.addEventListener("change", function () {
      showRaw = box.checked;
      renderTable(lastResult.vars, lastResult.rows);
    });
    toggle.appendChild(box);
    toggle.appendChild(document.createTextNode(" show raw terms (IRIs, @language, ^^datatype)"));
    resultsEl.appendChild(toggle);
    drawTable(vars, rows);
    if (!showRaw) {
      fetchLabels(rows, vars).then(function (found) {
        if (found && lastResult && lastResult.rows === rows && !showRaw) {
          resultsEl.querySelector("#results-table").remove();
          drawTable(vars, rows);
        }
      });
    }
  }

  function drawTable(vars, rows) {
    var table = el("table", { "class": "results", id: "results-table" });
    var head = el("tr");
    vars.forEach(function (name, i) {
      var th = el("th", { scope: "col" });
      var button = el("button", { type: "button", "class": "sort", "data-column": String(i) }, name);
      button.addEventListener("click", function () { sortBy(table, i, button); });
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
    resultsEl.appendChild(table);
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

  function run() {
    clear();
    statusEl.textContent = "Running…";
    var started = performance.now();
    fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, application/n-triples;q=0.9"
      },
      body: new URLSearchParams(Object.assign({ query: editor.get() }, switches))
    }).then(function (response) {
      return response.text().then(function (body) {
        var ms = Math.round(performance.now() - started);
        if (!response.ok) {
          statusEl.textContent = "";
          errorEl.textContent = response.status + " " + response.statusText + ": " + body;
          errorEl.hidden = false;
          var at = /line (\d+), column (\d+)/.exec(body);
          if (at) editor.markError(parseInt(at[1], 10), parseInt(at[2], 10), body.trim());
          return;
        }
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
          renderTable(["subject", "predicate", "object"], triples);
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

  // Opened as /?query=… or /?name=… (a browser sent from /sparql or /queries/<name>): run it.
  if (config.named) {
    var current = document.querySelector('.named-query[data-name="' + CSS.escape(config.named) + '"]');
    if (current) current.setAttribute("aria-current", "true");
  }
  if (config.run) run();
})();
