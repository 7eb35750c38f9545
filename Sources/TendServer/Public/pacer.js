// Optional enhancement of the breathing pacer: change the pace without reloading, and pause. The page
// works without this file (the form reloads with the chosen pace). Never plays sound.
(function () {
  "use strict";
  var pacer = document.querySelector("[data-pacer]");
  if (!pacer) { return; }
  var form = document.querySelector("[data-pacer-form]");
  var select = form ? form.querySelector("select[name=bpm]") : null;
  var status = document.querySelector("[data-pacer-status]");

  function restart() {
    // Restart both animations together so the words stay in step with the circle.
    pacer.querySelectorAll(".pacer-circle, .pacer-cue").forEach(function (el) {
      el.style.animation = "none";
      void el.offsetWidth;
      el.style.animation = "";
    });
  }

  if (form && select) {
    select.addEventListener("change", function () {
      var bpm = parseInt(select.value, 10);
      if (!(bpm >= 3 && bpm <= 12)) { return; }
      pacer.style.setProperty("--cycle", (60 / bpm) + "s");
      restart();
      if (status) { status.textContent = bpm + " breaths a minute: " + (30 / bpm).toFixed(1) + " seconds in, " + (30 / bpm).toFixed(1) + " seconds out."; }
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "?bpm=" + bpm);
      }
    });
    var submit = form.querySelector("button[type=submit]");
    if (submit) { submit.hidden = true; }
  }

  var pause = document.querySelector("[data-pacer-pause]");
  if (pause) {
    pause.hidden = false;
    pause.addEventListener("click", function () {
      var paused = pacer.classList.toggle("pacer--paused");
      pause.setAttribute("aria-pressed", paused ? "true" : "false");
      pause.textContent = paused ? "Continue" : "Pause";
    });
  }
})();
