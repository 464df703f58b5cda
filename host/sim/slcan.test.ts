// needs-apt: python3-can
// python-can (Debian python3-can) reads live authenticated readings from the simulated
// network through its SLCAN endpoint; the MACs are checked here with the meter's key.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SimNetwork } from "./network.ts";
import { nodeAes } from "../ports/aes.ts";
import { meterKey } from "../../modules/can/kdf.ts";
import { Cmac } from "../../modules/can/cmac.ts";
import { macInput } from "../../modules/can/secoc.ts";
import { decodeData } from "../../modules/can/messageCodec.ts";
import { messageByFn } from "../../modules/can/messages.ts";
import { canId, FN_MEAS_POWER } from "../../modules/can/idPlan.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const PYTHON = "/usr/bin/python3";
const MASTER = new Uint8Array([0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c]);

function pythonCanPresent(): boolean {
  return spawnSync(PYTHON, ["-c", "import can"]).status === 0;
}

function runPython(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(PYTHON, [fileURLToPath(new URL("./slcanReadings.py", import.meta.url)), ...args]);
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("close", (code) => resolve({ code: code ?? -1, out }));
  });
}

/** The FV whose MAC matches (the meter's epoch, sequence ending in the sent low byte), or -1. */
function verifiedFv(cmac: Cmac, id: number, payload: Uint8Array, epoch: number): number {
  for (let seq = payload[4]; seq < 65536; seq += 256) {
    const fv = epoch * 65536 + seq;
    if (cmac.verify(macInput(id, payload.subarray(0, 4), fv), payload.subarray(5, 8), 3)) return fv;
  }
  return -1;
}

test("python-can reads authenticated readings from the simulated bus over SLCAN", { timeout: 90_000 }, async () => {
  assert.ok(pythonCanPresent(), "python3-can missing: run apt-get install -y python3-can");
  const net = new SimNetwork({
    meters: 2, speed: 10, masterKey: MASTER,
    aggregatorBundle: readFileSync(root + "build/aggregator.js", "utf8"), meterBundle: readFileSync(root + "build/meter.js", "utf8"),
    httpPort: 0, slcanPort: 0, epochMs: Date.UTC(2026, 0, 15, 6, 0), startOfDayS: 7 * 3600, dipsPerSlot: 0, output: () => {},
  });
  try {
    await net.start();
    net.run();
    const heater = net.nodes.find((n) => n.meter?.address === 2)!;
    const id = canId(FN_MEAS_POWER, 2);
    const r = await runPython([String(net.slcan!.port), "0x" + id.toString(16), "3"]);
    assert.equal(r.code, 0, r.out);
    const frames = r.out.trim().split("\n").map((l) => JSON.parse(l) as { id: number; data: string });
    assert.equal(frames.length, 3);
    const epoch = Number(heater.rt.eval("meternet.node.epoch()"));
    const cmac = new Cmac(nodeAes(), meterKey(nodeAes(), MASTER, 2));
    const fvs: number[] = [];
    for (const f of frames) {
      assert.equal(f.id, id);
      const payload = Uint8Array.from(Buffer.from(f.data, "hex"));
      const fv = verifiedFv(cmac, id, payload, epoch);
      assert.ok(fv >= 0, `MAC of ${f.data} does not verify under meter 2's key at epoch ${epoch}`);
      fvs.push(fv);
      // The heater runs at 07:00 in January: about 2 kW imported, nothing exported.
      const v = decodeData(messageByFn(FN_MEAS_POWER)!, payload.subarray(0, 4));
      assert.ok(Math.abs(v.P_import - 2000) < 40, `P_import ${v.P_import} W`);
      assert.equal(v.P_export, 0);
      // A flipped data bit must not verify: the check above can fail.
      const bad = payload.slice();
      bad[0] ^= 1;
      assert.equal(verifiedFv(cmac, id, bad, epoch), -1);
    }
    assert.ok(fvs[1] > fvs[0] && fvs[2] > fvs[1], `freshness values rise: ${fvs}`);
    const agg = net.status(net.aggregator)!;
    assert.equal((agg.rejects as { badMac: number }).badMac, 0);
  } finally {
    await net.stop();
  }
});
