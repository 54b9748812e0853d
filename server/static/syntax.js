/* Where a query that the server refused goes wrong, when the SPARQL parser only noticed at its
   end: the first closing bracket that closes the wrong opening one, the first opening bracket
   never closed, or else the first bare word that is no SPARQL keyword or function (LIMT).
   Strings, IRIs, comments, variables and prefixed names are skipped. It only adds a place to
   look at; whether the query is wrong is the server's word (docs/decisions/0022). */
(function () {
  "use strict";

  var PAIRS = { ")": "(", "]": "[", "}": "{" };
  var SKIP = /^(?:"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|#[^\n]*|[?$]\w+|@[A-Za-z][\w-]*|[\w.-]*:[\w.:%-]*|\d[\w.+-]*)/;
  var WORDS = ("BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT WHERE DESCRIBE ASK FROM NAMED GROUP BY HAVING " +
    "ORDER ASC DESC LIMIT OFFSET VALUES LOAD SILENT INTO CLEAR DROP CREATE ADD MOVE COPY TO INSERT DATA " +
    "DELETE WITH USING DEFAULT GRAPH ALL OPTIONAL SERVICE BIND UNDEF MINUS UNION FILTER NOT IN EXISTS " +
    "LATERAL STR LANG LANGMATCHES LANGDIR DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT " +
    "STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS " +
    "MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG " +
    "STRLANGDIR STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC ISTRIPLE TRIPLE SUBJECT PREDICATE " +
    "OBJECT HASLANG HASLANGDIR REGEX SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR " +
    "ADJUST A TRUE FALSE").split(" ");

  function place(text, offset) {
    var before = text.slice(0, offset);
    return { line: before.split("\n").length, column: offset - before.lastIndexOf("\n") };
  }

  function at(text, offset, words) {
    var here = place(text, offset);
    return { line: here.line, column: here.column, words: words };
  }

  function where(text, offset) {
    var p = place(text, offset);
    return "line " + p.line + ", column " + p.column;
  }

  function syntaxHint(text) {
    var open = [], stray = null;
    for (var i = 0; i < text.length; i++) {
      var skipped = SKIP.exec(text.slice(i, i + 2000));
      if (skipped && skipped[0]) { i += skipped[0].length - 1; continue; }
      var c = text.charAt(i);
      var word = /^[A-Za-z_]\w*/.exec(text.slice(i, i + 200));
      if (word) {
        if (stray === null && WORDS.indexOf(word[0].toUpperCase()) < 0) {
          stray = at(text, i, "“" + word[0] + "” is no SPARQL keyword or function");
        }
        i += word[0].length - 1;
        continue;
      }
      if ("([{".indexOf(c) >= 0) open.push(i);
      if (!PAIRS[c]) continue;
      var last = open.pop();
      if (last === undefined) return at(text, i, "this “" + c + "” closes nothing");
      if (text.charAt(last) !== PAIRS[c]) {
        return at(text, i, "this “" + c + "” closes the “" + text.charAt(last) + "” opened at " + where(text, last));
      }
    }
    if (open.length) {
      var unclosed = open[open.length - 1];
      return at(text, unclosed, "this “" + text.charAt(unclosed) + "” is never closed");
    }
    return stray;
  }

  window.syntaxHint = syntaxHint;
})();
