import { test } from "node:test";
import assert from "node:assert/strict";
import { Relay } from "./relay.ts";
import { BillingStore } from "./billingStore.ts";
import { crc32 } from "./crc32.ts";
import { gpioRelay } from "../ports/device/relay.ts";
import { FramModel } from "../../host/runtime/fram.ts";

function store(fram: FramModel): BillingStore {
  const s = new BillingStore({ fram, baseAddr: 0, slots: 2, crc32, stepWh: 1, everyS: 60 });
  s.restore();
  return s;
}

/** GPIO with a feedback contact following the coil (or stuck). */
function pins() {
  const level: Record<string, boolean> = {};
  const log: string[] = [];
  const g = {
    stuck: null as boolean | null,
    write(p: string, v: boolean) { level[p] = v; log.push(p + "=" + (v ? 1 : 0)); },
    read(p: string) { return p === "E5" ? (g.stuck !== null ? g.stuck : !!level.E4) : !!level[p]; },
  };
  return { g, level, log };
}

test("boot: safe state without a record; the commanded state restored after a restart, driven once", () => {
  const fram = new FramModel();
  const a = pins();
  const r1 = new Relay(gpioRelay(a.g, "E4", "E5", false), store(fram), true, true);
  assert.deepEqual([r1.closed, r1.bootFrom, a.log], [true, "safe", ["E4=1"]]);
  assert.ok(r1.set(false));
  assert.equal(r1.actual(), "open");
  const b = pins();
  const r2 = new Relay(gpioRelay(b.g, "E4", "E5", false), store(fram), true, true);
  assert.deepEqual([r2.closed, r2.bootFrom, b.log], [false, "restored", ["E4=0"]], "no pass through the safe state");
  const c = pins();
  const r3 = new Relay(gpioRelay(c.g, "E4", "E5", false), store(fram), true, false);
  assert.deepEqual([r3.closed, r3.bootFrom], [true, "safe"], "restore off: always the safe state");
});

test("a command is written before the coil is driven; a failed write is counted and the coil still follows", () => {
  const fram = new FramModel();
  const a = pins();
  const s = store(fram);
  const r = new Relay(gpioRelay(a.g, "E4", "E5", false), s, false, true);
  const order: string[] = [];
  const w = fram.write.bind(fram);
  fram.write = (addr, d) => { order.push("fram"); return w(addr, d); };
  a.g.write = ((orig) => (p: string, v: boolean) => { order.push("coil"); orig(p, v); })(a.g.write);
  r.set(true);
  assert.deepEqual(order, ["fram", "coil"]);
  fram.write = () => false;
  r.set(false);
  assert.equal(r.persistFails, 1);
  assert.equal(a.level.E4, false);
});

test("actual state from the feedback contact: a welded contact shows; no feedback input reads unknown; active-low pins", () => {
  const a = pins();
  const r = new Relay(gpioRelay(a.g, "E4", "E5", false), null, true, true);
  a.g.stuck = true;
  r.set(false);
  assert.deepEqual([r.closed, r.actual()], [false, "closed"], "commanded open, contact still closed");
  const b = pins();
  const n = new Relay(gpioRelay(b.g, "E4", "", true), null, false, true);
  assert.equal(n.actual(), "unknown");
  assert.equal(b.level.E4, true, "active low: open is a high pin");
});
