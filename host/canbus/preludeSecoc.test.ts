/**
 * The CAN1 stand-in of test/realInterpreter/prelude.js emulates the native SecOC API in
 * ES5 without MACs or signal encoding (nobody on its empty bus reads them): run it here
 * and check against the boards' C (through the addon, on the BxcanModel's layer) that it
 * returns the same codes and FVs and builds the same identifiers, data and freshness
 * bytes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createCipheriv } from "node:crypto";
import vm from "node:vm";
import { VirtualCanBus } from "./bus.ts";
import { BxcanModel } from "./bxcanModel.ts";
import type { CanFrame } from "../../modules/can/frame.ts";
import { securePlan, planCounters, securedCodec, signalRow, DATA_SIGNAL_ROWS, type SecuredCanController } from "../../modules/can/secured.ts";

const prelude = readFileSync(new URL("../../test/realInterpreter/prelude.js", import.meta.url), "utf8");
const MASTER = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);

function preludeCan1(): { can: SecuredCanController; sent: CanFrame[]; replies: CanFrame[] } {
  const aes = {
    encrypt: (b: Uint8Array, k: Uint8Array) => {
      const c = createCipheriv("aes-128-ecb", Buffer.from(k), null);
      c.setAutoPadding(false);
      return new Uint8Array(c.update(Buffer.from(b))).buffer;
    },
  };
  const ctx = vm.createContext({
    E: {}, print: () => {}, process: { memory: () => ({}) }, setTimeout: () => {}, Modules: { addCached() {} },
    Uint8Array, Uint32Array, Float64Array, Uint16Array, Float32Array, Math, atob: (s: string) => Buffer.from(s, "base64").toString("latin1"),
    require: () => ({ AES: aes }),
  });
  vm.runInContext(prelude + ";this.CAN1 = CAN1;", ctx);
  const can = (ctx as unknown as { CAN1: SecuredCanController & { send(f: CanFrame): number; setAutoReply(f: CanFrame, o: boolean): number } }).CAN1;
  const sent: CanFrame[] = [];
  const replies: CanFrame[] = [];
  can.send = (f: CanFrame) => { sent.push(f); return 0; };
  can.setAutoReply = (f: CanFrame) => { replies.push(f); return 0; };
  return { can, sent, replies };
}

function modelCan(): { can: BxcanModel; sent: CanFrame[]; replies: CanFrame[] } {
  const can = new BxcanModel(new VirtualCanBus({ bitrate: 125000 }), "c");
  const sent: CanFrame[] = [];
  const replies: CanFrame[] = [];
  can.send = (f: CanFrame) => { sent.push(f); return 0; };
  can.setAutoReply = (f: CanFrame) => { replies.push(f); return 0; };
  return { can, sent, replies };
}

/** Identifier, data bytes and FV bytes; the MAC (and a published answer's data) left out. */
const hex = (f: CanFrame) => f.id.toString(16) + ":" + Buffer.from(f.data.subarray(0, 5)).toString("hex");
const idFv = (f: CanFrame) => f.id.toString(16) + ":" + f.data[4].toString(16);

test("prelude CAN1 signs meter answers and publishes exactly as the C does", () => {
  const out: string[][] = [];
  for (const make of [preludeCan1, modelCan]) {
    const { can, sent, replies } = make();
    const d = planCounters("meter");
    assert.equal(can.secocInit(1, d.rx, d.tx, securePlan("meter")), 0);
    assert.equal(can.secocKey(0, 5, MASTER, true), 0);
    assert.equal(can.secocCodec(securedCodec()), 0);
    assert.equal(can.secocSend(0x185, new Uint8Array([0xd8, 0x59, 0x50, 0xc3]), -1), -1, "no epoch yet");
    can.secocEpoch(2);
    for (let i = 0; i < 8; i++) can.secocSend(0x185, new Uint8Array([0xd8, 0x59, 0x50, 0xc3]), -1);
    assert.equal(hex(sent[7]), "185:d85950c307", "data and FV of the TypeScript known answer");
    const v = new Float64Array(DATA_SIGNAL_ROWS).fill(NaN);
    const vals: [string, number][] = [["U_L1", 231.5], ["Freq", 49.98], ["I_L1", 5.0011], ["PF", -0.95], ["P_import", 1000.4], ["P_export", 0],
      ["E_import", 123456], ["E_export", 10], ["THD_U_L1", 2.5], ["THD_I_L1", 8.255], ["S", 1100], ["Q_import", 300]];
    for (const [n, x] of vals) v[signalRow(n)] = x;
    const latest = new Uint8Array(128);
    assert.equal(can.secocPublish(v, latest), 7);
    assert.equal(can.secocAutoReply(0x005, new Uint8Array(4)), 2 * 65536, "alarm counter untouched by the others");
    assert.equal(can.secocSend(0x105, new Uint8Array([3, 0, 0, 0]), 77), 77, "sync response bound to the request");
    out.push(sent.map(hex).concat(replies.map(idFv)));
  }
  assert.deepEqual(out[0], out[1]);
});

test("prelude CAN1 signs aggregator sync requests and commands as the C does", () => {
  const out: string[][] = [];
  for (const make of [preludeCan1, modelCan]) {
    const { can, sent } = make();
    const d = planCounters("aggregator");
    assert.equal(can.secocInit(3, d.rx, d.tx, securePlan("aggregator")), 0);
    for (let s = 0; s < 3; s++) assert.equal(can.secocKey(s, [1, 5, 63][s], MASTER, true), 0);
    can.secocEpoch(9);
    assert.equal(can.secocSend(0x0c5, new Uint8Array(4), -1), 9 * 65536);
    assert.equal(can.secocSend(0x045, new Uint8Array([1, 0, 0, 0]), -1), 9 * 65536 + 1);
    assert.equal(can.secocSend(0x0ff, new Uint8Array(4), -1), 9 * 65536, "meter 63: its own counter");
    assert.equal(can.secocSend(0x0c2, new Uint8Array(4), -1), -22, "meter 2 is not configured");
    out.push(sent.map(hex));
  }
  assert.deepEqual(out[0], out[1]);
});

test("prelude CAN1 renews and restarts epochs as the C does (counters run on across a renewal)", () => {
  const out: number[][] = [];
  for (const make of [preludeCan1, modelCan]) {
    const { can } = make();
    const d = planCounters("meter");
    assert.equal(can.secocInit(1, d.rx, d.tx, securePlan("meter")), 0);
    assert.equal(can.secocKey(0, 5, MASTER, true), 0);
    const data = new Uint8Array(4);
    can.secocEpoch(2);
    const fvs: number[] = [can.secocSend(0x085, data, -1)]; // COMMAND_ACK, rarely used
    let last = -1;
    for (let i = 0; i < 65536; i++) last = can.secocSend(0x185, data, -1);
    fvs.push(last, can.secocSend(0x185, data, -1)); // the end of the epoch: -1
    can.secocEpoch(3); // the renewal
    fvs.push(can.secocSend(0x185, data, -1), can.secocSend(0x085, data, -1));
    can.secocEpoch(-1); // a resynchronisation: restart
    can.secocEpoch(4);
    fvs.push(can.secocSend(0x185, data, -1), can.secocSend(0x085, data, -1));
    out.push(fvs);
  }
  assert.deepEqual(out[0], [2 * 65536, 2 * 65536 + 65535, -1, 3 * 65536, 2 * 65536 + 1, 4 * 65536, 4 * 65536]);
  assert.deepEqual(out[0], out[1]);
});
