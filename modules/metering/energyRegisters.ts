/**
 * Import/export energy registers, active (Wh) and fundamental reactive (varh).
 *
 * Why they never lose precision: each register is an integer count of milli-units
 * (mWh, mvarh) plus a fraction in [0, 1) milli-unit. A double holds integers exactly
 * up to 2^53 = 9.0e15 mWh = 9.0e12 Wh, 650 000 years of a 13.8 kW (460 V x 30 A)
 * meter at full load. The fraction stays below 1, so adding one window's energy
 * (at most about 770 mWh in 0.2 s) rounds at 2^-53 of ~1000: 1e-13 mWh per window,
 * 2e-5 mWh per year. A plain floating-point total would instead round every addition
 * at the total's magnitude (1e8 Wh after a year: 1.5e-8 Wh per addition, about a Wh a
 * year in double, and useless in float32).
 * Quadrants (IEC 62053-23 convention): active import when P > 0, export when P < 0;
 * reactive import when Q > 0 (current lagging on import), export when Q < 0.
 */
export class EnergyRegister {
  /** Whole milli-units (mWh or mvarh). */
  milli = 0;
  /** Fraction of a milli-unit, 0 <= frac < 1. */
  frac = 0;

  /** Adds energy given in milli-units (>= 0). */
  addMilli(e: number): void {
    const s = this.frac + e;
    const whole = Math.floor(s);
    this.milli += whole;
    this.frac = s - whole;
  }

  /** Register value in units (Wh or varh); exact to the display's resolution. */
  units(): number {
    return (this.milli + this.frac) / 1000;
  }

  /**
   * Exact decimal text of the whole milli-units (Espruino prints numbers with 12
   * significant digits, so a large count is printed in two parts).
   */
  milliText(): string {
    const hi = Math.floor(this.milli / 1000000);
    const lo = this.milli - hi * 1000000;
    if (hi === 0) return "" + lo;
    return hi + ("" + lo).padStart(6, "0");
  }
}

export class EnergyRegisters {
  readonly importWh = new EnergyRegister();
  readonly exportWh = new EnergyRegister();
  readonly importVarh = new EnergyRegister();
  readonly exportVarh = new EnergyRegister();

  /** Accumulates durationS seconds at pW and qVar. 1 Wh = 3600 J, so mWh = W s / 3.6. */
  add(pW: number, qVar: number, durationS: number): void {
    const p = (pW * durationS) / 3.6;
    const q = (qVar * durationS) / 3.6;
    if (p > 0) this.importWh.addMilli(p);
    else if (p < 0) this.exportWh.addMilli(-p);
    if (q > 0) this.importVarh.addMilli(q);
    else if (q < 0) this.exportVarh.addMilli(-q);
  }
}
