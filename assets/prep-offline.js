/* AV Rentals: the prep checklist keeps taking scans while the connection is down.
 *
 * The prep page (/prep/<event id>) talks to the server over Reflex's WebSocket. When that socket
 * drops (warehouse Wi-Fi), or the server stops answering /ping, or the browser reports being
 * offline, this script takes over the scan field:
 *   - a code typed or scanned (code + Enter) is looked up in the event's checklist as last
 *     loaded from GET /api/events/{id}/prep (the service worker keeps a copy of it too), and
 *     kept on this device (localStorage) with a client-generated UUID;
 *   - a panel shows "pending (n)" with the queued scans;
 *   - when the server answers again, the queue goes to POST /api/rentals/scan-batch with the
 *     signed-in user's token. The server applies each scan at most once (idempotent by id), so
 *     a batch sent twice (two tabs, a lost answer) never double-counts. Scans that did not
 *     apply (QUANTITY_COMPLETE, NOT_ON_EVENT, VERSION_CONFLICT) are listed until dismissed.
 * While connected it stays out of the way: the page's own handlers take every scan.
 *
 * What it relies on in the page's DOM (nothing else):
 *   #prep-scan-input (inside #prep-scan-form)  the scan field (code + Enter, or the form's submit)
 *   [data-testid=prep-line][data-code][data-equipment-id]
 *                                              the checklist lines the page shows: asset code ->
 *                                              item (else the checklist saved from the API)
 *   [data-testid=tab-checkin][aria-pressed=true]  the check-in tab is active (else check-out;
 *                                              [data-scan-type] on an ancestor wins if present)
 *   the event: [data-event-id] on an ancestor of the field, else /prep/<event id> in the URL
 * and from pwa.js: window.avrConnection.socketUp and the `avr:socket` event.
 */
