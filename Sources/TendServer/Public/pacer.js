// Optional enhancement of the breathing pacer: Start and Pause, a change of pace without reloading,
// and a screen-reader cue ("Breathe in" / "Breathe out") once per half breath, never more often. The
// page works without this file (the animation runs and the form reloads with the chosen pace). Never
// plays sound.
(function () {
  "use strict";
  var pacer = document.querySelector("[data-pacer]");
  if (!pacer) { return; }
  var form = document.querySelector("[data-pacer-form]");
  var select = form ? form.querySelector("select[name=bpm]") : null;
  var status = document.querySelector("[data-pacer-status]");
  var announce = pacer.querySelector("[data-pacer-announce]");
  var toggle = pacer.querySelector("[data-pacer-toggle]");
  var bpm = parseInt(pacer.getAttribute("data-bpm"), 10) || 6;
  var timer = null;
  var inhaling = true;

  function restart() {
    // Restart both animations together so the words stay in step with the circle.
    pacer.querySelectorAll(".pacer-circle, .pacer-cue").forEach(function (el) {
      el.style.animation = "none";
      void el.offsetWidth;
      el.style.animation = "";
    });
  }

  function halfBreathMs() { return 30000 / bpm; }

  function cue() {
    if (announce) { announce.textContent = inhaling ? "Breathe in" : "Breathe out"; }
    inhaling = !inhaling;
    timer = window.setTimeout(cue, halfBreathMs());
  }

  function running() { return !pacer.classList.contains("pacer--paused"); }

  function start() {
    pacer.classList.remove("pacer--paused");
    restart();
    inhaling = true;
    if (timer) { window.clearTimeout(timer); }
    cue();
    if (toggle) { toggle.textContent = "Pause"; }
  }

  function pause() {
    pacer.classList.add("pacer--paused");
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (announce) { announce.textContent = "Paused"; }
    if (toggle) { toggle.textContent = "Start"; }
  }

  if (toggle) {
    // With the script, the pacer waits for Start, so nothing moves until the person is ready.
    pause();
    if (announce) { announce.textContent = ""; }
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      if (running()) { pause(); } else { start(); }
    });
  }

  if (form && select) {
    select.addEventListener("change", function () {
      var chosen = parseInt(select.value, 10);
      if (!(chosen >= 4 && chosen <= 8)) { return; }
      bpm = chosen;
      pacer.style.setProperty("--cycle", (60 / bpm) + "s");
      var seconds = (30 / bpm).toFixed(1).replace(/\.0$/, "");
      if (status) { status.textContent = bpm + " breaths a minute: breathe in for about " + seconds + " seconds, then out for about " + seconds + " seconds."; }
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "?bpm=" + bpm);
      }
      if (running()) { start(); }
    });
    var submit = form.querySelector("button[type=submit]");
    if (submit) { submit.hidden = true; }
  }
})();
