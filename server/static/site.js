/* Every page: a role=switch link toggles with Space too, as a switch does (Enter follows a
   link already). */
(function () {
  "use strict";

  document.querySelectorAll("a[role='switch']").forEach((link) => {
    link.addEventListener("keydown", (event) => {
      if (event.key === " ") {
        event.preventDefault();
        link.click();
      }
    });
  });
})();
