/**
 * Which timer period each sample interval used, so a window can report the mean rate
 * of its own samples (boards/STM32F107/adc/meterAdc.c mean_ticks). Interval p is the
 * time from pair p to pair p + 1; a step (fromPair, ticks) sets every interval from
 * fromPair on. The device keeps the last 8 steps; the host keeps the last 64, more
 * than a window can span at one retune per block.
 */
const KEEP = 64;

export class RateHistory {
  private from: number[] = [0];
  private ticks: number[];

  constructor(startTicks: number) {
    this.ticks = [startTicks];
  }

  push(fromPair: number, ticks: number): void {
    this.from.push(fromPair);
    this.ticks.push(ticks);
    if (this.from.length > KEEP) {
      this.from.shift();
      this.ticks.shift();
    }
  }

  /** Mean ticks per interval over intervals [a, a + n). */
  meanTicks(a: number, n: number): number {
    if (n <= 0) return this.ticks[this.ticks.length - 1]!;
    let total = 0;
    let upper = a + n;
    for (let k = this.from.length - 1; k >= 0 && upper > a; k--) {
      const lo = Math.max(this.from[k]!, a);
      if (lo >= upper) continue;
      total += (upper - lo) * this.ticks[k]!;
      upper = lo;
    }
    if (upper > a) total += (upper - a) * this.ticks[0]!; // older than the history
    return total / n;
  }
}
