/**
 * The CAN1 stand-in of test/realInterpreter/prelude.js, what the selftest bundle's CAN
 * checks (modules/can/controller.kat.ts) meet on Espruino's Linux interpreter:
 *  1. the contract's solo checks (modules/can/testing/controllerChecks.ts) on it, loaded
 *     in the host runtime as the interpreter loads it (it has no second node, so the
 *     checks with a peer do not apply);
 *  2. checked against the C: the same calls on the device's driver over the bxCAN
 *     register fakes (host/native/canDriver.ts: canDriver.c, canBitTiming.c,
 *     canFilter.c) return the same codes and bank and slot numbers, for every bit rate
 *     tried, malformed and valid frames, filters taking one to four banks, and slots.
 * The SecOC part of the stand-in is preludeSecoc.test.ts's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { EspruinoRuntime, VirtualClock } from "../runtime/index.ts";
import type { CanController, CanFilter } from "../../modules/can/controller.ts";
import { dataFrame, remoteFrame, type CanFrame } from "../../modules/can/frame.ts";
import { malformedFilters, malformedFrames, refusedAutoReplies } from "../../modules/can/testing/controllerChecks.ts";
import { CanDriverOnFakes } from "../native/canDriver.ts";
import { runSoloChecks } from "./controllerContract.ts";

const prelude = readFileSync(new URL("../../test/realInterpreter/prelude.js", import.meta.url), "latin1");

async function preludeCan1(): Promise<{ ctl: CanController; close: () => Promise<void> }> {
  const rt = new EspruinoRuntime({ clock: new VirtualClock(), output: () => {} });
  rt.execute(prelude, ".boot0");
  return { ctl: rt.eval("CAN1") as CanController, close: () => rt.dispose() };
}

runSoloChecks("test/realInterpreter/prelude.js CAN1 stand-in (host runtime)", async () => {
  const p = await preludeCan1();
  return { ctl: p.ctl, bitrate: 125000, close: p.close };
});

/** One script of calls, its results as a list: run on the stand-in and on the C. */
function script(c: CanController): (number | string)[] {
  const out: (number | string)[] = [];
  // Rates: 36 MHz must divide exactly into 8..25 quanta with a prescaler up to 1024.
  for (const r of [0, 1, 1000, 4000, 4395, 5000, 10000, 20000, 33333, 50000, 62500, 83333, 100000, 123457, 125000, 200000, 250000, 400000, 500000, 666666, 800000, 1000000, 1000001]) {
    out.push("start " + r, c.start(r), c.state());
    c.stop();
  }
  const f = (x: CanFrame) => c.send(x);
  out.push("send stopped", f(dataFrame(0x10, new Uint8Array([1]))));
  out.push("start", c.start(125000));
  for (const m of malformedFrames()) out.push(m.why, f(m.value));
  // (A fractional dlc is not tried: jswrap_can.c refuses it, as the stand-in does, but the
  // addon's binding of the driver truncates it; the driver itself never sees one.)
  out.push("id -1", f(dataFrame(-1, new Uint8Array(1))));
  // Valid frames: at most three, then a restart (on the C with no bus they stay in the
  // three mailboxes, a fourth gets CAN_EBUSY; the stand-in sends into the void).
  out.push("dlc 8 ext", f(dataFrame(0x1fffffff, new Uint8Array(8), true)), "remote", f(remoteFrame(0x7ff, 8)), "empty", f(dataFrame(0, new Uint8Array(0))));
  c.stop();
  out.push("restart", c.start(125000), "plain array data", f({ id: 5, extended: false, rtr: false, dlc: 2, data: [1, 2] as unknown as Uint8Array }));
  c.stop();
  // Banks: a mask takes 1, a list 1 per id, or 2 ids per bank when rtr is given.
  const add = (x: CanFilter) => c.addFilter(x);
  for (const m of malformedFilters()) out.push(m.why, add(m.value));
  const list4 = add({ mode: "list", extended: false, ids: [1, 2, 3, 4], fifo: 0 });
  const rtr3 = add({ mode: "list", extended: false, ids: [5, 6, 7], rtr: false, fifo: 1 });
  const ext2 = add({ mode: "list", extended: true, ids: [0x1fffffff, 8], fifo: 0 });
  const mask = add({ mode: "mask", extended: true, id: 0x1000, mask: 0x1ffff000, rtr: true, fifo: 1 });
  out.push("list4", list4, "rtr3", rtr3, "ext2", ext2, "mask", mask);
  out.push("2 ids", add({ mode: "list", extended: false, ids: [9, 10], fifo: 0 }), "3 ids", add({ mode: "list", extended: false, ids: [11, 12, 13], fifo: 0 }));
  out.push("1 more", add({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 }), "full", add({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 }));
  c.removeFilter(rtr3 + 1); // not a filter's first bank: ignored
  out.push("still full", add({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 }));
  c.removeFilter(list4);
  out.push("3 ids in 4 freed", add({ mode: "list", extended: false, ids: [14, 15, 16], fifo: 0 }), "then 1", add({ mode: "mask", extended: false, id: 1, mask: 1, fifo: 0 }), "then none", add({ mode: "mask", extended: false, id: 1, mask: 1, fifo: 0 }));
  c.removeFilter(99);
  c.removeFilter(-1);
  // Slots: standard data frames only, one per identifier, 16.
  for (const m of refusedAutoReplies()) out.push(m.why, c.setAutoReply(m.value, false));
  for (let i = 0; i < 17; i++) out.push("slot " + i, c.setAutoReply(dataFrame(0x100 + i, new Uint8Array([i])), i % 2 === 0));
  out.push("same id", c.setAutoReply(dataFrame(0x105, new Uint8Array(0)), false));
  c.clearAutoReply(0x103);
  c.clearAutoReply(0x7ff);
  out.push("after clear", c.setAutoReply(dataFrame(0x200, new Uint8Array(0)), false), "full again", c.setAutoReply(dataFrame(0x201, new Uint8Array(0)), false));
  return out;
}

test("the stand-in returns the C driver's codes, banks and slots for the same calls", async () => {
  const p = await preludeCan1();
  try {
    const a = script(p.ctl);
    const b = script(new CanDriverOnFakes());
    assert.deepEqual(a.map((x, i) => a[i - 1] + ": " + a[i] + " / " + b[i]).filter((x, i) => a[i] !== b[i]), [], "stand-in / C");
    assert.deepEqual(a, b);
  } finally {
    await p.close();
  }
});

test("the comparison can fail: the stand-in before it followed the C", async () => {
  // The stand-in as it was (bb43590): any rate up to 1 Mbit/s, no frame or filter checks, banks never freed.
  const rt = new EspruinoRuntime({ clock: new VirtualClock(), output: () => {} });
  try {
    rt.execute(prelude, ".boot0");
    rt.execute("CAN1.start = function (b) { return b > 0 && b <= 1000000 ? 0 : -22; };");
    const a = script(rt.eval("CAN1") as CanController);
    const b = script(new CanDriverOnFakes());
    assert.notDeepEqual(a, b);
    assert.equal(a[a.indexOf("start 123457") + 1], 0);
    assert.equal(b[b.indexOf("start 123457") + 1], -22);
  } finally {
    await rt.dispose();
  }
});
