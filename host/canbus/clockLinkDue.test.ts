// The bus follows the simulation's VirtualClock, also at microsecond times that do not
// survive the round trip through milliseconds in floating point.
import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualClock } from "../runtime/index.ts";
import { Scheduler } from "./index.ts";
import { linkToClock } from "./clockLink.ts";

test("events at every microsecond of a window run once, in order, and the clock goes on", () => {
  const clock = new VirtualClock();
  const s = new Scheduler();
  linkToClock(s, clock);
  const ran: number[] = [];
  // (1001 / 1000) * 1000 = 1000.9999999999999: the kind of time that made advanceTo spin.
  assert.ok((1001 / 1000) * 1000 < 1001);
  for (let us = 1000; us < 2000; us++) s.at(us, () => ran.push(us));
  clock.advance(3);
  assert.equal(ran.length, 1000);
  assert.ok(ran.every((v, i) => i === 0 || v > ran[i - 1]));
  assert.equal(clock.nowMs(), 3);
  assert.equal(s.nowUs(), 3000);
});
