// Prep-page helpers wrapped by avrentals/ui/components/prep_scanner.py.
// QrCamera: the device camera read with html5-qrcode (QR and common 1D barcodes); each
// decoded code is passed to onScan once (the same code is ignored for 2 s while it stays in
// view). Heartbeat: calls onTick every `interval` ms while mounted.
import { useEffect, useRef } from "react";
import { Html5Qrcode } from "html5-qrcode";

let counter = 0;

export function QrCamera({ onScan, onError, id }) {
  const elementId = useRef(id || `avr-qr-camera-${++counter}`);
  const handlers = useRef({ onScan, onError });
  handlers.current = { onScan, onError };
  useEffect(() => {
    const scanner = new Html5Qrcode(elementId.current, { verbose: false });
    let last = "";
    let lastAt = 0;
    let started = false;
    let cancelled = false;
    scanner
      .start(
        { facingMode: "environment" },
        { fps: 10, qrbox: (w, h) => ({ width: Math.min(w, h, 260), height: Math.min(w, h, 260) }) },
        (text) => {
          const now = Date.now();
          if (text === last && now - lastAt < 2000) return;
          last = text;
          lastAt = now;
          handlers.current.onScan && handlers.current.onScan(text);
        },
        () => {},
      )
      .then(() => {
        started = true;
        if (cancelled) scanner.stop().catch(() => {});
      })
      .catch((err) => {
        const message = (err && (err.message || err.name)) || String(err);
        handlers.current.onError && handlers.current.onError(message);
      });
    return () => {
      cancelled = true;
      if (started) {
        scanner.stop().then(() => scanner.clear()).catch(() => {});
      }
    };
  }, []);
  return <div id={elementId.current} style={{ width: "100%", maxWidth: "420px" }} />;
}

export function Heartbeat({ interval, onTick }) {
  const tick = useRef(onTick);
  tick.current = onTick;
  useEffect(() => {
    const timer = setInterval(() => tick.current && tick.current(), interval || 10000);
    return () => clearInterval(timer);
  }, [interval]);
  return null;
}
