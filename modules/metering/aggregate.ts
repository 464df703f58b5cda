/**
 * Aggregation of window readings over 150/180 cycles and 10 minutes
 * (IEC 61000-4-30, clause 4: measurement aggregation over time intervals, aggregation
 * algorithm, flagging concept; 4.4, 4.5 and 4.7 in the 2008 edition).
 *   rms quantities (V, I, harmonic groups): square root of the arithmetic mean of the
 *     squared window values (the aggregation algorithm), each window weighted by its duration (equal
 *     weights for equal windows, as IEC; duration weights keep the result equal to
 *     the rms over the whole interval when the frequency moves);
 *   P, Q1: arithmetic mean weighted by duration (energy / time);
 *   f: whole cycles counted / their duration (IEC 61000-4-30 5.1);
 *   S = Vrms Irms, N = sqrt(S^2 - P^2), PF = P / S over the interval (IEEE 1459 with
 *     the interval's rms values, which is what the rms-of-rms gives);
 *   THD from the aggregated groups.
 * Flagging (flagging concept): an aggregate is flagged when any window in it is flagged.
 */
import { thdPct, type ReadingQuantities, type WindowReading } from "./windowReading";

export interface AggregateReading extends ReadingQuantities {
  interval: "150cycle" | "10min";
  /** Start of the first window (or the 10-minute boundary), chain time base, s. */
  startS: number;
  /** Sum of the window durations, s. */
  spanS: number;
  windows: number;
  /** 10min: the interval was covered from its boundary on (not the first, partial one). */
  complete: boolean;
  flagged: boolean;
}

export class Aggregator {
  readonly interval: "150cycle" | "10min";
  windows = 0;
  startS = 0;
  private spanS = 0;
  private cycles = 0;
  private v2 = 0;
  private i2 = 0;
  private p = 0;
  private q = 0;
  private maxOrder = 50;
  private flagged = false;
  private readonly hV2 = new Float64Array(51);
  private readonly hI2 = new Float64Array(51);

  constructor(interval: "150cycle" | "10min") {
    this.interval = interval;
  }

  reset(): void {
    this.windows = 0;
    this.spanS = 0;
    this.cycles = 0;
    this.v2 = 0;
    this.i2 = 0;
    this.p = 0;
    this.q = 0;
    this.maxOrder = 50;
    this.flagged = false;
    this.hV2.fill(0);
    this.hI2.fill(0);
  }

  add(r: WindowReading, cycles: number, flagged: boolean): void {
    const d = r.spanS;
    if (this.windows === 0) this.startS = r.startS;
    this.windows++;
    this.spanS += d;
    this.cycles += cycles;
    this.v2 += d * r.vRmsV * r.vRmsV;
    this.i2 += d * r.iRmsA * r.iRmsA;
    this.p += d * r.pW;
    this.q += d * r.qVar;
    for (let h = 0; h < 51; h++) {
      this.hV2[h] += d * r.hV[h] * r.hV[h];
      this.hI2[h] += d * r.hI[h] * r.hI[h];
    }
    if (r.harmonicMaxOrder < this.maxOrder) this.maxOrder = r.harmonicMaxOrder;
    if (flagged) this.flagged = true;
  }

  result(complete: boolean): AggregateReading {
    const t = this.spanS;
    const hV = new Float32Array(51);
    const hI = new Float32Array(51);
    for (let h = 0; h < 51; h++) {
      hV[h] = Math.sqrt(this.hV2[h] / t);
      hI[h] = Math.sqrt(this.hI2[h] / t);
    }
    const v = Math.sqrt(this.v2 / t);
    const i = Math.sqrt(this.i2 / t);
    const p = this.p / t;
    const s = v * i;
    const n2 = s * s - p * p;
    return {
      interval: this.interval,
      startS: this.startS,
      spanS: t,
      windows: this.windows,
      complete: complete,
      fHz: this.cycles / t,
      vRmsV: v,
      iRmsA: i,
      pW: p,
      qVar: this.q / t,
      sVA: s,
      nVA: Math.sqrt(n2 > 0 ? n2 : 0),
      pf: s > 0 ? p / s : 0,
      thdVPct: thdPct(hV, this.maxOrder),
      thdIPct: thdPct(hI, this.maxOrder),
      hV: hV,
      hI: hI,
      flagged: this.flagged,
    };
  }
}
