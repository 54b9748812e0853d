/* CONSTRUCT and DESCRIBE answers drawn as a graph: a node per subject and object, an arrow
   per triple labelled with its predicate. Plain JS and SVG, laid out by a few hundred steps
   of a simple force model from fixed starting places, so the same triples give the same
   picture; nothing is fetched. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var MOST_NODES = 150;
  var WIDTH = 900, HEIGHT = 560;

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function key(term) { return term.type + " " + term.value + " " + (term.datatype || term["xml:lang"] || ""); }

  function layout(nodes, edges) {
    var n = nodes.length;
    nodes.forEach(function (node, i) {
      var angle = 2 * Math.PI * i / n;
      node.x = WIDTH / 2 + Math.cos(angle) * WIDTH / 3;
      node.y = HEIGHT / 2 + Math.sin(angle) * HEIGHT / 3;
    });
    var ideal = Math.sqrt(WIDTH * HEIGHT / Math.max(n, 1)) * 0.6;
    for (var step = 0; step < 300; step++) {
      var heat = 20 * (1 - step / 300) + 1;
      nodes.forEach(function (a) { a.dx = 0; a.dy = 0; });
      for (var i = 0; i < n; i++) {
        for (var j = i + 1; j < n; j++) {
          var a = nodes[i], b = nodes[j];
          var dx = a.x - b.x, dy = a.y - b.y, d = Math.max(Math.sqrt(dx * dx + dy * dy), 1);
          var push = ideal * ideal / d / d;
          a.dx += dx * push; a.dy += dy * push; b.dx -= dx * push; b.dy -= dy * push;
        }
      }
      edges.forEach(function (e) {
        var dx = e.from.x - e.to.x, dy = e.from.y - e.to.y, d = Math.max(Math.sqrt(dx * dx + dy * dy), 1);
        var pull = d / ideal;
        e.from.dx -= dx * pull; e.from.dy -= dy * pull; e.to.dx += dx * pull; e.to.dy += dy * pull;
      });
      nodes.forEach(function (node) {
        var d = Math.max(Math.sqrt(node.dx * node.dx + node.dy * node.dy), 1);
        node.x = Math.min(WIDTH - 60, Math.max(60, node.x + node.dx / d * Math.min(d, heat)));
        node.y = Math.min(HEIGHT - 20, Math.max(20, node.y + node.dy / d * Math.min(d, heat)));
      });
    }
  }

  function drawTriples(triples, name, linkFor) {
    var figure = document.createElement("figure");
    figure.className = "triples-graph";
    figure.id = "results-graph";
    var nodes = [], byKey = {}, edges = [];
    function node(term) {
      var k = key(term);
      if (!byKey[k]) { byKey[k] = { term: term, label: name(term) }; nodes.push(byKey[k]); }
      return byKey[k];
    }
    triples.forEach(function (t) {
      edges.push({ from: node(t.subject), to: node(t.object), label: name(t.predicate) });
    });
    if (nodes.length > MOST_NODES) {
      figure.appendChild(document.createTextNode("These " + triples.length + " triples have " + nodes.length +
        " nodes, too many to draw readably (at most " + MOST_NODES + "): filter the rows, or see them as a table."));
      return figure;
    }
    layout(nodes, edges);
    var svg = svgEl("svg", { viewBox: "0 0 " + WIDTH + " " + HEIGHT, width: WIDTH, height: HEIGHT, role: "group",
                             "aria-label": "The triples as a graph: " + nodes.length + " nodes, " + edges.length + " edges" });
    var marker = svgEl("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "7",
                                   markerHeight: "7", orient: "auto-start-reverse" });
    marker.appendChild(svgEl("path", { d: "M0,0 L10,5 L0,10 z", "class": "arrow-head" }));
    svg.appendChild(svgEl("defs", {})).appendChild(marker);
    edges.forEach(function (e) {
      var g = svgEl("g", { "class": "graph-edge" });
      g.appendChild(svgEl("title", {}, e.from.label + " " + e.label + " " + e.to.label));
      g.appendChild(svgEl("line", { x1: e.from.x, y1: e.from.y, x2: e.to.x, y2: e.to.y, "marker-end": "url(#arrow)" }));
      g.appendChild(svgEl("text", { x: (e.from.x + e.to.x) / 2, y: (e.from.y + e.to.y) / 2 - 4, "class": "edge-label" }, e.label));
      svg.appendChild(g);
    });
    nodes.forEach(function (n) {
      var g = svgEl("g", { "class": "graph-node term-" + n.term.type });
      g.appendChild(svgEl("circle", { cx: n.x, cy: n.y, r: 6 }));
      var label = svgEl("text", { x: n.x + 9, y: n.y + 4 }, n.label.length > 40 ? n.label.slice(0, 39) + "…" : n.label);
      if (n.term.type === "uri") {
        var a = svgEl("a", { href: linkFor(n.term.value) });
        a.appendChild(label);
        g.appendChild(a);
      } else {
        g.appendChild(label);
      }
      svg.appendChild(g);
    });
    figure.appendChild(svg);
    return figure;
  }

  window.drawTriples = drawTriples;
})();
