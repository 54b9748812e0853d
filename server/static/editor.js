/* A small SPARQL editor: a textarea over a highlighted copy of its text.
   No dependencies, so the page works with no network. */
(function () {
  "use strict";

  var KEYWORDS = ("BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED DISTINCT REDUCED " +
    "AS ORDER BY ASC DESC LIMIT OFFSET GROUP HAVING VALUES OPTIONAL UNION MINUS GRAPH SERVICE " +
    "SILENT FILTER BIND NOT EXISTS IN UNDEF INSERT DELETE DATA WITH USING DEFAULT ALL CLEAR " +
    "DROP CREATE ADD MOVE COPY TO LOAD INTO TRUE FALSE").split(" ");
  var FUNCTIONS = ("STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND " +
    "CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER " +
    "YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 " +
    "SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX " +
    "SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR").split(" ");
  var WORDS = {};
  KEYWORDS.forEach(function (k) { WORDS[k] = "kw"; });
  FUNCTIONS.forEach(function (k) { WORDS[k] = "fn"; });

  var TOKEN = new RegExp([
    '("""[\\s\\S]*?(?:"""|$)|\'\'\'[\\s\\S]*?(?:\'\'\'|$)|"(?:[^"\\\\\\n]|\\\\.)*"?|\'(?:[^\'\\\\\\n]|\\\\.)*\'?)', // 1 string
    '(<[^<>"{}|^`\\\\\\s]*>)',                         // 2 IRI
    '(#[^\\n]*)',                                      // 3 comment
    '([?$][A-Za-z0-9_\\u00B7\\u00C0-\\uFFFF]+)',       // 4 variable
    '((?:[A-Za-z][\\w.-]*)?:[\\w.%-]*)',               // 5 prefixed name
    '(@[A-Za-z]+(?:-[A-Za-z0-9]+)*)',                  // 6 language tag
    '(\\b\\d+(?:\\.\\d*)?(?:[eE][+-]?\\d+)?\\b)',      // 7 number
    '([A-Za-z_]+)'                                     // 8 word
  ].join("|"), "g");

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function span(cls, text) {
    return '<span class="tok-' + cls + '">' + escapeHtml(text) + "</span>";
  }

  function highlight(text) {
    var out = "", last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      out += escapeHtml(text.slice(last, m.index));
      if (m[1]) out += span("string", m[0]);
      else if (m[2]) out += span("iri", m[0]);
      else if (m[3]) out += span("comment", m[0]);
      else if (m[4]) out += span("var", m[0]);
      else if (m[5]) out += span("pname", m[0]);
      else if (m[6]) out += span("lang", m[0]);
      else if (m[7]) out += span("number", m[0]);
      else {
        var kind = m[0] === "a" ? "kw" : WORDS[m[0].toUpperCase()];
        out += kind ? span(kind, m[0]) : escapeHtml(m[0]);
      }
      last = TOKEN.lastIndex;
    }
    // A trailing newline keeps the overlay as tall as the textarea's text.
    return out + escapeHtml(text.slice(last)) + "\n";
  }

  function SparqlEditor(textarea, code, onRun) {
    var pre = code.parentNode;
    function render() {
      code.innerHTML = highlight(textarea.value);
      pre.scrollTop = textarea.scrollTop;
      pre.scrollLeft = textarea.scrollLeft;
    }
    textarea.addEventListener("input", render);
    textarea.addEventListener("scroll", function () {
      pre.scrollTop = textarea.scrollTop;
      pre.scrollLeft = textarea.scrollLeft;
    });
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        onRun();
      }
    });
    this.get = function () { return textarea.value; };
    this.set = function (text) { textarea.value = text; render(); };
    render();
  }

  window.SparqlEditor = SparqlEditor;
  window.highlightSparql = highlight;
})();
