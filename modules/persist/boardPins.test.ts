// needs-apt: python3
/** The meter board file's RELAY, RELAY_SENSE and FRAM devices name the pins boardPins.ts gives the app. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pins from "./boardPins.ts";
const METER_BOARD = { relayPin: pins.RELAY_PIN, relaySensePin: pins.RELAY_SENSE_PIN, framScl: pins.FRAM_SCL, framSda: pins.FRAM_SDA, framI2cAddress: pins.FRAM_I2C_ADDRESS, ringBaseAddr: pins.RING_BASE_ADDR, ringSlots: pins.RING_SLOTS };

const BOARD_DIR = new URL("../../boards/STM32F107/", import.meta.url).pathname;

function devicesOf(board: string): Record<string, Record<string, unknown>> {
  const stub = mkdtempSync(join(tmpdir(), "meternet-pins-"));
  try {
    writeFileSync(join(stub, "pinutils.py"), "# stand-in for Espruino's pinutils\n");
    const code = `import sys, json\nsys.path[:0] = [${JSON.stringify(stub)}, ${JSON.stringify(BOARD_DIR)}]\nprint(json.dumps(__import__(${JSON.stringify(board)}).devices))`;
    const r = spawnSync("python3", ["-B", "-c", code], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  } finally {
    rmSync(stub, { recursive: true, force: true });
  }
}

for (const board of ["METERNET_F107", "METERNET_F107_60HZ"]) {
  test(`${board}: relay, feedback and FRAM pins are boardPins.ts's`, () => {
    const d = devicesOf(board);
    assert.equal(d.RELAY.pin, METER_BOARD.relayPin);
    assert.equal(d.RELAY_SENSE.pin, METER_BOARD.relaySensePin);
    assert.equal(d.FRAM.pin_scl, METER_BOARD.framScl);
    assert.equal(d.FRAM.pin_sda, METER_BOARD.framSda);
    assert.equal(d.FRAM.address, METER_BOARD.framI2cAddress);
    const used = Object.values(d).flatMap((x) => Object.entries(x).filter(([k]) => k === "pin" || k.startsWith("pin_")).map(([, v]) => v));
    assert.equal(new Set(used).size, used.length, "a pin used by two devices: " + used.join(", "));
  });
}

test("METERNET_F107_AGG: no load relay; the FRAM on the same I2C pins", () => {
  const d = devicesOf("METERNET_F107_AGG");
  assert.equal(d.RELAY, undefined);
  assert.equal(d.RELAY_SENSE, undefined);
  assert.equal(d.FRAM.pin_scl, METER_BOARD.framScl);
});

test("the billing ring fits the meter's FRAM data slot (package.json meternet.budgets.storage.meter.data)", async () => {
  const pkg = (await import("../../package.json", { with: { type: "json" } })).default as { meternet: { budgets: { storage: { meter: { data: number } } } } };
  assert.ok(METER_BOARD.ringBaseAddr + METER_BOARD.ringSlots * 128 <= pkg.meternet.budgets.storage.meter.data);
});
