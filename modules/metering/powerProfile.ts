/**
 * Load profile: average active power of each 15-minute interval, clock aligned
 * (00, 15, 30, 45 min UTC, as billing profiles are), over the last 7 days = 672 slots.
 * Slot number s = floor(utcS / 900); it lives at ring index s mod 672, so the ring is
 * a pure function of the clock and a gap (meter off) leaves NaN in the skipped slots.
 * Average power = energy in the slot / time measured in the slot (W); coverage records
 * the measured fraction (0..255 = 0..100 %), so a partial slot can be told apart.
 * Memory: Float32Array(672) + Uint8Array(672) = 3.4 KB, about 260 JsVars.
 */
export const PROFILE_SLOTS = 672;
export const PROFILE_SLOT_S = 900;

export class PowerProfile {
  readonly avgW = new Float32Array(PROFILE_SLOTS);
  readonly coverage = new Uint8Array(PROFILE_SLOTS);
  /** Slot being filled, -1 before the first reading. */
  slot = -1;
  private energyWs = 0;
  private coveredS = 0;

  constructor() {
    this.avgW.fill(NaN);
  }

  /** Adds durationS seconds at pW, ending at utcEndS. */
  add(pW: number, durationS: number, utcEndS: number): void {
    const s = Math.floor(utcEndS / PROFILE_SLOT_S);
    if (s !== this.slot) {
      if (this.slot >= 0) this.close();
      // Slots skipped since the last reading (meter off) have no value.
      const gap = this.slot < 0 ? 0 : s - this.slot - 1;
      for (let k = 1; k <= gap && k <= PROFILE_SLOTS; k++) this.store(this.slot + k, NaN, 0);
      this.slot = s;
    }
    this.energyWs += pW * durationS;
    this.coveredS += durationS;
  }

  /** Average power of slot number s (floor(utcS / 900)), NaN when unknown or too old. */
  averageW(s: number): number {
    if (s > this.slot || s <= this.slot - PROFILE_SLOTS) return NaN;
    if (s === this.slot) return this.coveredS > 0 ? this.energyWs / this.coveredS : NaN;
    return this.avgW[s % PROFILE_SLOTS];
  }

  private close(): void {
    const cov = this.coveredS / PROFILE_SLOT_S;
    this.store(this.slot, this.coveredS > 0 ? this.energyWs / this.coveredS : NaN, cov > 1 ? 255 : Math.round(cov * 255));
    this.energyWs = 0;
    this.coveredS = 0;
  }

  private store(s: number, w: number, cov: number): void {
    this.avgW[s % PROFILE_SLOTS] = w;
    this.coverage[s % PROFILE_SLOTS] = cov;
  }
}
