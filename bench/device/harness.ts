/**
 * The script one timing run executes on the real interpreter (`espruino --test file`):
 * test/realInterpreter/prelude.js (MeterADC and CAN1 stand-ins), then this harness,
 * then the bundle (or nothing: the baseline). The harness makes device time virtual:
 * the bundle's setInterval/setTimeout are driven by the harness's own loop (each
 * meter window advances 10 cycles of 50.05 Hz; each aggregator tick one second), so a
 * run of N windows does exactly what N windows do on the chip, however slowly
 * callgrind executes them; it then calls quit(). The aggregator's HTTP server is
 * counted per request: the harness wraps require("http").createServer and quits at
 * the (N+1)-th request, before handling it.
 * Plain ES5 (Espruino 2v29).
 */
import { readFileSync } from "node:fs";
import { pretokenise } from "./pretokenise.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
export const PRELUDE = `${ROOT}test/realInterpreter/prelude.js`;

export const WINDOW_MS = 10000 / 50.05;

const VIRTUAL_TIME = `
// ---- bench/device/harness.ts: virtual device time ----
var BENCH = { realSetInterval: setInterval, realClearInterval: clearInterval, realSetTimeout: setTimeout, vt: 0, q: [], id: 0 };
(function () {
  function add(cb, ms, rep) {
    BENCH.id++;
    var d = ms > 0 ? ms : 0;
    BENCH.q.push({ id: BENCH.id, cb: cb, ms: d, at: BENCH.vt + d, rep: rep });
    return BENCH.id;
  }
  function clear(id) {
    if (id === undefined) { BENCH.q = []; return; }
    for (var i = 0; i < BENCH.q.length; i++) if (BENCH.q[i].id === id) { BENCH.q.splice(i, 1); return; }
  }
  global.setInterval = function (cb, ms) { return add(cb, ms, true); };
  global.setTimeout = function (cb, ms) { return add(cb, ms, false); };
  global.clearInterval = clear;
  global.clearTimeout = clear;
  // Fires every due timer in time order, as the chip's timer queue would over ms of device time.
  BENCH.advance = function (ms) {
    BENCH.vt += ms;
    for (;;) {
      var best = -1;
      for (var i = 0; i < BENCH.q.length; i++) if (BENCH.q[i].at <= BENCH.vt && (best < 0 || BENCH.q[i].at < BENCH.q[best].at)) best = i;
      if (best < 0) return;
      var t = BENCH.q[best];
      if (t.rep) t.at += t.ms > 0 ? t.ms : 1; else BENCH.q.splice(best, 1);
      t.cb();
    }
  };
  BENCH.done = function (what, n) {
    var m = process.memory();
    print("@@BENCH " + what + " " + n + " free " + m.free + " usage " + m.usage + (BENCH.ota === undefined ? "" : " ota " + BENCH.ota + " reboots " + BENCH.reboots));
    result = true;
    quit();
  };
})();
require("Storage").eraseAll();
`;

/**
 * `n` windows of device time: each tick advances one window (199.8 ms), which fires the
 * prelude's own MeterADC timer (its start() arms a setInterval of one window: here the
 * virtual one) in time order with the bundle's timers. So the prelude emits what it emits on
 * its own: 'reading' every readingEvery windows and 'aggregate' every 15 when metering is
 * set (the C chain's events since issue 17), and a raw 'window' only to 'window' listeners
 * (bundles from before the chain moved to C).
 */
function meterDriver(n: number): string {
  return `
// ---- bench/device/harness.ts: ${n} windows of device time ----
(function () {
  var k = 0;
  var h = BENCH.realSetInterval(function () {
    if (k >= ${n}) { BENCH.realClearInterval(h); BENCH.done("windows", k); return; }
    k++;
    BENCH.advance(${WINDOW_MS});
  }, 1);
})();
`;
}

/** Device time advances one second per tick, `n` ticks (the aggregator's poll/tick loop). */
function tickDriver(n: number): string {
  return `
// ---- bench/device/harness.ts: ${n} seconds of device time ----
(function () {
  var k = 0;
  var h = BENCH.realSetInterval(function () {
    if (k >= ${n}) { BENCH.realClearInterval(h); BENCH.done("seconds", k); return; }
    k++;
    BENCH.advance(1000);
  }, 1);
})();
`;
}

/** Counts the server's requests and quits at request n+1 (before handling it). */
function httpCounter(n: number): string {
  return `
// ---- bench/device/harness.ts: quit at HTTP request ${n + 1} ----
(function () {
  var realRequire = require, served = 0;
  global.require = function (name) {
    var m = realRequire(name);
    if (name !== "http") return m;
    return {
      createServer: function (handle) {
        return m.createServer(function (req, res) {
          if (served >= ${n}) { BENCH.done("requests", served); return; }
          served++;
          handle(req, res);
        });
      },
      get: m.get,
      request: m.request
    };
  };
})();
`;
}

