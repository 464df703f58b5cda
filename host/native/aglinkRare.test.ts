/**
 * The aggregator link's rare path in C (boards/STM32F107/aglink/aglinkCommands.c, through
 * the addon behind host/canbus/secocLayer.ts, as AggregatorLink drives it) against the
 * JavaScript it replaced (modules/can/aggregatorNode.ts + commands.ts, on the same SecOC C):
 * the same meter (real SecOC C with the production plan and derived key) answers both, and
 * both must send byte-identical sync requests and commands, accept the same sync responses
 * and acknowledgements and refuse the same forged, replayed and stale ones, with the same
 * outcomes. Also the attacker's cases on their own: a test here fails if the C accepts a
 * replayed or forged acknowledgement or sync response.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { AggregatorNode } from "../../modules/can/aggregatorNode.ts";
import { CommandSender, CMD_DISCONNECT, CMD_RECONNECT } from "../../modules/can/commands.ts";
import { securePlan, planCounters } from "../../modules/can/secured.ts";
import { FN_COMMAND, FN_COMMAND_ACK, FN_SYNC_REQUEST, FN_SYNC_RESPONSE } from "../../modules/can/idPlan.ts";
import type { CanController } from "../../modules/can/controller.ts";
import type { CanFrame } from "../../modules/can/frame.ts";
import type { LinkCanController } from "../../modules/link/linkPort.ts";
import { AGC_COUNT, AGC_CMD_DONE, AGC_CMD_FAILED, AGC_CMD_TIMEOUT, AGC_SYNCED, AGC_OLD_EPOCH, AGC_UNMATCHED_ACKS, AGC_BAD_MAC, AGC_STALE } from "../../modules/link/linkPort.ts";
import { AggregatorLink } from "../../modules/link/aggregatorLink.ts";
import { securedController, manualTimer } from "../canbus/secocLayer.ts";
import { MemoryKvStore } from "../ports/kvStore.ts";
import { secocAddon } from "./secoc.ts";

const MASTER = new Uint8Array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3]);
const A = 9;
const fnOf = (f: CanFrame) => f.id >> 6;

/** A controller on an empty bus: records what is sent, delivers what the test hands it. */
function wire() {
  const sent: CanFrame[] = [];
  let cb: ((f: CanFrame, fifo: number) => void) | undefined;
  const c: CanController = {
    start: () => 0, stop: () => {}, send: (f) => { sent.push(f); return 0; }, addFilter: () => 0, removeFilter: () => {},
    setAutoReply: () => 0, clearAutoReply: () => {}, onFrame: (f) => { cb = f; }, onState: () => {}, state: () => "error-active",
    counters: () => ({ tec: 0, rec: 0, txFrames: 0, rxFrames: 0, rxOverruns: 0, autoReplies: 0, busOffCount: 0 }),
  };
  return { c, sent, deliver: (f: CanFrame) => { if (cb) cb(f, 0); } };
}

/** The meter: the SecOC C with the meter's plan and its derived key, its transmit epoch `epoch` (what its sync responses announce). */
function meter(epoch: number) {
  const s = secocAddon();
  const d = planCounters("meter");
  const n = new s.SecocNode(1, d.rx, d.tx, securePlan("meter"));
  assert.equal(n.key(0, A, s.meterKey(MASTER, A), false), 0);
  n.setEpoch(epoch);
  const res = new Float64Array(5);
  const out = new Uint8Array(8);
  const frame = (fn: number): CanFrame => ({ id: (fn << 6) | A, extended: false, rtr: false, dlc: 8, data: new Uint8Array(out) });
  let current = epoch;
  return {
    /** A new transmit epoch (a reboot: announced by the next sync response). */
    reboot(e: number): void { current = e; n.setEpoch(e); },
    /** The FV of an aggregator frame the meter accepts, else -1. */
    accept(f: CanFrame): number { return n.verify(f.id, 0, 8, f.data, res) === 0 ? res[0] : -1; },
    syncResponse(challenge: number, meterEpoch = current): CanFrame {
      assert.ok(n.sign((FN_SYNC_RESPONSE << 6) | A, new Uint8Array([meterEpoch & 255, (meterEpoch >> 8) & 255, meterEpoch >> 16, 0]), challenge, out) >= 0);
      return frame(FN_SYNC_RESPONSE);
    },
    /** The answer to a poll (remote frame) of one of its messages: zeros, signed under that message's counter. */
    answer(f: CanFrame): CanFrame | null {
      if (!f.rtr || (f.id & 63) !== A || n.sign(f.id, new Uint8Array(4), -1, out) < 0) return null;
      return frame(f.id >> 6);
    },
    ack(code: number, status: number, cmdFv: number): CanFrame {
      assert.ok(n.sign((FN_COMMAND_ACK << 6) | A, new Uint8Array([code, status, cmdFv & 255, (cmdFv >> 8) & 255]), -1, out) >= 0);
      return frame(FN_COMMAND_ACK);
    },
  };
}

