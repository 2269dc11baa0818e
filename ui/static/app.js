// flowc ui: follow a run or task in progress. A page whose #live element
// has data-poll fetches that URL (the same page's live block) every two
// seconds and swaps it in; the block of a finished run has no data-poll,
// so polling stops by itself.
"use strict";
(function () {
  var interval = 2000;
  function schedule() {
    var el = document.getElementById("live");
    if (!el || !el.dataset.poll) {
      return;
    }
    var url = el.dataset.poll;
    window.setTimeout(function () {
      fetch(url, { cache: "no-store" })
        .then(function (r) {
          if (!r.ok) {
            throw new Error("HTTP " + r.status);
          }
          return r.text();
        })
        .then(function (html) {
          var cur = document.getElementById("live");
          if (cur) {
            cur.outerHTML = html;
          }
          schedule();
        })
        .catch(function () {
          schedule();
        });
    }, interval);
  }
  document.addEventListener("DOMContentLoaded", schedule);
})();
