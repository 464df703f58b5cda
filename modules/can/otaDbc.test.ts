// needs-apt: python3-canmatrix
/**
 * The OTA frames of meternet.dbc (otaDbc.ts) as canmatrix reads them: every identifier
 * where the ID plan puts it, Motorola signals where the bytes are, and canmatrix's
 * encoding of a chunk and of ISO 15765-2 single frames equal to the bytes the protocol
 * sends (boards/STM32F107/ota: [index >> 6][tag][6 bytes]; [0x0L][opcode][arg]; the
 * ISO 15765-2 padding bytes (0xCC) have no signal, so canmatrix leaves them 0).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { otaMessages } from "./otaDbc.ts";
import {
  canId, functionOf, FN_OTA_REQUEST, FN_OTA_ANSWER, FN_BULK, otaChunkId, otaChunkIndex, OTA_CHUNK_ID_BASE, OTA_MAX_CHUNKS,
  OTA_ANS_VERDICT, OTA_REQ_COMMIT, FN_MEAS_QUALITY, FN_MEAS_LAST_RESERVED,
  OTA_REQ_MANIFEST, OTA_REQ_STATUS, OTA_REQ_ABORT, OTA_ANS_STATUS, OTA_ANS_RESULT, OTA_REQ_MANIFEST_TAG,
} from "./idPlan.ts";

const DBC = fileURLToPath(new URL("./meternet.dbc", import.meta.url));
const CHECKER = fileURLToPath(new URL("./dbcCheck.py", import.meta.url));

test("the ID plan: OTA control below polls and above chunks, chunk ids carry the index's low six bits", () => {
  assert.ok(FN_MEAS_QUALITY <= FN_MEAS_LAST_RESERVED && FN_MEAS_LAST_RESERVED < FN_OTA_REQUEST);
  assert.ok(FN_OTA_REQUEST < FN_OTA_ANSWER && FN_OTA_ANSWER < FN_BULK);
  assert.equal(canId(FN_OTA_REQUEST, 5), 0x705);
  assert.equal(canId(FN_OTA_ANSWER, 63), 0x77f);
  assert.equal(otaChunkId(0), 0x780);
  assert.equal(otaChunkId(3413), 0x780 | (3413 & 63));
  assert.equal(functionOf(otaChunkId(3413)), FN_BULK);
  for (const i of [0, 1, 63, 64, 3413, OTA_MAX_CHUNKS - 1]) assert.equal(otaChunkIndex(otaChunkId(i), i >> 6), i);
  assert.equal(otaChunkIndex(0x740, 0), -1, "a control frame is not a chunk");
  assert.throws(() => otaChunkId(OTA_MAX_CHUNKS), /out of range/);
  assert.throws(() => otaChunkId(-1), /out of range/);
});

test("canmatrix reads the OTA frames of meternet.dbc as otaDbc.ts says, and encodes them as the protocol sends them", () => {
  const msgs = otaMessages();
  assert.equal(msgs.length, 192, "64 requests, 64 answers, 64 chunk identifiers");
  const samples: Record<string, Record<string, number>> = {};
  const expected: Record<number, string> = {};
  for (const m of msgs) {
    if (m.id >= OTA_CHUNK_ID_BASE) {
      const index = 40 * 64 + (m.id & 63); // chunk 2560 + low bits
      const data = [0x11, 0x22, 0x33, 0x44, 0x55, (m.id & 63)];
      let d48 = 0;
      for (const b of data) d48 = d48 * 256 + b;
      samples[m.id] = { OtaChunkIndexHigh: index >> 6, OtaTransferTag: 0xa5, OtaChunkData: d48 };
      expected[m.id] = Buffer.from([index >> 6, 0xa5].concat(data)).toString("hex");
      assert.equal(otaChunkIndex(m.id, index >> 6), index);
    } else if (functionOf(m.id) === FN_OTA_ANSWER && (m.id & 3) === 1) {
      // STATUS at rest, as otaMeterLink.c answers it: a trial (boot report 1), idle, counter 0x01020304
      samples[m.id] = { IsoTpPci: 0, IsoTpSfLength: 7, OtaOpcode: OTA_ANS_STATUS, OtaBootReport: 1, OtaRxState: 0, OtaLastCause: 4, OtaSecurityCounter: 0x01020304 };
      expected[m.id] = "07" + "82" + "10" + "04" + "01020304";
    } else if (functionOf(m.id) === FN_OTA_ANSWER && (m.id & 3) === 2) {
      samples[m.id] = { IsoTpPci: 0, IsoTpSfLength: 2, OtaOpcode: OTA_ANS_RESULT, OtaResult: 3 };
      expected[m.id] = "02" + "83" + "03" + "0000000000";
    } else if (functionOf(m.id) === FN_OTA_ANSWER) {
      samples[m.id] = { IsoTpPci: 0, IsoTpSfLength: 2, OtaOpcode: OTA_ANS_VERDICT, OtaCause: 4 };
      expected[m.id] = "02" + "81" + "04" + "0000000000";
    } else {
      samples[m.id] = { IsoTpPci: 0, IsoTpSfLength: 1, OtaOpcode: OTA_REQ_COMMIT, OtaRequestArg: 0 };
      expected[m.id] = "01" + "03" + "00" + "0000000000";
    }
  }
  const r = spawnSync("/usr/bin/python3", [CHECKER, DBC], { input: JSON.stringify(samples), encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, "canmatrix check failed (apt-get install -y python3-canmatrix)\n" + r.stderr);
  type PySignal = { name: string; start: number; size: number; little: boolean; signed: boolean; values: Record<string, string>; multiplex: string | null };
  const out = JSON.parse(r.stdout) as { errors: string[]; frames: { id: number; name: string; size: number; transmitters: string[]; comment: string | null; encoded: string; signals: PySignal[] }[] };
  assert.deepEqual(out.errors, []);
  const byId = new Map(out.frames.map((f) => [f.id, f]));
  for (const m of msgs) {
    const f = byId.get(m.id);
    assert.ok(f, m.name + " missing");
    assert.equal(f.name, m.name);
    assert.equal(f.size, 8);
    assert.deepEqual(f.transmitters, [m.sender]);
    assert.ok((f.comment || "").length > 10, m.name + " comment");
    assert.deepEqual(f.signals.map((s) => s.name).sort(), m.signals.map((s) => s.name).sort());
    for (const s of m.signals) {
      // annotated: with the assertion calls below, tsc would otherwise infer p circularly (as dbc.test.ts)
      const p: PySignal = f.signals.find((x) => x.name === s.name)!;
      assert.equal(p.start, s.startBit, m.name + "." + s.name + " start bit");
      assert.equal(p.size, s.length, m.name + "." + s.name + " length");
      assert.equal(p.little, false, "Motorola byte order");
      assert.equal(p.signed, false);
      if (s.values) assert.deepEqual(p.values, s.values, m.name + "." + s.name + " values");
      assert.equal(p.multiplex, s.mux === undefined ? null : s.mux === "M" ? "Multiplexor" : String(s.mux), m.name + "." + s.name + " multiplexing");
    }
    assert.equal(f.encoded, expected[m.id], m.name + ": canmatrix's encoding vs the protocol's bytes");
  }
  const request = byId.get(canId(FN_OTA_REQUEST, 7))!.signals.find((s) => s.name === "OtaOpcode")!.values;
  assert.deepEqual(request, { [OTA_REQ_MANIFEST]: "MANIFEST", [OTA_REQ_STATUS]: "STATUS", [OTA_REQ_COMMIT]: "COMMIT", [OTA_REQ_ABORT]: "ABORT", [OTA_REQ_MANIFEST_TAG]: "MANIFEST_TAG" });
  const answer = byId.get(canId(FN_OTA_ANSWER, 7))!.signals.find((s) => s.name === "OtaOpcode")!.values;
  assert.deepEqual(answer, { [OTA_ANS_VERDICT]: "VERDICT", [OTA_ANS_STATUS]: "STATUS", [OTA_ANS_RESULT]: "RESULT" });
  const verdict = byId.get(canId(FN_OTA_ANSWER, 7))!;
  assert.equal(verdict.signals.find((s) => s.name === "OtaCause")!.values["4"], "ROLLBACK");
  const boot = verdict.signals.find((s) => s.name === "OtaBootReport")!;
  assert.equal(boot.multiplex, String(OTA_ANS_STATUS), "the boot report is a STATUS answer's");
  assert.deepEqual(boot.values, { 0: "CONFIRMED", 1: "TRIAL", 2: "REVERTED_CRASH", 3: "REVERTED_UNCONFIRMED", 4: "REVERTED_DEADLINE", 5: "REVERTED_INVALID", 15: "UNKNOWN" });
});
