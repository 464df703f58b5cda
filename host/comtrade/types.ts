// The COMTRADE configuration as read from (or written to) a .cfg file or a .cff CFG section.
// Field names follow IEEE C37.111 (-1991, -1999, -2013) / IEC 60255-24, with units in names.

export type DataFormat = "ASCII" | "BINARY" | "BINARY32" | "FLOAT32";
/** Revision, normalised: the .cfg's rev_year field (absent in 1991 files). */
export type Revision = 1991 | 1999 | 2013;

export interface ComtradeTimestamp {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Sub-second part in nanoseconds (the 2013 revision allows nine digits). */
  nanosecond: number;
}

export interface AnalogChannel {
  /** An: the channel index as written (1-based). */
  index: number;
  id: string;
  phase: string;
  circuit: string;
  /** uu, e.g. "V", "kV", "A". */
  unit: string;
  /** value = a * raw + b, in `unit`, as primary or secondary values per `ps`. */
  a: number;
  b: number;
  skewUs: number;
  min: number;
  max: number;
  /** Transformer ratio primary:secondary; undefined in 1991 files. */
  primary?: number;
  secondary?: number;
  /** Whether a*raw+b gives primary ("P") or secondary ("S") values; undefined in 1991 files. */
  ps?: "P" | "S";
  /** 1-based line of the channel in its file (the .cfg, or the .cff from its top), for messages. */
  line?: number;
}

export interface DigitalChannel {
  index: number;
  id: string;
  phase: string;
  circuit: string;
  /** y: the normal (steady) state, 0 or 1. */
  normalState: number;
}

export interface RateSegment {
  sampleRateHz: number;
  /** Last sample number (1-based, cumulative) sampled at this rate. */
  endSample: number;
}

export interface ComtradeConfig {
  stationName: string;
  recDevId: string;
  /** rev_year as written (e.g. 2001 in some files), and the revision it is read as. */
  revYear: number;
  rev: Revision;
  analog: AnalogChannel[];
  digital: DigitalChannel[];
  lineFrequencyHz: number;
  /** Empty when nrates = 0 (time from the timestamps). */
  rates: RateSegment[];
  /** With nrates = 0, the endsamp of the "0,endsamp" line if present. */
  endSampleNoRate?: number;
  startTime: ComtradeTimestamp | null;
  triggerTime: ComtradeTimestamp | null;
  dataFormat: DataFormat;
  /** Multiplier of the .dat timestamps (µs per unit), 1 when absent. */
  timeMult: number;
  /** 2013: time_code and local_code as written ("-5h30") and in minutes from UTC. */
  timeCode?: string;
  localCode?: string;
  timeCodeMinutes?: number;
  localCodeMinutes?: number;
  /** 1-based lines (in the .cfg, or the .cff from its top) of lf, each rate segment and ft, for messages. */
  lineOf?: { lf: number; rates: number[]; ft?: number };
  /** 2013: time quality code (hex digit) and leap second indicator. */
  tmqCode?: string;
  leapSec?: number;
}
