// meternet.json "mains" (mainsOf): defaults only when it is absent, an Error naming the
// value otherwise; the meter app prints it and does not measure (app/meter/main.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mainsOf, meterConfigOf as checked, MAINS_V_MAX, MAINS_V_MIN, type MeterConfig } from "./config.ts";
import { meterAddressOf } from "../can/idPlan.ts";

test("mains: 50 Hz / 230 V when there is no file or no \"mains\"; the values as given otherwise", () => {
  assert.deepEqual(mainsOf(undefined), { hz: 50, v: 230 });
  assert.deepEqual(mainsOf({ role: "meter", address: 3 }), { hz: 50, v: 230 });
  assert.deepEqual(mainsOf({ mains: { hz: 60, v: 120 } }), { hz: 60, v: 120 });
  assert.deepEqual(mainsOf({ mains: { hz: 50, v: 240 } }), { hz: 50, v: 240 });
  assert.deepEqual(mainsOf({ mains: { hz: 60, v: MAINS_V_MIN } }), { hz: 60, v: 100 });
  assert.deepEqual(mainsOf({ mains: { hz: 60, v: MAINS_V_MAX } }), { hz: 60, v: 400 });
});

test("mains: invalid values throw, never fall back to 50 Hz / 230 V", () => {
  const bad: Array<[unknown, string]> = [
    [{ hz: 55, v: 230 }, '{"hz":55,"v":230}'],
    [{ hz: "60", v: 120 }, '{"hz":"60","v":120}'],
    [{ hz: 60 }, '{"hz":60}'],
    [{ v: 120 }, '{"v":120}'],
    [{ hz: 60, v: "120" }, '{"hz":60,"v":"120"}'],
    [{ hz: 60, v: 99.9 }, '{"hz":60,"v":99.9}'],
    [{ hz: 60, v: 400.5 }, '{"hz":60,"v":400.5}'],
    [{ hz: 60, v: null }, '{"hz":60,"v":null}'],
    [null, "null"],
    [60, "60"],
  ];
  for (const [mains, shown] of bad) {
    assert.throws(() => mainsOf({ mains }), (e: unknown) => (e as Error).message === 'meternet.json: mains must be {"hz":50|60,"v":100..400}, not ' + shown, shown);
  }
});

// The address check the meter (meterConfigOf, before the link installs anything) and
// `npm run upload` (host/cli/upload.ts) share: modules/can/idPlan.ts meterAddressOf.
const KEY = "00112233445566778899aabbccddeeff";
/** meterConfigOf on a parsed file, whatever it holds. */
const meterConfigOf = (file: unknown) => checked(file as MeterConfig | undefined);

test("meter address: 0..63 integers are addresses; 64, -1, 2.5, the string \"5\" and a missing one are not", () => {
  assert.equal(meterAddressOf(0), 0);
  assert.equal(meterAddressOf(63), 63);
  const bad: Array<[unknown, string]> = [[64, "64"], [-1, "-1"], [2.5, "2.5"], ["5", '"5"'], [undefined, "undefined"], [null, "null"], [NaN, "null"]];
  for (const [a, shown] of bad) assert.throws(() => meterAddressOf(a), (e: unknown) => (e as Error).message === "meter address " + shown + " is not an integer 0..63", String(a));
});

test("meternet.json of a meter: the address is checked before the link is started, a wrong one turns the link off with why", () => {
  const cfg = { role: "meter", address: 0, keyHex: KEY, name: "m0" };
  assert.equal(meterConfigOf(cfg), cfg);
  assert.deepEqual(meterConfigOf({ ...cfg, address: 63 }), { ...cfg, address: 63 });
  assert.equal(meterConfigOf({ ...cfg, address: 64 }), "CAN link: Error: meter address 64 is not an integer 0..63");
  assert.equal(meterConfigOf({ ...cfg, address: "5" }), 'CAN link: Error: meter address "5" is not an integer 0..63');
  const { address: _gone, ...noAddress } = cfg;
  assert.equal(meterConfigOf(noAddress), "CAN link: Error: meter address undefined is not an integer 0..63");
  assert.equal(meterConfigOf(undefined), "CAN link off: no meter in meternet.json");
  assert.equal(meterConfigOf({ role: "aggregator", masterKeyHex: KEY, meters: [] }), "CAN link off: no meter in meternet.json");
});
