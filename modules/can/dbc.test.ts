// needs-apt: python3-canmatrix
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { generateDbc } from "./dbcGenerate.ts";
import { MESSAGES, payloadSignals, PAYLOAD_BYTES } from "./messages.ts";
import { canId, METERS_PER_BUS } from "./idPlan.ts";
import { packRaw, rawRange, SignalDef } from "./signalCodec.ts";
import { signalDoc } from "./messageDocs.ts";
import { otaMessages } from "./otaDbc.ts";

const DBC = fileURLToPath(new URL("./meternet.dbc", import.meta.url));
const CHECKER = fileURLToPath(new URL("./dbcCheck.py", import.meta.url));

test("committed meternet.dbc is what dbcGenerate.ts produces (MN_WRITE_DBC=1 rewrites it)", () => {
  const text = generateDbc();
  if (process.env.MN_WRITE_DBC === "1") writeFileSync(DBC, text);
  assert.equal(readFileSync(DBC, "utf8"), text, "meternet.dbc is stale: run MN_WRITE_DBC=1 node --import tsx --test modules/can/dbc.test.ts");
});

/** Deterministic sample raw values per signal: extremes and a middle value by address. */
function sampleRaw(s: SignalDef, address: number, k: number): number {
  const r = rawRange(s);
  const pick = (address + k) % 3;
  if (pick === 0) return r.max;
  if (pick === 1) return r.min;
  return Math.floor((r.max - r.min) * ((address * 7 + k * 13) % 97) / 97) + r.min;
}

test("canmatrix (python3-canmatrix) reads meternet.dbc exactly as the TypeScript table says", () => {
  type PySignal = { name: string; start: number; size: number; little: boolean; signed: boolean; factor: number; offset: number; min: number; max: number; unit: string; comment: string | null; values: Record<string, string> };
  type PyFrame = { id: number; extended: boolean; name: string; size: number; transmitters: string[]; comment: string | null; signals: PySignal[]; encoded: string };
  const samples: Record<string, Record<string, number>> = {};
  const expectedBytes: Record<string, string> = {};
  for (let a = 0; a < METERS_PER_BUS; a++) {
    for (const m of MESSAGES) {
      const id = canId(m.fn, a);
      const raw: Record<string, number> = {};
      const bytes = new Uint8Array(PAYLOAD_BYTES);
      payloadSignals(m).forEach((s, k) => {
        raw[s.name] = sampleRaw(s, a, k);
        packRaw(bytes, s, raw[s.name]);
      });
      samples[id] = raw;
      expectedBytes[id] = Buffer.from(bytes).toString("hex");
    }
  }
  const r = spawnSync("/usr/bin/python3", [CHECKER, DBC], { input: JSON.stringify(samples), encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, "canmatrix check failed (is python3-canmatrix installed? apt-get install -y python3-canmatrix)\n" + r.stderr);
  const out = JSON.parse(r.stdout) as { boLines: number; sgLines: number; frames: PyFrame[]; errors: string[] };
  assert.deepEqual(out.errors, [], "canmatrix reported parse errors");
  // plus the OTA frames (otaDbc.ts; their own checks: otaDbc.test.ts)
  const ota = otaMessages();
  const expectedFrames = METERS_PER_BUS * MESSAGES.length + ota.length;
  const expectedSignals = METERS_PER_BUS * MESSAGES.reduce((n, m) => n + payloadSignals(m).length, 0) + ota.reduce((n, m) => n + m.signals.length, 0);
  // canmatrix drops what it cannot parse: count the text and the parsed objects.
  assert.equal(out.boLines, expectedFrames, "BO_ lines in the file");
  assert.equal(out.sgLines, expectedSignals, "SG_ lines in the file");
  assert.equal(out.frames.length, expectedFrames, "frames parsed");
  assert.equal(out.frames.reduce((n, f) => n + f.signals.length, 0), expectedSignals, "signals parsed");
  const byId = new Map(out.frames.map((f) => [f.id, f]));
  let obisSeen = 0;
  for (let a = 0; a < METERS_PER_BUS; a++) {
    for (const m of MESSAGES) {
      const id = canId(m.fn, a);
      const f = byId.get(id);
      assert.ok(f, `frame 0x${id.toString(16)} (${m.name}, meter ${a}) missing`);
      assert.equal(f.extended, false);
      assert.equal(f.size, PAYLOAD_BYTES, `${f.name} DLC`);
      assert.ok(f.name.startsWith(m.name + "_M"), f.name);
      assert.deepEqual(f.transmitters, [m.sender === "meter" ? `METER_${String(a).padStart(2, "0")}` : "AGGREGATOR"]);
      const sigs = payloadSignals(m);
      assert.deepEqual(f.signals.map((s) => s.name).sort(), sigs.map((s) => s.name).sort(), `${f.name} signal names`);
      for (const s of sigs) {
        // annotated: with the assertion calls below, tsc would otherwise infer p and where circularly
        const p: PySignal = f.signals.find((x) => x.name === s.name)!;
        const where: string = `${f.name}.${s.name}`;
        assert.equal(p.start, s.startBit, `${where} start bit`);
        assert.equal(p.size, s.length, `${where} length`);
        assert.equal(p.little, s.littleEndian, `${where} byte order`);
        assert.equal(p.signed, s.signed, `${where} signedness`);
        assert.ok(Math.abs(p.factor - s.factor) < 1e-12, `${where} factor ${p.factor}`);
        assert.ok(Math.abs(p.offset - s.offset) < 1e-12, `${where} offset`);
        const doc = signalDoc(m.name, s.name);
        assert.equal(p.unit, doc.unit, `${where} unit`);
        const rr = rawRange(s);
        assert.ok(Math.abs(p.min - (rr.min * s.factor + s.offset)) < 1e-6 && Math.abs(p.max - (rr.max * s.factor + s.offset)) < 1e-6, `${where} range`);
        if (doc.obis !== undefined) {
          assert.ok((p.comment ?? "").includes("OBIS " + doc.obis), `${where} comment lacks OBIS ${doc.obis}: ${p.comment}`);
          obisSeen++;
        }
        if (doc.values !== undefined) assert.deepEqual(p.values, doc.values, `${where} value table`);
      }
      assert.equal(f.encoded, expectedBytes[id], `${f.name}: canmatrix encode of the sample raw values vs the TS codec`);
    }
  }
  assert.equal(obisSeen, METERS_PER_BUS * 13, "OBIS-coded signals checked (12 quantities and the clock)");
});
