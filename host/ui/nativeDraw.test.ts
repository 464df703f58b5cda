// needs-apt: gcc
// The firmware's drawing code (boards/STM32F107/display: lcdDraw.c over ili9325.c, into
// a model of the controller's GRAM) draws every screen of the fixture pixel for pixel as
// the host display does: what the simulator and the golden images show is what the LCD
// shows. Also the SPI bytes per screen (the bench figure) from the C side.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MeterUi, uiSettingsOf } from "../../modules/ui/meterUi.ts";
import { allScreens, screensOf } from "../../modules/ui/screens/index.ts";
import { Rgb565Display } from "./rgb565Display.ts";
import { fixtureView } from "./fixtureView.ts";
import { RecordingDisplay, buildRenderer } from "./nativeRenderer.ts";

test("the C drawing code renders every screen exactly as the host display does", () => {
  const dir = mkdtempSync(join(tmpdir(), "lcd-"));
  try {
    const exe = buildRenderer(dir);
    for (let i = 0; i < 9; i++) {
      const host = new Rgb565Display();
      const rec = new RecordingDisplay(host);
      const ui = new MeterUi(rec, fixtureView(), uiSettingsOf({}), screensOf(allScreens()), () => {});
      ui.show(i);
      const out = execFileSync(exe, { input: rec.lines.join("\n") + "\n", maxBuffer: 1 << 20, stdio: ["pipe", "pipe", "pipe"] });
      const c = new Uint16Array(out.buffer, out.byteOffset, 320 * 240);
      let diff = 0;
      for (let k = 0; k < c.length; k++) if (c[k] !== host.px[k]) diff++;
      assert.equal(diff, 0, `screen ${i}: ${diff} pixels differ between lcdDraw.c and rgb565Display.ts`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