/** A frame with one MAC bit flipped. */
function forged(f: CanFrame): CanFrame {
  const d = new Uint8Array(f.data);
  d[7] ^= 0x20;
  return { ...f, data: d };
}

interface Side {
  sent: CanFrame[];
  /** Delivers what the meter answered to polls since (the C's schedule polls; answered, it keeps the meter synchronised). */
  flush(): void;
  deliver(f: CanFrame): void;
  synced(): boolean;
  command(code: number): number;
  outcomes(): { done: number; failed: number };
  /** The JavaScript side asks for a sync itself; the C's schedule does it on its own. */
  requestSync(): void;
}

/** The C link as the aggregator's bundle drives it (AggregatorLink on a SecocLayer over the addon). */
function cSide(timer: ReturnType<typeof manualTimer>, m?: ReturnType<typeof meter>): Side & { counters(): Uint32Array } {
  const w = wire();
  const queued: CanFrame[] = [];
  const send = w.c.send;
  w.c.send = (f) => { const a = m && m.answer(f); if (a) queued.push(a); return send(f); };
  const can = securedController(w.c, timer) as LinkCanController;
  const link = new AggregatorLink({ can, masterKey16: MASTER, addresses: [A], store: new MemoryKvStore(), clock: timer, log: () => {}, onRows: () => {} });
  assert.equal(link.started, 0);
  const counters = () => { const c = new Uint32Array(AGC_COUNT); can.linkCounters(c); return c; };
  return {
    sent: w.sent, deliver: w.deliver, counters,
    flush: () => { while (queued.length) w.deliver(queued.shift() as CanFrame); },
    synced: () => (link.status() as { meters: { synced: boolean }[] }).meters[0].synced,
    command: (code) => can.linkCommand(A, code, 0, 0),
    outcomes: () => { const c = counters(); return { done: c[AGC_CMD_DONE], failed: c[AGC_CMD_FAILED] }; },
    requestSync: () => {},
  };
}

/** The JavaScript it replaced: AggregatorNode + CommandSender (100 ms, 2 retries) on the same SecOC C. */
function jsSide(timer: ReturnType<typeof manualTimer>): Side {
  const w = wire();
  const can = securedController(w.c, timer);
  const node = new AggregatorNode({ masterKey16: MASTER, can, store: new MemoryKvStore(), log: () => {}, addresses: [A] });
  assert.equal(node.start(), 0);
  const cmds = new CommandSender(node, timer, 100, 2);
  node.onAck = (a, code, status, fv) => cmds.ack(a, code, status, fv);
  timer.every(10, () => cmds.tick());
  const o = { done: 0, failed: 0 };
  return {
    sent: w.sent, deliver: w.deliver, flush: () => {},
    synced: () => node.isSynced(A),
    command: (code) => {
      if (!node.isSynced(A)) return -1;
      let busy = false;
      cmds.send(A, code, 0, 0, (out) => { if (out === "busy") busy = true; else if (out === 0) o.done++; else o.failed++; });
      return busy ? -16 : 0;
    },
    outcomes: () => ({ ...o }),
    requestSync: () => { node.requestSync(A); },
  };
}

