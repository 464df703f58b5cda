/**
 * Contract suite of the monotonic clock port (modules/ports/clock.ts): milliseconds
 * (not seconds, not microseconds) from an arbitrary origin, never going back, moving
 * by the time that passed. clockContract.test.ts runs it on every implementation
 * (table: modules/ports/README.md). A harness says how time passes for its clock.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Clock } from "../clock";

export interface ClockHarness {
  clock: Clock;
  /** Lets `ms` pass (moves a simulated clock, or waits for a real one). */
  advance(ms: number): void | Promise<void>;
  /** false for a clock that follows real time: its steps are checked with a tolerance. */
  exact: boolean;
}

export function clockContract(name: string, make: () => ClockHarness): void {
  test(name + ": a finite number of milliseconds that never goes back", async () => {
    const h = make();
    let last = h.clock.nowMs();
    assert.ok(isFinite(last), "nowMs() is a finite number: " + last);
    for (let i = 0; i < 50; i++) {
      const t = h.clock.nowMs();
      assert.ok(t >= last, "went back from " + last + " to " + t);
      last = t;
      if (i % 10 === 9) await h.advance(1);
    }
  });
  test(name + ": moves by the time that passed, in milliseconds", async () => {
    const h = make();
    const t0 = h.clock.nowMs();
    await h.advance(250);
    const d = h.clock.nowMs() - t0;
    if (h.exact) assert.equal(d, 250);
    else assert.ok(d >= 249 && d < 1000, "250 ms of real time read as " + d + " ms");
    const t1 = h.clock.nowMs();
    await h.advance(0);
    assert.ok(h.clock.nowMs() - t1 < (h.exact ? 1e-9 : 50), "no time, no step");
  });
}
