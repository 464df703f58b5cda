import { test } from "node:test";
import assert from "node:assert/strict";
import { PowerProfile, PROFILE_SLOTS } from "./powerProfile.ts";

test("15-minute slots are clock aligned and hold the average power", () => {
  const p = new PowerProfile();
  const t0 = 1_700_000_400; // 300 s into slot 1888889
  const s0 = Math.floor(t0 / 900);
  // 1000 W until the next boundary, then 2000 W.
  let t = t0;
  while (t < (s0 + 1) * 900) { t += 1; p.add(1000, 1, t - 0.001); }
  for (let k = 0; k < 900; k++) { t += 1; p.add(2000, 1, t - 0.001); }
  p.add(0, 1, t + 0.5);
  assert.equal(p.averageW(s0), 1000);
  assert.equal(p.averageW(s0 + 1), 2000);
  assert.ok(p.coverage[(s0 + 1) % PROFILE_SLOTS]! >= 254);
  assert.ok(p.coverage[s0 % PROFILE_SLOTS]! < 255, "first slot partial");
});

test("the ring keeps 7 days, gaps read NaN, older slots are forgotten", () => {
  const q = new PowerProfile();
  for (let s = 0; s < 700; s++) q.add(s, 900, (2000 + s) * 900 + 10);
  assert.equal(q.averageW(2000 + 699), 699, "current slot");
  assert.equal(q.averageW(2000 + 698), 698);
  assert.equal(q.averageW(2000 + 699 - 671), 699 - 671);
  assert.ok(Number.isNaN(q.averageW(2000 + 699 - 672)), "8 days ago is gone");
  q.add(5, 900, (2000 + 703) * 900 + 10); // meter was off for 3 slots
  assert.ok(Number.isNaN(q.averageW(2000 + 701)));
  assert.equal(q.averageW(2000 + 699), 699);
});
