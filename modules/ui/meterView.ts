/**
 * What the UI shows: plain values the wiring (app/meter) keeps up to date. The UI never
 * reads hardware or the clock itself; it draws what it is given.
 */
import type { MeterReading, AggregateReading, EventKind } from "../metering/readings";

/** A finished voltage event, with its start as UTC (the chain gives seconds since sampling started). */
export interface UiEvent {
  kind: EventKind;
  startUtcS: number;
  durationS: number;
  residualPct: number;
}

/** The CAN link as the network screen shows it (from MeterLink.status()). */
export interface UiNetwork {
  address: number;
  /** "error-active", "error-passive", "bus-off", ... */
  state: string;
  /** UTC of the last poll answered, s (0: none yet). */
  lastPollUtcS: number;
  tec: number;
  rec: number;
  /** Rejected frames by cause. */
  rejects: { [cause: string]: number };
  /** Freshness epoch the meter sends under. */
  epoch: number;
}

export interface MeterView {
  name: string;
  address: number;
  /** UTC now, s. */
  utcS: number;
  reading: MeterReading | null;
  /** Latest 10-minute aggregate (harmonic groups 0..50 of V and I, THD, flag). */
  aggregate: AggregateReading | null;
  /** 15-minute average power, W (import > 0, export < 0, NaN unknown), oldest first; the last is the slot ending at `profileEndUtcS`. */
  profileW: Float32Array | null;
  profileEndUtcS: number;
  /** Last events, newest last (the wiring keeps a handful). */
  events: UiEvent[];
  network: UiNetwork | null;
  /** Registers at the start of today and of this month (UTC), Wh: [import, export]; null until known. */
  dayStartWh: number[] | null;
  monthStartWh: number[] | null;
}

export function emptyView(name: string, address: number): MeterView {
  return { name: name, address: address, utcS: 0, reading: null, aggregate: null, profileW: null, profileEndUtcS: 0, events: [], network: null, dayStartWh: null, monthStartWh: null };
}
