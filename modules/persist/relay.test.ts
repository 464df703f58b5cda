import { test } from "node:test";
import assert from "node:assert/strict";
import { Relay, RELAY_WELDED, RELAY_COIL } from "./relay.ts";
import { BillingStore, restoreBilling } from "./billingStore.ts";
import { crc32 } from "./crc32.ts";
import { gpioRelay } from "../ports/device/relay.ts";
import { FramModel } from "../../host/runtime/fram.ts";

function store(fram: FramModel): BillingStore {
  const s = new BillingStore({ fram, baseAddr: 0, slots: 2, crc32, stepWh: 1, everyS: 60 });
  restoreBilling(s);
  return s;
}

/** A clock that moves 1 ms per reading, as the device's does while it waits. */
function clock(): () => number {
  let t = 0;
  return () => (t += 1);
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
  const r1 = new Relay(gpioRelay(a.g, "E4", "E5", false), store(fram), true, true, clock());
  assert.deepEqual([r1.closed, r1.bootFrom, a.log], [true, "safe", ["E4=1"]]);
  assert.ok(r1.set(false));
  assert.equal(r1.actual(), "open");
  const b = pins();
  const r2 = new Relay(gpioRelay(b.g, "E4", "E5", false), store(fram), true, true, clock());
  assert.deepEqual([r2.closed, r2.bootFrom, b.log], [false, "restored", ["E4=0"]], "no pass through the safe state");
  const c = pins();
  const r3 = new Relay(gpioRelay(c.g, "E4", "E5", false), store(fram), true, false, clock());
  assert.deepEqual([r3.closed, r3.bootFrom], [true, "safe"], "restore off: always the safe state");
});

test("a command is written before the coil is driven; a failed write is counted and the coil still follows", () => {
  const fram = new FramModel();
  const a = pins();
  const s = store(fram);
  const r = new Relay(gpioRelay(a.g, "E4", "E5", false), s, false, true, clock());
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
  const r = new Relay(gpioRelay(a.g, "E4", "E5", false), null, true, true, clock());
  a.g.stuck = true;
  assert.equal(r.set(false), false);
  assert.deepEqual([r.closed, r.actual()], [false, "closed"], "commanded open, contact still closed");
  const b = pins();
  const n = new Relay(gpioRelay(b.g, "E4", "", true), null, false, true, clock());
  assert.equal(n.actual(), "unknown");
  assert.equal(b.level.E4, true, "active low: open is a high pin");
});

// issue 12 part 1: a relay whose contact disagrees with the command reported success
// (set() returned true: the command was acknowledged DONE with the load still supplied).
test("a contact that does not follow the command is a fault: welded (open commanded), coil (closed commanded); set() returns false", () => {
  const a = pins();
  const r = new Relay(gpioRelay(a.g, "E4", "E5", false), null, true, true, clock());
  assert.equal(r.fault, 0);
  a.g.stuck = true; // welded: the load stays supplied
  assert.equal(r.set(false), false);
  assert.deepEqual([r.fault, a.level.E4], [RELAY_WELDED, false], "coil released all the same");
  a.g.stuck = false; // contact open whatever the coil does: open coil or no coil supply
  assert.equal(r.set(true), false);
  assert.equal(r.fault, RELAY_COIL);
  a.g.stuck = null; // repaired: the next command succeeds and clears the fault
  assert.equal(r.set(false), true);
  assert.equal(r.fault, 0);
  // at boot: a welded contact with the safe state open is found before any command
  const b = pins();
  b.g.stuck = true;
  const w = new Relay(gpioRelay(b.g, "E4", "E5", false), null, false, true, clock());
  assert.equal(w.fault, RELAY_WELDED);
  // no feedback input: nothing to check, never a fault
  const c = pins();
  c.g.stuck = true;
  const n = new Relay(gpioRelay(c.g, "E4", "", false), null, false, true, clock());
  assert.deepEqual([n.set(false), n.fault], [true, 0]);
});

test("a contact is given settleMs to follow: one that moves after 12 ms is no fault, one still wrong after RELAY_SETTLE_MS (30) is", () => {
  const a = pins();
  let t = 0;
  let movesAt = 0;
  const g = { write: a.g.write, read: (p: string) => (p === "E5" ? (t >= movesAt ? !!a.level.E4 : !a.level.E4) : !!a.level[p]) };
  const r = new Relay(gpioRelay(g, "E4", "E5", false), null, false, true, () => (t += 1));
  movesAt = t + 12;
  assert.equal(r.set(true), true);
  movesAt = t + 40;
  assert.equal(r.set(false), false);
  assert.equal(r.fault, RELAY_WELDED);
  assert.ok(t - (movesAt - 40) >= 30 && t - (movesAt - 40) < 34, "waited the settle time, no longer");
});