const last = (s: Side, fn: number) => { const f = s.sent.filter((x) => fnOf(x) === fn && !x.rtr); return f[f.length - 1]; };
const count = (s: Side, fn: number) => s.sent.filter((x) => fnOf(x) === fn && !x.rtr).length;

test("sync responses and relay commands: the C sends the same frames as the JavaScript it replaced and takes the same decisions", () => {
  const timer = manualTimer();
  const meters = [meter(5), meter(5)];
  const sides = [jsSide(timer), cSide(timer, meters[1])];
  const both = (what: string, f: (s: Side, k: number) => unknown) => {
    const r = sides.map((s, k) => f(s, k));
    assert.deepEqual(r[1], r[0], what + ": C " + JSON.stringify(r[1]) + ", JavaScript " + JSON.stringify(r[0]));
    return r[0];
  };
  const step = (ms: number) => { for (let t = 0; t < ms; t++) { timer.advance(1); for (const x of sides) x.flush(); } };
  // a sync request each, byte for byte the same (same persisted epoch, same counter)
  sides[0].requestSync();
  step(1);
  both("one sync request", (s) => count(s, FN_SYNC_REQUEST));
  assert.deepEqual(last(sides[1], FN_SYNC_REQUEST).data, last(sides[0], FN_SYNC_REQUEST).data, "identical sync requests");
  const challenge = both("the meter accepts it", (s, k) => meters[k].accept(last(s, FN_SYNC_REQUEST))) as number;
  assert.ok(challenge >= 0);
  // a forged response, then the true one, then its replay
  both("forged sync response refused", (s, k) => { s.deliver(forged(meters[k].syncResponse(challenge))); return s.synced(); });
  const resp = meters.map((m) => m.syncResponse(challenge));
  assert.equal(both("synchronised", (s, k) => { s.deliver(resp[k]); return s.synced(); }), true);
  both("replayed sync response changes nothing", (s, k) => { s.deliver(resp[k]); return s.synced(); });
  step(50);
  // a command: identical frames, one per meter at a time
  assert.equal(both("queued", (s) => s.command(CMD_DISCONNECT)), 0);
  assert.equal(both("busy", (s) => s.command(CMD_RECONNECT)), -16);
  assert.deepEqual(last(sides[1], FN_COMMAND).data, last(sides[0], FN_COMMAND).data, "identical COMMAND frames");
  const fv = both("the meter accepts the command", (s, k) => meters[k].accept(last(s, FN_COMMAND))) as number;
  assert.ok(fv >= 0);
  // acks: another FV, another code, a forged MAC: nothing; the true one: done; its replay: nothing
  both("ack naming another FV", (s, k) => { s.deliver(meters[k].ack(CMD_DISCONNECT, 0, fv + 1)); return s.outcomes(); });
  both("ack of another code", (s, k) => { s.deliver(meters[k].ack(CMD_RECONNECT, 0, fv)); return s.outcomes(); });
  both("forged ack", (s, k) => { s.deliver(forged(meters[k].ack(CMD_DISCONNECT, 0, fv))); return s.outcomes(); });
  const ack = meters.map((m) => m.ack(CMD_DISCONNECT, 0, fv));
  assert.deepEqual(both("true ack", (s, k) => { s.deliver(ack[k]); return s.outcomes(); }), { done: 1, failed: 0 });
  both("replayed ack", (s, k) => { s.deliver(ack[k]); return s.outcomes(); });
  both("no retransmission of an acknowledged command", (s) => { step(500); return count(s, FN_COMMAND); });
  // a refused command (the meter's status): failed
  both("queued", (s) => s.command(CMD_RECONNECT));
  const fv2 = both("accepted", (s, k) => meters[k].accept(last(s, FN_COMMAND))) as number;
  assert.deepEqual(both("ACTUATOR_FAILED", (s, k) => { s.deliver(meters[k].ack(CMD_RECONNECT, 2, fv2)); return s.outcomes(); }), { done: 1, failed: 1 });
  // unacknowledged: 3 transmissions 100 ms apart, each fresh for the meter; then failed and unsynchronised
  both("queued", (s) => s.command(CMD_DISCONNECT));
  const before = sides.map((s) => count(s, FN_COMMAND));
  step(400);
  both("three transmissions", (s, k) => count(s, FN_COMMAND) - before[k]);
  assert.deepEqual(both("timed out", (s) => s.outcomes()), { done: 1, failed: 2 });
  assert.equal(both("unsynchronised", (s) => s.synced()), false);
});

