// meternet.json "mains" (mainsOf): defaults only when it is absent, an Error naming the
// value otherwise; the meter app prints it and does not measure (app/meter/main.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mainsOf, MAINS_V_MAX, MAINS_V_MIN } from "./config.ts";

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
