import { Clock } from "../../modules/ports/clock.ts";

/** A clock that moves only when told: for deterministic tests and simulations. */
export class ManualClock implements Clock {
  private t: number;
  constructor(startMs?: number) { this.t = startMs ?? 0; }
  nowMs(): number { return this.t; }
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error("a clock cannot go back (" + ms + " ms)");
    this.t += ms;
  }
}