test("the C refuses a sync response whose meter epoch is not above the last, and accepts a higher one", () => {
  const timer = manualTimer();
  const c = cSide(timer);
  const m = meter(5);
  timer.advance(1);
  let ch = m.accept(last(c, FN_SYNC_REQUEST));
  c.deliver(m.syncResponse(ch));
  assert.ok(c.synced());
  // a command times out: resynchronisation
  c.command(CMD_DISCONNECT);
  for (let t = 0; t < 400; t += 10) timer.advance(10);
  assert.ok(!c.synced());
  const n = count(c, FN_SYNC_REQUEST);
  for (let t = 0; t < 1000 && count(c, FN_SYNC_REQUEST) === n; t += 10) timer.advance(10);
  ch = m.accept(last(c, FN_SYNC_REQUEST));
  assert.ok(ch >= 0, "a new sync request the meter accepts");
  c.deliver(m.syncResponse(ch, 5)); // the same meter epoch again: its freshness values would repeat
  assert.ok(!c.synced(), "epoch 5 again refused");
  assert.equal(c.counters()[AGC_OLD_EPOCH], 1);
  m.reboot(6);
  c.deliver(m.syncResponse(ch));
  assert.ok(c.synced(), "epoch 6 accepted");
  assert.equal(c.counters()[AGC_SYNCED], 2);
});

test("attacker: forged and replayed acknowledgements and sync responses never complete a command or synchronise a meter in C", () => {
  const timer = manualTimer();
  const c = cSide(timer);
  const m = meter(4);
  timer.advance(1);
  const ch = m.accept(last(c, FN_SYNC_REQUEST));
  const resp = m.syncResponse(ch);
  c.deliver(forged(resp));
  assert.ok(!c.synced(), "a forged sync response does not synchronise");
  // a sync response under another meter's key (a meter impersonating this one)
  const s = secocAddon();
  const d = planCounters("meter");
  const other = new s.SecocNode(1, d.rx, d.tx, securePlan("meter"));
  other.key(0, A, s.meterKey(MASTER, A + 1), false);
  other.setEpoch(3);
  const out = new Uint8Array(8);
  other.sign((FN_SYNC_RESPONSE << 6) | A, new Uint8Array([4, 0, 0, 0]), ch, out);
  c.deliver({ id: (FN_SYNC_RESPONSE << 6) | A, extended: false, rtr: false, dlc: 8, data: out });
  assert.ok(!c.synced(), "a response under another key does not synchronise");
  c.deliver(resp);
  assert.ok(c.synced());
  assert.equal(c.command(CMD_DISCONNECT), 0);
  const fv = m.accept(last(c, FN_COMMAND));
  const ack = m.ack(CMD_DISCONNECT, 0, fv);
  c.deliver(forged(ack));
  assert.equal(c.outcomes().done, 0, "a forged ack completes nothing");
  c.deliver(ack);
  c.deliver(ack);
  c.deliver(ack);
  assert.deepEqual(c.outcomes(), { done: 1, failed: 0 }, "one true ack, two replays: done once");
  const k = c.counters();
  assert.ok(k[AGC_BAD_MAC] >= 3 && k[AGC_STALE] >= 2, "counted: bad MAC " + k[AGC_BAD_MAC] + ", stale " + k[AGC_STALE]);
  assert.equal(k[AGC_CMD_TIMEOUT], 0);
  assert.equal(k[AGC_UNMATCHED_ACKS], 0);
});
