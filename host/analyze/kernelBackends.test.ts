// Both kernel backends of `meternet analyze` convert windows with windowView.c (the
// device binding's table): the addon and the gcc-built harness give the same windows,
// field for field and byte for byte, the flushed PARTIAL one included.
import { test } from "node:test";
import assert from "node:assert/strict";
import { kernelBackend, runHarness, runKernel } from "./kernelProcess.ts";
import { meterInput } from "../waveform/meterInput.ts";
import { demoCondition } from "../meterAdc/runMeter.ts";

function plain(w: object): [string, unknown][] {
  return Object.keys(w).sort().map((k) => {
    const v = (w as Record<string, unknown>)[k];
    return [k, ArrayBuffer.isView(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex") : v];
  });
}

test("the addon and the gcc harness give identical windows (windowView.c in both)", { skip: kernelBackend() !== "addon" && "needs the kernel addon" }, () => {
  const codes = meterInput(demoCondition({ residualPct: 60, startS: 0.5, durationS: 0.1 }), { sampleRateHz: 12800, durationS: 2.05, startS: 0 }).codes;
  const cfg = { sampleRateHz: 12800, nominalHz: 50 as const };
  const a = runKernel(codes, cfg), h = runHarness(codes, cfg);
  assert.equal(a.length, 11, "10 whole windows and the open one flushed");
  assert.equal(h.length, a.length);
  for (let k = 0; k < a.length; k++) assert.deepEqual(plain(h[k]!), plain(a[k]!), `window ${k}`);
  assert.ok(plain(a[0]!).some(([k]) => k === "thdMaxOrder") && plain(a[0]!).some(([k]) => k === "raw"));
});
