/* Where a query's brackets stop matching: the first closing bracket that closes the wrong
   opening one, or the first opening bracket never closed. Strings, IRIs and comments are
   skipped. The SPARQL parser notices such errors only at the end of the query; this finds
   the place a person has to look at. */
(function () {
  "use strict";

  var PAIRS = { ")": "(", "]": "[", "}": "{" };
  var SKIP = /^(?:"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|#[^\n]*)/;

  function place(text, offset) {
    var before = text.slice(0, offset);
    var line = before.split("\n").length;
    return { line: line, column: offset - before.lastIndexOf("\n") };
  }

  function bracketError(text) {
    var open = [];
    for (var i = 0; i < text.length; i++) {
      var skipped = SKIP.exec(text.slice(i, i + 2000));
      if (skipped) { i += skipped[0].length - 1; continue; }
      var c = text.charAt(i);
      if ("([{".indexOf(c) >= 0) open.push(i);
      if (!PAIRS[c]) continue;
      var last = open.pop();
      if (last === undefined || text.charAt(last) !== PAIRS[c]) {
        var here = place(text, i);
        var words = last === undefined ? "this “" + c + "” closes nothing" :
          "this “" + c + "” closes the “" + text.charAt(last) + "” opened at line " + place(text, last).line +
          ", column " + place(text, last).column;
        return { line: here.line, column: here.column, words: words };
      }
    }
    if (!open.length) return null;
    var first = place(text, open[open.length - 1]);
    return { line: first.line, column: first.column, words: "this “" + text.charAt(open[open.length - 1]) + "” is never closed" };
  }

  window.bracketError = bracketError;
})();
