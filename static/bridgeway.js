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

/* One-time form tokens (docs/decisions/0022). Pages are never cached (no-store), so Back
   fetches the form again with a new token while Chromium restores what was typed: saving it
   again would make a second contact. Each visit of a form keeps its first token in its own
   history entry (history.state survives Back), and puts it back when the page is re-fetched,
   so the server recognises the form it already saved. */
(function () {
  "use strict";
  function keepTokens() {
    var inputs = document.querySelectorAll("input[name=form_token]");
    if (!inputs.length || !window.history || !window.history.replaceState) {
      return;
    }
    var state = window.history.state || {};
    var kept = state.bridgewayFormTokens || {};
    var changed = false;
    inputs.forEach(function (input, index) {
      var key = (input.form && input.form.id) || String(index);
      if (kept[key]) {
        input.value = kept[key];
      } else if (input.value) {
        kept[key] = input.value;
        changed = true;
      }
    });
    if (changed) {
      var next = Object.assign({}, state, {bridgewayFormTokens: kept});
      window.history.replaceState(next, "");
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", keepTokens);
  } else {
    keepTokens();
  }
})();
