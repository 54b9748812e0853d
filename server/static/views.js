// The analyst's pages: choose the verdict matrix's view, filter it by state; show the facts of a sentence.
(function () {
  "use strict";

  // The matrix's view is its query string; a choice made shows at once (a requirement's
  // filter once both the requirement and its result are chosen).
  const matrixView = document.getElementById("matrix-view");
  if (matrixView) {
    const requirement = document.getElementById("matrix-requirement");
    const result = document.getElementById("matrix-result");
    matrixView.querySelectorAll("select").forEach((select) => {
      select.addEventListener("change", () => {
        if ((requirement.value === "") === (result.value === "")) matrixView.requestSubmit();
      });
    });
  }

  const search = document.getElementById("matrix-search");
  if (search) {
    search.addEventListener("input", () => {
      const wanted = search.value.trim().toLowerCase();
      document.querySelectorAll("table.matrix tbody tr[data-state]").forEach((row) => {
        row.hidden = wanted !== "" && !row.dataset.state.toLowerCase().includes(wanted);
      });
    });
  }

  const panel = document.getElementById("sentence-facts");
  if (panel) {
    const show = (sentence) => {
      document.querySelectorAll(".sentence.current").forEach((s) => s.classList.remove("current"));
      document.querySelectorAll("#facts li.current").forEach((f) => f.classList.remove("current"));
      sentence.classList.add("current");
      const ids = sentence.dataset.facts.split(" ");
      panel.replaceChildren();
      const heading = document.createElement("h2");
      heading.textContent = `This sentence supports ${ids.length} fact${ids.length === 1 ? "" : "s"}`;
      panel.append(heading);
      const list = document.createElement("ul");
      list.className = "facts";
      ids.forEach((id) => {
        const fact = document.getElementById(`fact-${id}`);
        if (!fact) return;
        fact.classList.add("current");
        const copy = fact.cloneNode(true);
        copy.removeAttribute("id");
        copy.querySelectorAll(".to-sentence").forEach((a) => a.remove());
        const link = copy.querySelector(".fact-id");
        const anchor = document.createElement("a");
        anchor.href = `#fact-${id}`;
        anchor.className = "fact-id";
        anchor.textContent = id;
        link.replaceWith(anchor);
        list.append(copy);
      });
      panel.append(list);
    };
    document.querySelectorAll(".sentence.supports").forEach((sentence) => {
      sentence.addEventListener("click", () => show(sentence));
      sentence.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); show(sentence); }
      });
    });
    const target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.classList.contains("supports")) show(target);
  }
})();
