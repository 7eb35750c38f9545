// Autosave for forms marked <form data-autosave="KEY" data-autosave-url="/my/drafts/KEY">.
//
// - Keeps the form's fields on this device (localStorage) a moment after each change.
// - Restores them when the page loads, into fields that are still empty.
// - Sends them to the server every few seconds while they have changed, with the form's CSRF token.
// - Says what happened, quietly, in the form's [data-autosave-status] line (an aria-live region).
// - Forgets the local copy once the server says the form was sent (the tend_autosave_clear cookie).
// Password fields, hidden fields and the CSRF token are never saved. Without this script the form still
// works: a validation error re-renders it with everything typed kept.
(function () {
  "use strict";
  var PREFIX = "tend-draft:";
  var CLEAR_COOKIE = "tend_autosave_clear";
  var MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
  var LOCAL_DELAY_MS = 700;
  var SEND_EVERY_MS = 5000;
  var KEEPALIVE_LIMIT = 60000;
  var MESSAGES = {
    local: "Saved on this device",
    server: "Saved",
    failed: "Not saved yet \u2013 your text is kept on this device"
  };

  function localStore() {
    try {
      var store = window.localStorage;
      store.setItem(PREFIX + "probe", "1");
      store.removeItem(PREFIX + "probe");
      return store;
    } catch (e) {
      return null;
    }
  }
  var store = localStore();

  function storedKeys() {
    var keys = [];
    if (!store) { return keys; }
    for (var i = 0; i < store.length; i++) {
      var name = store.key(i);
      if (name && name.indexOf(PREFIX) === 0) { keys.push(name); }
    }
    return keys;
  }

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var index = parts[i].indexOf("=");
      if (parts[i].slice(0, index) === name) { return decodeURIComponent(parts[i].slice(index + 1)); }
    }
    return null;
  }

  // The server sent forms successfully in the last request: forget their local copies.
  var cleared = readCookie(CLEAR_COOKIE);
  if (cleared) {
    document.cookie = CLEAR_COOKIE + "=; Max-Age=0; Path=/; SameSite=Lax";
    var forms = cleared.split(".");
    storedKeys().forEach(function (name) {
      forms.forEach(function (form) {
        if (form && name.slice(-(form.length + 1)) === ":" + form) { store.removeItem(name); }
      });
    });
  }

  // Local copies older than the server keeps drafts are forgotten too.
  storedKeys().forEach(function (name) {
    try {
      var saved = JSON.parse(store.getItem(name));
      if (!saved || typeof saved.savedAt !== "number" || Date.now() - saved.savedAt > MAX_AGE_MS) { store.removeItem(name); }
    } catch (e) {
      store.removeItem(name);
    }
  });

  function saveable(element) {
    if (!element.name || element.disabled || element.hasAttribute("data-autosave-skip")) { return false; }
    var type = (element.type || "").toLowerCase();
    if (["password", "hidden", "file", "submit", "button", "reset", "image"].indexOf(type) !== -1) { return false; }
    if (/password|passwd|passcode|secret|token|csrf/i.test(element.name) || element.name === "confirm") { return false; }
    return ["INPUT", "TEXTAREA", "SELECT"].indexOf(element.tagName) !== -1;
  }

  function setUp(form) {
    var key = form.getAttribute("data-autosave");
    var url = form.getAttribute("data-autosave-url");
    if (!key || !url) { return; }
    var storageKey = PREFIX + (form.getAttribute("data-autosave-owner") || "") + ":" + key;
    var status = form.querySelector("[data-autosave-status]");
    var localTimer = null;
    var changed = false;
    var sending = false;
    var submitting = false;
    var inFlight = null;

    function elements() {
      return Array.prototype.filter.call(form.elements, saveable);
    }

    function collect() {
      var pairs = [];
      elements().forEach(function (element) {
        var type = (element.type || "").toLowerCase();
        if ((type === "checkbox" || type === "radio") && !element.checked) { return; }
        if (element.tagName === "SELECT" && element.multiple) {
          Array.prototype.forEach.call(element.options, function (option) {
            if (option.selected) { pairs.push([element.name, option.value]); }
          });
          return;
        }
        pairs.push([element.name, element.value]);
      });
      return pairs;
    }

    function say(message) {
      if (status && status.textContent !== message) { status.textContent = message; }
    }

    function saveLocal() {
      localTimer = null;
      if (!store) { return; }
      try {
        store.setItem(storageKey, JSON.stringify({ savedAt: Date.now(), fields: collect() }));
        say(MESSAGES.local);
      } catch (e) {
        // Storage full or refused: the server copy is still sent.
      }
    }

    function restore() {
      if (!store) { return false; }
      var saved;
      try { saved = JSON.parse(store.getItem(storageKey)); } catch (e) { return false; }
      if (!saved || !Array.isArray(saved.fields)) { return false; }
      var byName = {};
      saved.fields.forEach(function (pair) {
        if (Array.isArray(pair) && pair.length === 2) { (byName[pair[0]] = byName[pair[0]] || []).push(String(pair[1])); }
      });
      var restored = false;
      var groupsWithChoice = {};
      elements().forEach(function (element) {
        var type = (element.type || "").toLowerCase();
        if ((type === "checkbox" || type === "radio") && element.checked) { groupsWithChoice[element.name] = true; }
      });
      elements().forEach(function (element) {
        var values = byName[element.name];
        if (!values) { return; }
        var type = (element.type || "").toLowerCase();
        if (type === "checkbox" || type === "radio") {
          if (groupsWithChoice[element.name]) { return; }
          if (values.indexOf(element.value) !== -1) { element.checked = true; restored = true; }
        } else if (element.tagName === "SELECT") {
          if (element.value === "" && values[0] !== "") { element.value = values[0]; restored = element.value === values[0] || restored; }
        } else if (element.value === "" && values[0] !== "") {
          element.value = values[0];
          restored = true;
        }
      });
      return restored;
    }

    function send(keepalive) {
      if (!changed || sending || submitting || !window.fetch) { return; }
      var token = form.querySelector("input[name=csrf]");
      var body = new URLSearchParams();
      if (token) { body.append("csrf", token.value); }
      collect().forEach(function (pair) { body.append(pair[0], pair[1]); });
      var text = body.toString();
      changed = false;
      sending = true;
      inFlight = window.AbortController ? new window.AbortController() : null;
      window.fetch(url, {
        method: "POST",
        body: text,
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
        credentials: "same-origin",
        redirect: "manual",
        keepalive: Boolean(keepalive) && text.length < KEEPALIVE_LIMIT,
        signal: inFlight ? inFlight.signal : undefined
      }).then(function (response) {
        sending = false;
        inFlight = null;
        if (response.ok) {
          say(MESSAGES.server);
        } else {
          changed = true;
          say(MESSAGES.failed);
        }
      }, function () {
        sending = false;
        inFlight = null;
        if (submitting) { return; }
        changed = true;
        say(MESSAGES.failed);
      });
    }

    function onChange(event) {
      if (event.target && !saveable(event.target)) { return; }
      changed = true;
      if (localTimer) { window.clearTimeout(localTimer); }
      localTimer = window.setTimeout(saveLocal, LOCAL_DELAY_MS);
    }

    form.addEventListener("input", onChange);
    form.addEventListener("change", onChange);
    form.addEventListener("submit", function () {
      // Keep the local copy until the next page confirms the form was accepted.
      if (localTimer) { window.clearTimeout(localTimer); }
      saveLocal();
      submitting = true;
      // A draft still on its way must not land after the form it belongs to has been accepted.
      if (inFlight) { inFlight.abort(); }
    });
    window.setInterval(function () { send(false); }, SEND_EVERY_MS);
    function flush() {
      if (localTimer) { window.clearTimeout(localTimer); saveLocal(); }
      send(true);
    }
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { flush(); }
    });

    if (restore()) {
      changed = true;
      say(MESSAGES.local);
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave]"), setUp);
})();