/**
 * A transfer's OTA events (otaEvents.ts otaSchedule: [ms, type, a, b], the C's own list)
 * from device time atMs on, handed to the callback the bundle gave CAN1.onOta (the prelude
 * keeps it as jswrap_ota.c does, "#onota"), each in turn from one harness timer, as the C
 * queues them from the main loop. An event whose 5th element is 0 is not delivered: the
 * same timer runs and calls nothing (the baseline of the same run). E.reboot (the restart after a switch) only counts.
 * The meter's FRAM stand-in (prelude I2C1: the billing ring's 256 bytes) gets the bytes
 * above 256 (the OTA counters at 384) apart, so they do not land on the ring.
 */
export function otaDriver(o: NonNullable<Scenario["ota"]>): string {
  return `
// ---- bench/device/harness.ts: a transfer's OTA events (bench/device/otaEvents.ts) ----
(function () {
  var ev = ${JSON.stringify(o.events.map((e) => [Math.round(e[0] * 1000) / 1000, e[1], e[2], e[3], e[4] ? 1 : 0]))}, k = 0;
  BENCH.ota = 0;
  BENCH.reboots = 0;
  E.reboot = function () { BENCH.reboots++; };
  function next() {
    var e = ev[k++], cb = CAN1["#onota"];
    if (e[4] && cb) { BENCH.ota++; cb(e[1], e[2], e[3]); }
    if (k < ev.length) setTimeout(next, ${o.atMs} + ev[k][0] - BENCH.vt);
  }
  if (ev.length) setTimeout(next, ${o.atMs} + ev[0][0]);
  var ring = I2C1, high = new Uint8Array(256), from = 0;
  I2C1 = {
    setup: ring.setup,
    writeTo: function (a, d) {
      from = (d[0] << 8) | d[1];
      if (from < 256) return ring.writeTo(a, d);
      high.set(d.subarray(2), from - 256);
    },
    readFrom: function (a, n) { return from < 256 ? ring.readFrom(a, n) : high.slice(from - 256, from - 256 + n); }
  };
})();
`;
}

export interface Scenario {
  /** A transfer's OTA events driven into the bundle's CAN1.onOta callback (otaDriver). */
  ota?: { events: number[][]; atMs: number };
  /** Storage files written before the bundle runs (JSON values). */
  files?: Record<string, unknown>;
  /** build/meter.js etc.; undefined: the empty listener (baseline). */
  bundle?: string;
  /** Run the bundle from a Storage file (as a device does) instead of the script's text. */
  fromStorage?: boolean;
  /** Run the bundle from a string in RAM (eval), the stored bytes as they are. */
  fromRamString?: boolean;
  /** With fromStorage or fromRamString: the bytes the espruino CLI's PRETOKENISE=2 stores. */
  pretokenised?: boolean;
  drive: "windows" | "seconds" | "requests";
  /** The baseline's empty listener subscribes these MeterADC events (those the bundle subscribes). */
  listen?: string[];
}

/** The MeterADC events a meter bundle subscribes ('window' before issue 17; 'reading', 'event', 'aggregate' after). */
export function meterEvents(bundleText: string): string[] {
  const found = new Set<string>();
  for (const m of bundleText.matchAll(/on\("(window|reading|event|aggregate)"/g)) found.add(m[1]);
  return [...found].sort();
}

/** The baseline: the prelude's MeterADC with metering set, driving empty listeners of the bundle's events. */
function emptyMeter(events: string[]): string {
  return `
// ---- bench/device/harness.ts: baseline, the prelude driving an empty listener ----
var benchAdc = new MeterADC();
benchAdc.setMetering({ calibration: {}, declaredV: 230, utcAtStartS: 0, readingEvery: 5 });
${events.map((e) => `benchAdc.on(${JSON.stringify(e)}, function () {});`).join("\n")}
benchAdc.start({ sampleRateHz: 12800, nominalHz: 50 });
`;
}

export function scriptFor(s: Scenario, n: number): string {
  const parts = [readFileSync(PRELUDE, "utf8"), VIRTUAL_TIME];
  for (const [name, value] of Object.entries(s.files ?? {})) {
    parts.push(`require("Storage").write(${JSON.stringify(name)}, ${JSON.stringify(JSON.stringify(value))});\n`);
  }
  if (s.drive === "windows") parts.push(meterDriver(n));
  if (s.drive === "seconds") parts.push(tickDriver(n));
  if (s.drive === "requests") parts.push(httpCounter(n));
  if (s.ota) parts.push(otaDriver(s.ota));
  const bundle = s.bundle ? readFileSync(s.bundle, "utf8") : undefined;
  if (bundle && (s.fromStorage || s.fromRamString)) {
    // The stored bytes, executed from a Storage file (as the device does; on Linux its flash
    // is emulated, every read a call) or from a string in RAM (memory-mapped flash reads
    // cost what RAM reads cost). A pretokenised bundle holds NUL bytes, which --test's
    // C-string file loading would cut: hence base64.
    const stored = JSON.stringify(Buffer.from(s.pretokenised ? pretokenise(bundle) : bundle, "latin1").toString("base64"));
    parts.push(s.fromStorage
      ? `require("Storage").write("bench.js", atob(${stored}));\neval(require("Storage").read("bench.js"));\n`
      : `eval(atob(${stored}));\n`);
  } else {
    parts.push(bundle ?? (s.drive === "windows" ? emptyMeter(s.listen ?? ["window"]) : ""));
  }
  return parts.join("\n");
}