(function () {
  "use strict";

  var INPUT = "#prep-scan-input";
  var LINE = "[data-testid=prep-line][data-code][data-equipment-id]";
  var QUEUE_KEY = "avr_offline_scans";
  var REJECTED_KEY = "avr_offline_rejected";
  var CHECKLIST_KEY = "avr_prep_checklist_";
  var TOKEN_KEY = "avr_token";
  var BATCH_SIZE = 500; // the API accepts up to 1000 per request
  var PING_EVERY_MS = 5000;
  var PING_TIMEOUT_MS = 3000;
  var REFRESH_EVERY_MS = 20000;
  var LINGER_MS = 6000;
  var UUID_PATH = /^\/prep\/([0-9a-fA-F-]{36})\/?$/;
  var CATALOGUES_URL = "/i18n/catalogues.js"; // generated from avrentals/i18n with the app

  // Texts in the page's language (<html lang>, kept by the app) from the app's own
  // catalogues, loaded once while online (the service worker keeps a copy for offline use).
  var translateText = null;
  import(CATALOGUES_URL)
    .then(function (module) {
      translateText = module.avrTranslate;
      if (state.eventId) render();
    })
    .catch(function () {});

  function tr(key, params) {
    var language = document.documentElement.lang || "en";
    return translateText ? translateText(key, language, params) : key;
  }

  var state = {
    eventId: null,
    serverUp: true, // /ping answers
    flushing: false,
    retryDelay: 2000,
    retryTimer: null,
    message: "",
    messageKind: "info",
    queueOpen: null, // the pending list unfolded (null: the default for the screen size)
    lingerUntil: 0, // keep "n scans were applied" on screen a moment after the queue empties
    authProblem: false,
  };
  var panel = null;

  // --- storage -------------------------------------------------------------------------------

  function readList(key) {
    try {
      var value = JSON.parse(window.localStorage.getItem(key) || "[]");
      return Array.isArray(value) ? value : [];
    } catch (_error) {
      return [];
    }
  }

  function writeList(key, list) {
    try {
      window.localStorage.setItem(key, JSON.stringify(list));
    } catch (_error) {
      showMessage(tr("prep.offline.storage_full"), "error");
    }
  }

  function token() {
    try {
      var value = window.localStorage.getItem(TOKEN_KEY) || "";
      return value === '""' ? "" : value;
    } catch (_error) {
      return "";
    }
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map
      .call(bytes, function (b) {
        return (b + 0x100).toString(16).slice(1);
      })
      .join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)]
      .join("-");
  }

  // --- the page ------------------------------------------------------------------------------

  function scanInput() {
    return document.querySelector(INPUT);
  }

  function eventIdOf(input) {
    var holder = input && input.closest("[data-event-id]");
    var id = holder ? holder.getAttribute("data-event-id") : null;
    if (!id) {
      var any = document.querySelector("[data-event-id]");
      id = any ? any.getAttribute("data-event-id") : null;
    }
    if (!id) {
      var match = UUID_PATH.exec(window.location.pathname);
      id = match ? match[1] : null;
    }
    return id;
  }

  function scanTypeOf(input) {
    var holder = input && input.closest("[data-scan-type]");
    var value = holder ? holder.getAttribute("data-scan-type") : null;
    if (!value) {
      var any = document.querySelector("[data-scan-type]");
      value = any ? any.getAttribute("data-scan-type") : null;
    }
    if (!value && document.querySelector("[data-testid=tab-checkin][aria-pressed=true]")) {
      value = "checkin";
    }
    return value === "checkin" ? "checkin" : "checkout";
  }

  function connected() {
    var socketUp = window.avrConnection ? window.avrConnection.socketUp !== false : true;
    return socketUp && state.serverUp && navigator.onLine !== false;
  }

  // --- the checklist as last loaded ---------------------------------------------------------

  function checklist(eventId) {
    try {
      return JSON.parse(window.localStorage.getItem(CHECKLIST_KEY + eventId) || "null");
    } catch (_error) {
      return null;
    }
  }

  function linesOf(data) {
    var lines = [];
    ((data && data.groups) || []).forEach(function (group) {
      (group.lines || []).forEach(function (line) {
        lines.push(line);
      });
    });
    return lines;
  }

  function loadChecklist(eventId) {
    var auth = token();
    if (!eventId || !auth) return Promise.resolve(null);
    return fetch("/api/events/" + encodeURIComponent(eventId) + "/prep", {
      headers: { Authorization: "Bearer " + auth, Accept: "application/json" },
      cache: "no-store",
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (body && body.success && body.data) {
          // Only what finding a line needs; the page itself shows the counters.
          var lines = linesOf(body.data).map(function (line) {
            return {
              equipmentId: line.equipmentId,
              assetCode: line.assetCode,
              name: line.name,
              quantity: line.quantity,
              scannedOut: line.scannedOut,
              scannedIn: line.scannedIn,
            };
          });
          var saved = { eventId: eventId, name: body.data.event.name, lines: lines };
          try {
            window.localStorage.setItem(CHECKLIST_KEY + eventId, JSON.stringify(saved));
          } catch (_error) {
            /* the service worker's cached copy is the fallback */
          }
          return saved;
        }
        return null;
      })
      .catch(function () {
        return null;
      });
  }

  function findLine(eventId, code) {
    var wanted = code.trim().toUpperCase();
    var found = null;
    // What the page shows first: it is what the user is looking at.
    document.querySelectorAll(LINE).forEach(function (node) {
      if (found || String(node.getAttribute("data-code")).toUpperCase() !== wanted) return;
      var title = node.querySelector(".rt-Text");
      found = {
        equipmentId: node.getAttribute("data-equipment-id"),
        assetCode: node.getAttribute("data-code"),
        name: title ? title.textContent : node.getAttribute("data-code"),
      };
    });
    var data = checklist(eventId);
    if (found) {
      ((data && data.lines) || []).forEach(function (line) {
        if (line.equipmentId === found.equipmentId) found.name = line.name;
      });
      return found;
    }
    ((data && data.lines) || []).forEach(function (line) {
      if (!found && String(line.assetCode || "").toUpperCase() === wanted) found = line;
    });
    return found;
  }

  // --- offline scans -------------------------------------------------------------------------

  function queueScan(input) {
    var code = (input.value || "").trim();
    clearInput(input);
    if (!code) return;
    var eventId = eventIdOf(input);
    var scanType = scanTypeOf(input);
    var line = findLine(eventId, code);
    if (!line) {
      showMessage(
        "“" + code + "” is not on this event's checklist as loaded: it can only be checked " +
          "once the connection is back.",
        "error",
      );
      return;
    }
    var queue = readList(QUEUE_KEY);
    queue.push({
      id: uuid(),
      eventId: eventId,
      equipmentId: line.equipmentId,
      scanType: scanType,
      timestamp: new Date().toISOString(),
      code: line.assetCode,
      name: line.name,
    });
    writeList(QUEUE_KEY, queue);
    showMessage(
      tr("prep.offline.kept", { name: line.name, direction: directionLabel(scanType) }),
      "info",
    );
    render();
  }

  function clearInput(input) {
    // Through the native setter, so React's controlled value follows.
    var setter = Object.getOwnPropertyDescriptor(window.HTMLInputElement.prototype, "value").set;
    setter.call(input, "");
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function directionLabel(scanType) {
    return tr(scanType === "checkin" ? "prep.offline.checkin" : "prep.offline.checkout");
  }

  // Capture phase on window: runs before React's listeners, so while offline the page's own
  // scan handler (which would wait for the socket and replay later) never sees the Enter.
  window.addEventListener(
    "keydown",
    function (event) {
      if (event.key !== "Enter" || event.isComposing) return;
      var target = event.target;
      if (!(target instanceof HTMLInputElement) || !target.matches(INPUT)) return;
      if (connected()) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      queueScan(target);
    },
    true,
  );
  window.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var input = form instanceof HTMLFormElement ? form.querySelector(INPUT) : null;
      if (!input || connected()) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      queueScan(input);
    },
    true,
  );

  // --- sending the queue ---------------------------------------------------------------------

  function scheduleRetry() {
    if (state.retryTimer) return;
    state.retryTimer = window.setTimeout(function () {
      state.retryTimer = null;
      flush();
    }, state.retryDelay);
    state.retryDelay = Math.min(state.retryDelay * 2, 30000);
  }

  function withFlushLock(work) {
    // One tab at a time sends the shared queue (the server would answer DUPLICATE otherwise).
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("avr-offline-scans", work);
    }
    return work();
  }

  function flush() {
    if (state.flushing || !state.serverUp || navigator.onLine === false) return;
    if (readList(QUEUE_KEY).length === 0) return;
    var auth = token();
    if (!auth) {
      state.authProblem = true;
      render();
      return;
    }
    state.flushing = true;
    render();
    withFlushLock(function () {
      return sendAll(auth);
    })
      .catch(function () {
        scheduleRetry();
      })
      .then(function () {
        state.flushing = false;
        render();
      });
  }

  function sendAll(auth) {
    var batch = readList(QUEUE_KEY).slice(0, BATCH_SIZE);
    if (batch.length === 0) return Promise.resolve();
    return fetch("/api/rentals/scan-batch", {
      method: "POST",
      headers: {
        Authorization: "Bearer " + auth,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body: JSON.stringify({
        scans: batch.map(function (scan) {
          return {
            id: scan.id,
            eventId: scan.eventId,
            equipmentId: scan.equipmentId,
            scanType: scan.scanType,
            timestamp: scan.timestamp,
          };
        }),
      }),
    }).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        state.authProblem = true;
        return null; // keep the queue: it is sent once someone allowed signs in again
      }
      if (response.status === 422) {
        return response.json().then(function (body) {
          settle(batch, null, (body && body.error) || tr("prep.offline.refused"));
          return sendAll(auth); // every scan of the refused batch was settled
        });
      }
      if (!response.ok) throw new Error("scan-batch answered " + response.status);
      return response.json().then(function (body) {
        state.authProblem = false;
        state.retryDelay = 2000;
        var settled = settle(batch, (body.data && body.data.results) || [], null);
        if (settled < batch.length) throw new Error("some scans got no answer");
        return sendAll(auth);
      });
    });
  }

  /** Drop the sent scans from the queue; keep the ones that did not apply, to show them. */
  function settle(batch, results, refusal) {
    var byId = {};
    (results || []).forEach(function (result) {
      byId[result.id] = result;
    });
    var sent = {};
    var rejected = readList(REJECTED_KEY);
    var applied = 0;
    batch.forEach(function (scan) {
      var result = byId[scan.id];
      if (!result && !refusal) return; // no answer for it: stays queued, sent again
      sent[scan.id] = true;
      var status = result ? result.status : "REFUSED";
      // DUPLICATE: this very scan was applied before (e.g. an answer lost on the way back).
      if (status === "OK" || status === "DUPLICATE") {
        applied += 1;
        return;
      }
      rejected.push({
        id: scan.id,
        name: scan.name,
        code: scan.code,
        scanType: scan.scanType,
        timestamp: scan.timestamp,
        status: status,
        message: result ? result.message : refusal,
      });
    });
    writeList(
      QUEUE_KEY,
      readList(QUEUE_KEY).filter(function (scan) {
        return !sent[scan.id];
      }),
    );
    writeList(REJECTED_KEY, rejected);
    var settled = Object.keys(sent).length;
    if (applied) {
      state.lingerUntil = Date.now() + LINGER_MS;
      window.setTimeout(render, LINGER_MS + 50);
      showMessage(
        tr(applied === 1 ? "prep.offline.applied_one" : "prep.offline.applied_other", {
          count: applied,
        }),
        "ok",
      );
    }
    render();
    return settled;
  }

  // --- reachability --------------------------------------------------------------------------

  function ping() {
    var controller = new AbortController();
    var timer = window.setTimeout(function () {
      controller.abort();
    }, PING_TIMEOUT_MS);
    return fetch("/ping", { cache: "no-store", signal: controller.signal })
      .then(function (response) {
        return response.ok;
      })
      .catch(function () {
        return false;
      })
      .then(function (ok) {
        window.clearTimeout(timer);
        setServerUp(ok);
        return ok;
      });
  }

  function setServerUp(up) {
    var changed = state.serverUp !== up;
    state.serverUp = up;
    if (changed) onConnectionChange();
  }

  function onConnectionChange() {
    render();
    if (connected()) {
      if (state.eventId) loadChecklist(state.eventId);
      flush();
    } else if (state.serverUp && navigator.onLine !== false) {
      flush(); // the API answers even while the socket reconnects
    }
  }

  window.addEventListener("avr:socket", function (event) {
    if (event.detail && event.detail.up) {
      // The socket is back, so the server is too: don't wait for the next ping.
      state.serverUp = true;
    }
    onConnectionChange();
  });
  window.addEventListener("online", function () {
    ping().then(onConnectionChange);
  });
  window.addEventListener("offline", onConnectionChange);
  window.addEventListener("storage", function (event) {
    if (event.key === QUEUE_KEY || event.key === REJECTED_KEY) render();
  });

  // --- the panel -----------------------------------------------------------------------------

  function showMessage(text, kind) {
    state.message = text;
    state.messageKind = kind;
    render();
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function timeOf(iso) {
    var date = new Date(iso);
    return isNaN(date.getTime())
      ? ""
      : date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  var STYLE =
    "#avr-offline-panel{position:fixed;left:50%;transform:translateX(-50%);bottom:16px;" +
    "z-index:2147483000;width:min(560px,calc(100vw - 24px));max-height:50vh;overflow:auto;" +
    "background:var(--color-panel-solid,#fff);color:var(--gray-12,#1c2024);" +
    "border:2px solid var(--amber-9,#ffc53d);border-radius:12px;padding:14px 16px;" +
    "box-shadow:0 8px 30px rgba(0,0,0,.18);font:16px/1.45 system-ui,sans-serif}" +
    "#avr-offline-panel[data-connected=true]{border-color:var(--accent-9,#3e63dd)}" +
    "@media (max-width:767px){#avr-offline-panel{bottom:76px;max-height:40vh;" +
    "padding:10px 12px;font-size:15px}}" +
    "#avr-offline-panel h2{margin:0 0 4px;font-size:17px;font-weight:700}" +
    "#avr-offline-panel p{margin:0 0 6px}" +
    "#avr-offline-panel ul{margin:6px 0;padding-left:20px}" +
    "#avr-offline-panel .avr-pending{font-weight:700;cursor:default}" +
    "#avr-offline-panel summary.avr-pending{cursor:pointer;min-height:32px}" +
    "#avr-offline-panel [data-kind=error]{color:var(--red-11,#ce2c31)}" +
    "#avr-offline-panel [data-kind=ok]{color:var(--green-11,#218358)}" +
    "[data-testid=line-count][data-offline-pending]::after{content:attr(data-offline-badge);" +
    "display:block;margin-top:2px;padding:0 8px;border-radius:999px;" +
    "font:600 12px/1.7 system-ui,sans-serif;text-align:center;white-space:nowrap;" +
    "background:var(--amber-4,#ffecb3);color:var(--amber-11,#ab6400)}" +
    "#avr-offline-panel button{min-height:44px;padding:0 16px;border-radius:8px;font:inherit;" +
    "border:1px solid var(--gray-7,#cdced6);background:transparent;color:inherit;cursor:pointer}";

  function ensurePanel() {
    if (panel && document.body.contains(panel)) return panel;
    if (!document.getElementById("avr-offline-style")) {
      var style = el("style", { id: "avr-offline-style" });
      style.textContent = STYLE;
      document.head.appendChild(style);
    }
    panel = el("section", {
      id: "avr-offline-panel",
      role: "region",
      "aria-label": tr("prep.offline.panel"),
      "aria-live": "polite",
      "data-testid": "prep-offline-panel",
    });
    document.body.appendChild(panel);
    return panel;
  }

  /** Mark each checklist line with its scans still waiting on this device (a CSS badge). */
  function markLines(queue) {
    var waiting = {};
    queue.forEach(function (scan) {
      if (scan.eventId !== state.eventId) return;
      waiting[scan.equipmentId] = (waiting[scan.equipmentId] || 0) + 1;
    });
    document.querySelectorAll(LINE).forEach(function (node) {
      var count = waiting[node.getAttribute("data-equipment-id")] || 0;
      var wanted = count ? String(count) : null;
      // On the line, and on its counter, which shows it (the card's own pseudo-elements
      // draw its frame, so the badge hangs off the counter instead).
      [node, node.querySelector("[data-testid=line-count]")].forEach(function (target) {
        if (!target || target.getAttribute("data-offline-pending") === wanted) return;
        if (wanted) {
          target.setAttribute("data-offline-pending", wanted);
          target.setAttribute("data-offline-badge", tr("prep.offline.badge", { count: count }));
        } else {
          target.removeAttribute("data-offline-pending");
          target.removeAttribute("data-offline-badge");
        }
      });
    });
  }

  function render() {
    var onPrepPage = Boolean(state.eventId);
    var queue = readList(QUEUE_KEY);
    if (onPrepPage) markLines(queue);
    var rejected = readList(REJECTED_KEY);
    var isConnected = connected();
    var visible =
      onPrepPage &&
      (!isConnected || queue.length > 0 || rejected.length > 0 || Date.now() < state.lingerUntil);
    if (!visible) {
      if (panel) panel.hidden = true;
      state.message = ""; // said and gone: the next offline spell starts clean
      return;
    }
    var node = ensurePanel();
    node.hidden = false;
    node.setAttribute("data-connected", isConnected ? "true" : "false");
    node.textContent = "";

    node.appendChild(
      el(
        "h2",
        { "data-testid": "prep-offline-status" },
        isConnected
          ? state.flushing
            ? tr("prep.offline.sending")
            : tr("prep.offline.back_online")
          : tr("prep.offline.offline"),
      ),
    );
    var pending = el(
      queue.length ? "summary" : "p",
      { class: "avr-pending", "data-testid": "prep-offline-pending", "data-count": queue.length },
      tr("prep.offline.pending", { count: queue.length }),
    );
    if (queue.length) {
      // The list folds away (closed by default on phones, where the panel would cover the
      // checklist); the count stays in sight.
      var details = el("details", { "data-testid": "prep-offline-queue" });
      details.open = state.queueOpen === null ? window.innerWidth >= 768 : state.queueOpen;
      details.addEventListener("toggle", function () {
        state.queueOpen = details.open;
      });
      details.appendChild(pending);
      var list = el("ul");
      queue.forEach(function (scan) {
        list.appendChild(
          el(
            "li",
            { "data-scan-id": scan.id },
            scan.name + " · " + directionLabel(scan.scanType) + " · " + timeOf(scan.timestamp),
          ),
        );
      });
      details.appendChild(list);
      node.appendChild(details);
    } else {
      node.appendChild(pending);
    }
    if (state.authProblem && queue.length) {
      node.appendChild(
        el(
          "p",
          { "data-kind": "error", "data-testid": "prep-offline-auth" },
          tr("prep.offline.sign_in_again"),
        ),
      );
    }
    if (state.message) {
      node.appendChild(
        el("p", { "data-kind": state.messageKind, "data-testid": "prep-offline-message" }, state.message),
      );
    }
    if (rejected.length) {
      node.appendChild(el("p", { "data-kind": "error" }, tr("prep.offline.not_applied")));
      var failed = el("ul", { "data-testid": "prep-offline-rejected" });
      rejected.forEach(function (scan) {
        failed.appendChild(
          el(
            "li",
            { "data-status": scan.status, "data-scan-id": scan.id },
            // The server's message usually names the item already.
            (String(scan.message).indexOf(scan.name) === 0 ? "" : scan.name + ": ") +
              tr("prep.offline.rejected_line", {
                message: scan.message,
                direction: directionLabel(scan.scanType),
                time: timeOf(scan.timestamp),
              }),
          ),
        );
      });
      node.appendChild(failed);
      var dismiss = el("button", { type: "button", "data-testid": "prep-offline-dismiss" }, tr("prep.offline.dismiss"));
      dismiss.addEventListener("click", function () {
        writeList(REJECTED_KEY, []);
        state.message = "";
        state.lingerUntil = 0;
        render();
      });
      node.appendChild(dismiss);
    }
  }

  // --- attaching to prep pages ---------------------------------------------------------------

  var pingTimer = null;
  var refreshTimer = null;

  function attach() {
    var input = scanInput();
    var eventId = input ? eventIdOf(input) : null;
    if (eventId === state.eventId) return;
    state.eventId = eventId;
    window.clearInterval(pingTimer);
    window.clearInterval(refreshTimer);
    pingTimer = refreshTimer = null;
    if (eventId) {
      document.documentElement.setAttribute("data-prep-offline", "ready");
      loadChecklist(eventId);
      pingTimer = window.setInterval(ping, PING_EVERY_MS);
      refreshTimer = window.setInterval(function () {
        if (connected()) loadChecklist(eventId);
      }, REFRESH_EVERY_MS);
      flush();
    } else {
      document.documentElement.removeAttribute("data-prep-offline");
    }
    render();
  }

  function start() {
    attach();
    // The app changes pages without reloading: follow the scan field appearing and going.
    new MutationObserver(function () {
      attach();
      if (state.eventId) markLines(readList(QUEUE_KEY)); // lines re-rendered by the app
    }).observe(document.body, { childList: true, subtree: true });
    flush(); // scans left from an earlier visit, whatever page this is
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
