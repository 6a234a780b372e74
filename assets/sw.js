/* AV Rentals service worker.
 *
 * What it caches, and why:
 * - the app shell (offline page, icons, manifest, our scripts and stylesheet) at install, so
 *   the offline page and the install metadata work without a connection;
 * - the production build's hashed files (/assets/…, names change with their content) the first
 *   time they are seen, cache-first: a hash never changes meaning, so the cache is always right;
 * - navigations go to the network first; when it is unreachable the offline page answers
 *   (the Reflex pages need their WebSocket to show anything, so a stale page would be empty);
 * - GET /api/events/{id}/prep, network-first with the last good copy as fallback, so a prep
 *   checklist opened once can still be read with the connection down. No other /api response is
 *   ever cached (they carry per-user data and must be fresh).
 * The Reflex WebSocket and every other /_… endpoint (/_event, /_upload, /ping…) are left alone.
 *
 * Bump VERSION when this file or the shell list changes: the new worker installs beside the old
 * one, takes over at once and deletes the caches of older versions.
 */
"use strict";

const VERSION = "v2";
const SHELL_CACHE = `avr-shell-${VERSION}`;
const STATIC_CACHE = `avr-static-${VERSION}`;
// Prep data outlives worker versions (it is data, not code); cleared on sign-out by pwa.js.
const DATA_CACHE = "avr-prep-data";
const OFFLINE_URL = "/offline.html";

const SHELL = [
  OFFLINE_URL,
  "/manifest.webmanifest",
  "/favicon.svg",
  "/avrentals.css",
  "/pwa.js",
  "/prep-offline.js",
  "/i18n/catalogues.js",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/icon-maskable-512.png",
  "/icons/apple-touch-icon.png",
  "/icons/shortcut-dashboard.png",
  "/icons/shortcut-inventory.png",
  "/icons/shortcut-calendar.png",
  "/icons/shortcut-prep.png",
];
const SHELL_PATHS = new Set(SHELL);
const PREP_DATA = /^\/api\/events\/[0-9a-fA-F-]{1,64}\/prep\/?$/;
const BUILD_ASSET = /^\/assets\//;
const NAVIGATION_TIMEOUT_MS = 10000;

/** The hashed build files the start page references (its scripts, styles, preloads). */
async function buildAssetsOf(path) {
  const response = await fetch(path, { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) return [];
  const html = await response.text();
  const found = new Set();
  for (const match of html.matchAll(/["'](\/assets\/[^"'?#\s]+\.(?:js|mjs|css))["']/g)) {
    found.add(match[1]);
  }
  return [...found];
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const shell = await caches.open(SHELL_CACHE);
      await shell.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })));
      // Best effort: the shell must install even if the start page cannot be read right now.
      try {
        const assets = await buildAssetsOf("/");
        const cache = await caches.open(STATIC_CACHE);
        await Promise.all(
          assets.map((url) => cache.add(url).catch(() => undefined)),
        );
      } catch (_error) {
        // the runtime cache-first strategy fills STATIC_CACHE as pages load instead
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([SHELL_CACHE, STATIC_CACHE, DATA_CACHE]);
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith("avr-") && !keep.has(name))
          .map((name) => caches.delete(name)),
      );
      if (self.registration.navigationPreload) {
        await self.registration.navigationPreload.enable();
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  // pwa.js asks for this on sign-out, so the next person on this device cannot read it.
  if (event.data && event.data.type === "clear-data") {
    event.waitUntil(caches.delete(DATA_CACHE));
  }
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function navigation(event) {
  try {
    const preloaded = await event.preloadResponse;
    if (preloaded) return preloaded;
    return await withTimeout(fetch(event.request), NAVIGATION_TIMEOUT_MS);
  } catch (_error) {
    const offline = await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE });
    return offline || Response.error();
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(STATIC_CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    await cache.put(request, response.clone());
  }
  return response;
}

async function staleWhileRevalidate(request, event) {
  const cache = await caches.open(SHELL_CACHE);
  const hit = await cache.match(request, { ignoreSearch: true });
  const refresh = fetch(request)
    .then(async (response) => {
      if (response.ok) await cache.put(request, response.clone());
      return response;
    })
    .catch(() => undefined);
  if (hit) {
    event.waitUntil(refresh);
    return hit;
  }
  return (await refresh) || Response.error();
}

async function prepData(request) {
  const cache = await caches.open(DATA_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const hit = await cache.match(request);
    if (hit) {
      const headers = new Headers(hit.headers);
      headers.set("X-AVR-From-Cache", "1");
      return new Response(hit.body, { status: hit.status, headers });
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  // Reflex's socket, uploads, health and ping: never touched.
  if (path.startsWith("/_") || path === "/ping") return;

  if (path.startsWith("/api/")) {
    if (PREP_DATA.test(path)) event.respondWith(prepData(request));
    return; // every other API response goes straight to the network, uncached
  }
  if (request.mode === "navigate") {
    event.respondWith(navigation(event));
    return;
  }
  if (BUILD_ASSET.test(path)) {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (SHELL_PATHS.has(path)) {
    event.respondWith(staleWhileRevalidate(request, event));
  }
});
