import { test } from "node:test";
import assert from "node:assert/strict";
import { MESSAGES, MESSAGE_COUNT, DATA_SIGNAL_COUNT, messageByFn, messageByName, layoutOf, payloadSignals, FV_SIGNAL, MAC_SIGNAL, SYNC_FV_SIGNAL } from "./messages.ts";
import { SignalDef } from "./signalCodec.ts";
import { nodeAes } from "../../host/ports/aes.ts";
import { MemoryKvStore } from "../../host/ports/kvStore.ts";
import { loopbackPorts } from "./testing/loopbackPorts.ts";
import { securedController } from "../../host/canbus/secocLayer.ts";
import { AggregatorNode } from "./aggregatorNode.ts";
import { Poller } from "./poller.ts";

// The table as it was written before it became typed arrays (objects, 712 JsVars on Espruino):
// the compact form must say exactly the same.
function le(name: string, startBit: number, length: number, factor: number, signed?: boolean): SignalDef {
  return { name, startBit, length, littleEndian: true, signed: signed === true, factor, offset: 0 };
}
function be(name: string, startBit: number, length: number, factor: number): SignalDef {
  return { name, startBit, length, littleEndian: false, signed: false, factor, offset: 0 };
}
const OBJECT_TABLE = [
  ["ALARM", 0, "meter", "secured", true, 0, [le("AlarmCode", 0, 8, 1), le("AlarmFlags", 8, 8, 1), le("AlarmValue", 16, 16, 0.01)]],
  ["COMMAND", 1, "aggregator", "secured", false, -1, [le("CmdCode", 0, 8, 1), le("CmdTariff", 8, 8, 1), le("CmdArg", 16, 16, 1)]],
  ["COMMAND_ACK", 2, "meter", "secured", false, 1, [le("AckCode", 0, 8, 1), le("AckStatus", 8, 8, 1), le("AckCmdFreshness", 16, 16, 1)]],
  ["SYNC_REQUEST", 3, "aggregator", "syncRequest", false, -1, []],
  ["SYNC_RESPONSE", 4, "meter", "syncResponse", false, -1, [le("MeterEpoch", 0, 24, 1), le("SyncStatus", 24, 8, 1)]],
  ["TIME", 5, "aggregator", "secured", false, -1, [le("UnixTime", 0, 32, 1)]],
  ["MEAS_VOLTAGE_FREQ", 6, "meter", "secured", true, 2, [le("U_L1", 0, 16, 0.01), le("Freq", 16, 16, 0.001)]],
  ["MEAS_CURRENT_PF", 7, "meter", "secured", true, 3, [le("I_L1", 0, 20, 0.001), le("PF", 20, 12, 0.001, true)]],
  ["MEAS_POWER", 8, "meter", "secured", true, 4, [le("P_import", 0, 16, 1), le("P_export", 16, 16, 1)]],
  ["MEAS_ENERGY_IMPORT", 9, "meter", "secured", true, 5, [le("E_import", 0, 32, 1)]],
  ["MEAS_ENERGY_EXPORT", 10, "meter", "secured", true, 6, [le("E_export", 0, 32, 1)]],
  ["MEAS_THD", 11, "meter", "secured", true, 7, [le("THD_U_L1", 0, 16, 0.01), le("THD_I_L1", 16, 16, 0.01)]],
  ["MEAS_APPARENT", 12, "meter", "secured", true, 8, [be("S", 7, 16, 1), be("Q_import", 23, 16, 1)]],
  ["COGEN_STATUS", 13, "meter", "secured", true, 9, [le("CoState", 0, 8, 1), le("CoPowerW", 8, 24, 1)]],
  ["MEAS_QUALITY", 14, "meter", "secured", true, 10, [le("QualityFlags", 0, 16, 1), le("QualitySince", 16, 16, 1)]],
] as const;

test("the compact table reads exactly as the object table did (factors are the same doubles)", () => {
  assert.equal(MESSAGES.length, OBJECT_TABLE.length);
  OBJECT_TABLE.forEach((row, k) => {
    const m = MESSAGES[k];
    assert.deepEqual([m.name, m.fn, m.sender, layoutOf(m), m.polled, m.txSlot], row.slice(0, 6), row[0]);
    assert.deepEqual(m.signals, row[6], `${row[0]} signals`);
    assert.equal(m.signalCount, row[6].length);
    // views made on demand (messageAt): the same row, not the same object
    assert.deepEqual(messageByFn(m.fn), m);
    assert.deepEqual(messageByName(m.name), m);
  });
  assert.equal(MESSAGE_COUNT, MESSAGES.length);
  assert.equal(DATA_SIGNAL_COUNT, MESSAGES[MESSAGES.length - 1].firstSignal + MESSAGES[MESSAGES.length - 1].signalCount);
  assert.deepEqual(FV_SIGNAL, le("SecOC_FV", 32, 8, 1));
  assert.deepEqual(MAC_SIGNAL, be("SecOC_MAC", 47, 24, 1));
  assert.deepEqual(SYNC_FV_SIGNAL, be("SyncFreshness", 7, 40, 1));
  assert.deepEqual(payloadSignals(messageByName("SYNC_REQUEST")), [SYNC_FV_SIGNAL, MAC_SIGNAL]);
  assert.deepEqual(payloadSignals(messageByName("TIME")), [le("UnixTime", 0, 32, 1), FV_SIGNAL, MAC_SIGNAL]);
  assert.equal(messageByFn(15), undefined);
  assert.throws(() => messageByName("NOPE"), /no message named NOPE/);
});

test("AggregatorNode keeps state per configured meter only and rejects a bad address list", () => {
  const lb = loopbackPorts(nodeAes(), () => new MemoryKvStore(), () => {}, securedController);
  const make = (addresses: number[]) => new AggregatorNode({
    masterKey16: new Uint8Array(16), can: lb.ports.newController("agg"), store: new MemoryKvStore(), log: () => {}, addresses,
  });
  const node = make([63, 5]);
  assert.equal(node.requestSync(7), -1, "unconfigured meter");
  assert.equal(node.isSynced(64), false);
  assert.equal(node.meterEpoch(7), -1);
  assert.equal(node.badMacStreak(-1), 0);
  assert.throws(() => make([5, 5]), /meter address 5 is not an unused integer 0..63/);
  assert.throws(() => make([64]), /meter address 64/);
});

test("Poller: sync bookkeeping per meter it polls; synced() of an unknown meter does nothing", () => {
  let now = 0;
  const syncs: number[] = [];
  const target = { poll: () => 0, isSynced: (a: number) => a !== 9, requestSync: (a: number) => { syncs.push(a); return 0; } };
  const p = new Poller(target, { nowMs: () => now }, { capacity: 4, maxInFlight: 2, staleAfterPeriods: 3, syncRetryMs: 100, syncAfterMisses: 2 });
  p.add(9, 6, 1000, 10, 50, 0);
  p.add(3, 6, 1000, 10, 50, 0);
  p.synced(40);
  p.tick();
  assert.deepEqual(syncs, [9]);
  now = 50;
  p.tick();
  assert.deepEqual(syncs, [9], "no second request within syncRetryMs");
  now = 150;
  p.tick();
  assert.deepEqual(syncs, [9, 9]);
  assert.throws(() => p.add(64, 6, 1000, 10, 50, 0), /meter address 64 out of range/);
});
