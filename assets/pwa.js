/* AV Rentals: service worker registration, the "Install app" button, and whether the app's
 * WebSocket is up (for the offline prep queue, prep-offline.js).
 *
 * Loaded on every page from the document head. The install button is rendered hidden by the
 * header (`[data-pwa-install]`); this script shows it while the browser offers installation
 * (`beforeinstallprompt` was received and the app is not running installed) by setting
 * `data-pwa-can-install` on <html>, and opens the browser's prompt when it is clicked.
 * Working through <html> attributes and a delegated click keeps it independent of React
 * re-rendering the header on every page change.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  var TOKEN_KEY = "avr_token";
  var deferredPrompt = null;

  // --- Is the app's WebSocket up? ----------------------------------------------------------
  // A service worker cannot see WebSockets, and Reflex keeps its socket to itself, so the
  // constructor is wrapped (before the app's bundle runs: this script is not deferred) to
  // follow the sockets to Reflex's endpoint (/_event). `window.avrConnection.socketUp` and the
  // `avr:socket` event tell other scripts (the offline prep queue) when it drops and returns.
  var connection = { socketUp: null };
  window.avrConnection = connection;
  var NativeWebSocket = window.WebSocket;
  if (typeof NativeWebSocket === "function") {
    var openSockets = 0;
    var setSocket = function (delta) {
      openSockets = Math.max(0, openSockets + delta);
      var up = openSockets > 0;
      if (connection.socketUp === up) return;
      connection.socketUp = up;
      root.setAttribute("data-avr-socket", up ? "up" : "down");
      window.dispatchEvent(new CustomEvent("avr:socket", { detail: { up: up } }));
    };
    var TrackedWebSocket = function (url, protocols) {
      var socket =
        protocols === undefined ? new NativeWebSocket(url) : new NativeWebSocket(url, protocols);
      if (String(url).indexOf("/_event") !== -1) {
        var opened = false;
        socket.addEventListener("open", function () {
          opened = true;
          setSocket(1);
        });
        socket.addEventListener("close", function () {
          if (opened) setSocket(-1);
          else if (connection.socketUp !== true) setSocket(0); // a failed attempt: still down
        });
      }
      return socket;
    };
    TrackedWebSocket.prototype = NativeWebSocket.prototype;
    ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (name) {
      TrackedWebSocket[name] = NativeWebSocket[name];
    });
    window.WebSocket = TrackedWebSocket;
  }

  var style = document.createElement("style");
  style.textContent =
    "html[data-pwa-can-install] [data-pwa-install]{display:inline-flex !important}";
  document.head.appendChild(style);

  function runningInstalled() {
    return (
      window.matchMedia("(display-mode: standalone)").matches ||
      window.matchMedia("(display-mode: window-controls-overlay)").matches ||
      window.navigator.standalone === true
    );
  }

  function refresh() {
    var installed = runningInstalled();
    root.toggleAttribute("data-pwa-installed", installed);
    root.toggleAttribute("data-pwa-can-install", Boolean(deferredPrompt) && !installed);
  }

  window.addEventListener("beforeinstallprompt", function (event) {
    // Keep the browser's mini-infobar away; the header button offers it instead.
    event.preventDefault();
    deferredPrompt = event;
    refresh();
  });

  window.addEventListener("appinstalled", function () {
    deferredPrompt = null;
    refresh();
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var button = target && target.closest("[data-pwa-install]");
    if (!button || !deferredPrompt) return;
    event.preventDefault();
    var prompt = deferredPrompt;
    // A prompt can be shown once; the browser fires beforeinstallprompt again if it may retry.
    deferredPrompt = null;
    refresh();
    prompt.prompt();
    prompt.userChoice.then(function (choice) {
      root.setAttribute("data-pwa-install-choice", choice.outcome);
    });
  });

  window.matchMedia("(display-mode: standalone)").addEventListener("change", refresh);
  refresh();

  if (!("serviceWorker" in navigator)) return;

  function signedIn() {
    try {
      var token = window.localStorage.getItem(TOKEN_KEY);
      return Boolean(token) && token !== '""';
    } catch (_error) {
      return false;
    }
  }

  /** Signed out: the saved prep checklists go (the queue of unsent scans stays). */
  function clearCachedDataWhenSignedOut() {
    if (signedIn()) return;
    try {
      Object.keys(window.localStorage)
        .filter(function (key) {
          return key.indexOf("avr_prep_checklist_") === 0;
        })
        .forEach(function (key) {
          window.localStorage.removeItem(key);
        });
    } catch (_error) {
      /* storage unavailable: nothing was saved */
    }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ type: "clear-data" });
    });
  }

  function register() {
    navigator.serviceWorker
      .register("/sw.js", { scope: "/" })
      .then(clearCachedDataWhenSignedOut)
      .catch(function (error) {
        console.warn("AV Rentals: the service worker could not be registered", error);
      });
  }
  // After the page's own resources, so registration never competes with the first load.
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register);
  // Sign-out in another tab fires `storage`; in this tab the app only navigates, so the
  // token is looked at every few seconds as well.
  window.addEventListener("storage", function (event) {
    if (event.key === TOKEN_KEY && !event.newValue) clearCachedDataWhenSignedOut();
  });
  var wasSignedIn = signedIn();
  window.setInterval(function () {
    var now = signedIn();
    if (wasSignedIn && !now) clearCachedDataWhenSignedOut();
    wasSignedIn = now;
  }, 5000);
})();
