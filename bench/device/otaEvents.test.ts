// The rig's OTA case without an interpreter: the events come from the C (otaMeterLink.c
// through the meterOta addon) in the order and with the arguments jswrap_ota.c hands them
// to JavaScript, the schedule and the plan put them where main.ts assumes, and the harness's
// driver (an ES5 script) delivers exactly the marked ones, in order, to CAN1's "#onota".
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { runInNewContext } from "node:vm";
import { OTA_EV_END, OTA_EV_PROGRESS, OTA_EV_START, OTA_EV_VERDICT, OTA_VERIFIED } from "../../host/native/ota.ts";
import { OTA_COUNTER, OTA_VERSION, otaPlan, otaSchedule, otaTransferEvents, type OtaTransfer } from "./otaEvents.ts";
import { otaDriver, WINDOW_MS } from "./harness.ts";

let shared: OtaTransfer | null = null;
const transfer = (): OtaTransfer => (shared ??= otaTransferEvents(new Uint8Array(randomBytes(6 * 1000 + 3))));

test("the C's events for one transfer: start, progress, the verdict, the end", () => {
  const t = transfer();
  assert.equal(t.chunks, 1001);
  assert.equal(t.chunkFrames, t.chunks, "lossless: one copy");
  const types = t.events.map((e) => e.type);
  assert.equal(types[0], OTA_EV_START);
  assert.deepEqual([t.events[0].a, t.events[0].b], [OTA_COUNTER, t.chunks]);
  assert.deepEqual(types.slice(-2), [OTA_EV_VERDICT, OTA_EV_END]);
  assert.deepEqual([t.events.at(-2)!.a, t.events.at(-2)!.b], [OTA_VERIFIED, 0]);
  assert.deepEqual([t.events.at(-1)!.a, t.events.at(-1)!.b], [0, OTA_VERSION]);
  const progress = t.events.filter((e) => e.type === OTA_EV_PROGRESS);
  assert.deepEqual(types.slice(1, -2), progress.map(() => OTA_EV_PROGRESS), "only progress between start and verdict");
  // about every eighth of the chunks (otaMeterLink.h), each carrying what the meter held then
  assert.ok(progress.length >= 7 && progress.length <= 8, `${progress.length} progress events`);
  for (const e of progress) assert.equal(e.a, e.have);
  const steps = progress.map((e, i) => e.a - (i ? progress[i - 1].a : 0));
  assert.equal(new Set(steps).size, 1, "evenly spaced: " + steps.join(","));
  for (let i = 1; i < t.events.length; i++) assert.ok(t.events[i].busMs >= t.events[i - 1].busMs);
});

test("the schedule at a chunk rate, and the plan's windows inside the transfer", () => {
  const t = transfer();
  const s = otaSchedule(t, 500);
  assert.deepEqual(s[0], [0, OTA_EV_START, OTA_COUNTER, t.chunks]);
  for (const e of s.filter((x) => x[1] === OTA_EV_PROGRESS)) assert.equal(e[0], e[2] * 2, "chunk k at k / 500 s");
  const v = s.find((x) => x[1] === OTA_EV_VERDICT)!;
  assert.equal(v[0], t.chunks * 2);
  const end = s.at(-1)!;
  assert.ok(end[0] >= v[0] && end[0] - v[0] < 100, "the end follows the verdict by the commit's exchange on the bus: " + (end[0] - v[0]));
  const p = otaPlan(t, 500, WINDOW_MS);
  assert.ok(p.atMs + s[0][0] < p.n1 * WINDOW_MS, "the start is before window n1 ends");
  assert.ok(p.n2 * WINDOW_MS < p.atMs + v[0], "window n2 ends before the verdict");
  const inSpan = s.filter((e) => e[1] === OTA_EV_PROGRESS && p.atMs + e[0] > p.n1 * WINDOW_MS && p.atMs + e[0] <= p.n2 * WINDOW_MS);
  assert.equal(p.progressInSpan, inSpan.length);
  assert.ok(Math.abs(p.progressPerWindow - (500 * WINDOW_MS) / 1000 / (s[2][2] - s[1][2])) < 1e-9);
  assert.ok(p.nWhole * WINDOW_MS > p.atMs + end[0] + 200, "the whole update and the restart 200 ms later fit");
  assert.throws(() => otaPlan(t, 100000, WINDOW_MS), /too few windows/);
});

test("the harness delivers the marked events in order to CAN1's #onota, counts the restart, keeps the OTA counters off the billing ring", () => {
  const got: number[][] = [];
  const timers: { at: number; cb: () => void }[] = [];
  const ring = new Uint8Array(256);
  let ringAt = 0;
  const ctx: Record<string, unknown> = {
    BENCH: { vt: 0 },
    E: {},
    CAN1: { "#onota": (type: number, a: number, b: number) => { got.push([type, a, b]); if (type === OTA_EV_END) (ctx.E as { reboot: () => void }).reboot(); } },
    I2C1: {
      setup: () => {},
      writeTo: (_a: number, d: Uint8Array) => { ringAt = (d[0] << 8) | d[1]; ring.set(d.subarray(2), ringAt); },
      readFrom: (_a: number, n: number) => ring.slice(ringAt, ringAt + n),
    },
    Uint8Array,
    setTimeout: (cb: () => void, ms: number) => { timers.push({ at: (ctx.BENCH as { vt: number }).vt + Math.max(0, ms), cb }); },
  };
  const events = [[0, 1, 5, 30, 1], [10, 2, 4, 30, 0], [20, 2, 8, 30, 1], [30, 3, 2, 0, 0], [31, 4, 0, 7, 1]];
  runInNewContext(otaDriver({ events, atMs: 100 }), ctx);
  const bench = ctx.BENCH as { vt: number; ota: number; reboots: number };
  while (timers.length) {
    timers.sort((x, y) => x.at - y.at);
    const t = timers.shift()!;
    bench.vt = Math.max(bench.vt, t.at);
    t.cb();
  }
  assert.deepEqual(got, [[1, 5, 30], [2, 8, 30], [4, 0, 7]]);
  assert.equal(bench.ota, 3);
  assert.equal(bench.reboots, 1);
  assert.equal(bench.vt, 131, "the last event at its time");
  const fram = ctx.I2C1 as { writeTo: (a: number, d: Uint8Array) => void; readFrom: (a: number, n: number) => Uint8Array };
  fram.writeTo(0x50, new Uint8Array([1, 0x80, 9, 8, 7]));
  fram.writeTo(0x50, new Uint8Array([1, 0x80]));
  assert.deepEqual([...fram.readFrom(0x50, 3)], [9, 8, 7], "384 reads back what was written there");
  assert.deepEqual([...ring.subarray(128, 131)], [0, 0, 0], "and the ring's bytes at 128 stay");
  fram.writeTo(0x50, new Uint8Array([0, 4, 42]));
  assert.equal(ring[4], 42, "below 256: the ring");
});
