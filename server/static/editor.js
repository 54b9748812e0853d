/* The query editor: CodeMirror 5 (vendor/codemirror) with its SPARQL mode, completion of
   prefixes, of the served ontology's terms and of the graph's entities, and the parser's
   error marked where it is. */
(function () {
  "use strict";

  var KEYWORDS = ("SELECT CONSTRUCT DESCRIBE ASK WHERE PREFIX DISTINCT OPTIONAL FILTER UNION MINUS " +
    "GRAPH BIND VALUES ORDER BY GROUP HAVING LIMIT OFFSET EXISTS NOT SERVICE").split(" ");

  function SparqlEditor(textarea, onRun, prefixes) {
    var names = {};      // "csto:consentWithheldBy" -> its label ("" when none)
    var errorMark = null, errorLine = null;
    var cm = window.CodeMirror.fromTextArea(textarea, {
      mode: "sparql",
      lineNumbers: true,
      lineWrapping: true,
      indentUnit: 2,
      gutters: ["CodeMirror-linenumbers", "error-gutter"],
      extraKeys: {
        "Ctrl-Enter": function () { onRun(); },
        "Cmd-Enter": function () { onRun(); },
        "Ctrl-Space": function () { cm.showHint({ hint: complete, completeSingle: false }); },
        // Tab leaves the editor, as everywhere else on the page (no keyboard trap);
        // Ctrl-] and Ctrl-[ indent, and Enter keeps the line's indentation.
        "Tab": false,
        "Shift-Tab": false
      }
    });
    cm.getWrapperElement().id = "editor-cm";
    cm.getInputField().setAttribute("aria-label", textarea.getAttribute("aria-label") || "SPARQL query");

    // A list that pops up while typing offers, it does not choose: Enter and Tab pick an item
    // only once Up or Down has chosen one; else Enter is a newline and Tab leaves the editor.
    var chosen = false;
    cm.on("endCompletion", function () { chosen = false; });
    function choose(step) {
      return function (_, handle) { chosen = true; handle.moveFocus(step); };
    }
    function pickIfChosen(fallback) {
      return function (editor, handle) {
        if (chosen) return handle.pick();
        handle.close();
        return fallback(editor);
      };
    }
    var offering = {
      hint: complete,
      completeSingle: false,
      extraKeys: {
        Up: choose(-1),
        Down: choose(1),
        Enter: pickIfChosen(function (editor) { editor.execCommand("newlineAndIndent"); }),
        Tab: pickIfChosen(function () { return window.CodeMirror.Pass; })
      }
    };

    cm.on("change", function () {
      cm.save();
      clearError();
    });
    cm.on("inputRead", function (_, change) {
      if (change.origin === "+input" && /[\w:]$/.test(change.text.join(""))) {
        cm.showHint(offering);
      }
    });

    function declaration(prefix) {
      return prefix + ": <" + prefixes[prefix] + ">";
    }

    // What is being typed at the cursor: a prefixed name (csto:cons), a prefix (cs) or a keyword.
    function complete(editor) {
      var cursor = editor.getCursor();
      var line = editor.getLine(cursor.line);
      var start = cursor.ch;
      while (start > 0 && /[\w:.\-]/.test(line.charAt(start - 1))) start--;
      var typed = line.slice(start, cursor.ch);
      if (!typed) return null;
      var before = line.slice(0, start);
      var list = [];
      if (/PREFIX\s+$/i.test(before)) {
        Object.keys(prefixes).forEach(function (p) {
          if (p.indexOf(typed.replace(/:$/, "")) === 0) list.push({ text: declaration(p), displayText: declaration(p) });
        });
      } else if (typed.indexOf(":") >= 0) {
        var low = typed.toLowerCase();
        Object.keys(names).forEach(function (name) {
          if (name.toLowerCase().indexOf(low) === 0) {
            list.push({ text: name, displayText: names[name] ? name + "  — " + names[name] : name });
          }
        });
        list.sort(function (a, b) { return a.text.length - b.text.length || (a.text < b.text ? -1 : 1); });
      } else {
        Object.keys(prefixes).forEach(function (p) {
          if (p.indexOf(typed) === 0) list.push({ text: p + ":", displayText: p + ":  <" + prefixes[p] + ">" });
        });
        KEYWORDS.forEach(function (k) {
          if (typed.length > 1 && k.indexOf(typed.toUpperCase()) === 0) list.push({ text: k, displayText: k });
        });
      }
      if (!list.length) return null;
      var found = { list: list.slice(0, 60), from: window.CodeMirror.Pos(cursor.line, start), to: cursor };
      window.CodeMirror.on(found, "shown", nameTheList);
      return found;
    }

    function nameTheList() {
      document.querySelectorAll(".CodeMirror-hints").forEach(function (list) {
        list.setAttribute("aria-label", "Completions");
      });
    }

    function clearError() {
      if (errorMark) { errorMark.clear(); errorMark = null; }
      if (errorLine !== null) {
        cm.setGutterMarker(errorLine, "error-gutter", null);
        cm.removeLineClass(errorLine, "background", "error-line");
        errorLine = null;
      }
    }

    // Mark the parser's error at line:column (both from 1, as Oxigraph gives them).
    this.markError = function (lineNumber, column, message) {
      clearError();
      var line = Math.min(Math.max(lineNumber - 1, 0), cm.lineCount() - 1);
      var text = cm.getLine(line);
      var ch = Math.min(Math.max(column - 1, 0), text.length);
      var end = ch;
      while (end < text.length && !/\s/.test(text.charAt(end))) end++;
      if (end === ch) { ch = Math.max(0, ch - 1); end = Math.max(end, ch + 1); }
      errorMark = cm.markText(window.CodeMirror.Pos(line, ch), window.CodeMirror.Pos(line, end),
        { className: "syntax-error", attributes: { title: message } });
      var marker = document.createElement("span");
      marker.className = "error-marker";
      marker.title = message;
      marker.textContent = "●";
      cm.setGutterMarker(line, "error-gutter", marker);
      cm.addLineClass(line, "background", "error-line");
      errorLine = line;
      cm.scrollIntoView(window.CodeMirror.Pos(line, ch), 60);
    };
    this.addNames = function (found) {
      Object.keys(found).forEach(function (name) { names[name] = names[name] || found[name]; });
    };
    this.get = function () { return cm.getValue(); };
    this.set = function (text) { cm.setValue(text); cm.save(); };
    this.focus = function () { cm.focus(); };
  }

  window.SparqlEditor = SparqlEditor;
})();
