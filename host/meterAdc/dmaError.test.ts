// Issue 12, 2.9 (app side): a DMA transfer error stops sampling on the device and the
// firmware raises MeterADC's 'error' event; the meter must say so and sample again,
// keeping its energy registers, instead of falling silent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { demoCondition, runMeter } from "./runMeter.ts";

const BUNDLE = fileURLToPath(new URL("../../build/meter.js", import.meta.url));

test("the meter bundle restarts sampling a second after a DMA transfer error, registers kept", { skip: !existsSync(BUNDLE) && "run npm run build first" }, async () => {
  const out: string[] = [];
  const windowsAt: number[] = [];
  let failed = false;
  const rt = runMeter(readFileSync(BUNDLE, "utf8"), demoCondition(), 8, (s) => out.push(s), {
    onAdc: (adc) => {
      adc.on("window", () => {
        windowsAt.push(windowsAt.length);
        // after 2 s of windows (10 of them): the DMA stops as on the device
        if (windowsAt.length === 10 && !failed) {
          failed = true;
          (adc as unknown as { dmaError(): void }).dmaError();
        }
      });
    },
  });
  const text = out.join("");
  assert.match(text, /meternet meter: MeterADC: DMA transfer error, sampling stopped: call start\(\) again; restarting in 1 s/);
  const readings = text.split("\n").filter((l) => /^t=/.test(l));
  const energy = readings.map((l) => Number(/E\+=([\d.]+)Wh/.exec(l)![1]));
  // 8 s minus about 1.2 s without sampling: readings once a second resume after the restart
  assert.ok(readings.length >= 6, `${readings.length} readings:\n${readings.join("\n")}`);
  for (let k = 1; k < energy.length; k++) assert.ok(energy[k]! >= energy[k - 1]!, "import register never goes back: " + energy.join(", "));
  assert.ok(windowsAt.length > 25, `windows after the restart: ${windowsAt.length}`);
  await rt.dispose();
});
