/**
 * What the C metering chain (boards/STM32F107/metering, once per kernel window) gives
 * JavaScript: the shapes of the device's MeterADC events (types/meterAdc.d.ts) and of
 * the Node addon's MeterChain (host/native/metering.ts). Units are in the names:
 * V, A, W, var, VA, Hz, %, s (chain time base: seconds since sampling started).
 */

/** The scalar quantities every reading gives: window, aggregate and the periodic reading (mtReading.h). */
export interface ScalarQuantities {
  fHz: number;
  vRmsV: number;
  iRmsA: number;
  pW: number;
  /** Fundamental reactive power, positive when the current lags. */
  qVar: number;
  sVA: number;
  nVA: number;
  pf: number;
  thdVPct: number;
  thdIPct: number;
}

/** The quantities a window reading and an aggregate of windows both give (mtReading.h). */
export interface ReadingQuantities extends ScalarQuantities {
  /** Harmonic group rms 0..50 (0 = dc); 0 above the orders measured. */
  hV: Float32Array;
  hI: Float32Array;
}

/** One window's readings (host addon and `meternet analyze`; the device sends MeterReading). */
export interface WindowReading extends ReadingQuantities {
  /** Window start (crossing c0), s. */
  startS: number;
  spanS: number;
  harmonicMaxOrder: number;
  /** Kernel flags (KERNEL_FLAG_*). */
  flags: number;
}

export type EventKind = "dip" | "swell" | "interruption";

/** A dip, swell or interruption (IEC 61000-4-30 5.4, 5.5; mtVoltageEvents.h). */
export interface VoltageEvent {
  kind: EventKind;
  startS: number;
  durationS: number;
  /** Lowest (dip, interruption) or highest (swell) Urms(1/2), % of declared voltage. */
  residualPct: number;
  /** Still in progress when the data ended (end of a record): durationS runs to its end. */
  open?: boolean;
}

/** A 150/180-cycle or 10-minute aggregate (IEC 61000-4-30 clause 4; mtAggregate.h). */
export interface AggregateReading extends ReadingQuantities {
  interval: "150cycle" | "10min";
  /** Start of the first window (or the 10-minute boundary), s. */
  startS: number;
  /** Sum of the window durations, s. */
  spanS: number;
  windows: number;
  /** 10min: covered from its boundary on (not the first, partial one). */
  complete: boolean;
  flagged: boolean;
}

/** The device's periodic reading (MeterADC 'reading' event): the latest released window, flag, registers. */
export interface MeterReading extends ScalarQuantities {
  /** End of the window, s. */
  tS: number;
  /** IEC 61000-4-30 flag of that window (a dip, swell or interruption during it). */
  flagged: boolean;
  /**
   * What may be wrong with that window: KERNEL_FLAG_* | READING_FLAG_BELOW_RANGE_* |
   * READING_FLAG_IEC (when flagged); flagsSince: the same bits of every window since the
   * previous reading, this one included (a reading stands for readingEvery windows).
   */
  flags: number;
  flagsSince: number;
  /** Energy registers, Wh and varh (mtEnergy.h). */
  importWh: number;
  exportWh: number;
  importVarh: number;
  exportVarh: number;
}

/** One energy register as plain values (save/restore): whole milli-units and the fraction. */
export interface RegisterState {
  milli: number;
  frac: number;
}

export interface EnergyState {
  importWh: RegisterState;
  exportWh: RegisterState;
  importVarh: RegisterState;
  exportVarh: RegisterState;
}

/** The metering configuration the C chain runs with (mtChain.h mt_chain_config_t). */
export interface MeteringConfig {
  calibration: import("./calibration").MeterCalibration;
  /** Declared supply voltage Udin, V. */
  declaredV: number;
  /** UTC when sampling starts, s (10-minute aggregates and 15-minute profile are clock aligned). */
  utcAtStartS: number;
  /** 'reading' event every this many windows (5: once a second). */
  readingEvery: number;
}
