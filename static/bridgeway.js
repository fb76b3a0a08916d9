/* Small behaviours every page shares, in a static file so the Content-Security-Policy needs no
   inline script: a <select data-autosubmit> submits its form when changed (filters). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") &&
        target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });
})();
