/**
 * Typed loader of the metering chain in the addon (boards/STM32F107/metering, the
 * same C the meter runs once per window): MeterChain for a run of kernel windows,
 * windowReading for one window. Windows are those of MeterKernel.takeWindows (they
 * carry their struct's bytes in `raw`).
 */
import { loadAddon } from "./loadAddon.ts";
import type { KernelWindow } from "../../modules/metering/kernelWindow.ts";
import type { MeterCalibration } from "../../modules/metering/calibration.ts";
import type { AggregateReading, EnergyState, VoltageEvent, WindowReading } from "../../modules/metering/readings.ts";

export interface ChainConfig {
  calibration: MeterCalibration;
  declaredV: number;
  utcAtStartS: number;
  /** Rate sampling starts at, Hz (retune's pairs per cycle). */
  startRateHz: number;
  nominalHz: 50 | 60;
  /** Rewrite positions for rate steps inside windows (a retuned ADC). */
  regrid?: boolean;
  /** Ask for sampling rates (ChainOutput.wantRateHz). */
  retune?: boolean;
}

export interface ChainOutput {
  /** Released windows (one window late: the IEC flag needs the next window's values). */
  windows: { r: WindowReading; flagged: boolean }[];
  events: VoltageEvent[];
  aggregates: AggregateReading[];
  /** Rate to ask the ADC for, Hz (0: none); its answer goes to rateAnswer. */
  wantRateHz: number;
}

export interface NativeChain {
  /** One complete window; sampleRateHz (default: the window's) is its samples' mean rate. */
  process(w: KernelWindow, sampleRateHz?: number): ChainOutput;
  /** End of data: the kernel's PARTIAL window (or null) adds its Urms(1/2) values; the held window is released. */
  finish(tail: KernelWindow | null, sampleRateHz?: number): ChainOutput;
  rateAnswer(gotHz: number): void;
  energy(): EnergyState;
  setEnergy(e: EnergyState): void;
  profileAverageW(slot: number): number;
  stats(): { windows: number; dropped: number; stateBytes: number };
}

interface Addon {
  MeterChain: new (cfg: ChainConfig) => NativeChain;
  windowReading(w: KernelWindow, cal: MeterCalibration): WindowReading;
}

const load = (): Addon => loadAddon<Addon>("meterKernel", "metering");

export function createChain(cfg: ChainConfig): NativeChain {
  return new (load().MeterChain)(cfg);
}

/** One window's readings under cal (no chain state: no flag, no events). */
export function windowReading(w: KernelWindow, cal: MeterCalibration): WindowReading {
  return load().windowReading(w, cal);
}
