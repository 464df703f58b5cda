/**
 * What the numbers in messages.ts mean: units, IEC 62056-61 OBIS codes, value names
 * and comments, by message and signal name. Only the DBC generator and the DBC check
 * read this file; device bundles never include it.
 */
export interface SignalDoc {
  unit: string;
  /** OBIS code of the quantity (IEC 62056-61), when it is one. */
  obis?: string;
  comment: string;
  /** Named raw values (DBC VAL_). */
  values?: { [raw: string]: string };
}

function d(unit: string, comment: string, obis?: string, values?: { [raw: string]: string }): SignalDoc {
  return { unit: unit, comment: comment, obis: obis, values: values };
}

/** The bits of QualityFlags / QualitySince (meterKernel.h MK_FLAG_*, mtReading.h MT_FLAG_*; names as modules/web/qualityFlags.ts and meternet analyze). */
function QUALITY_BITS_TEXT(which: string): string {
  return which + ": bit 0 clipped-v, 1 clipped-i, 2 crossings-estimated, 3 first-window (start or resynchronisation), " +
    "4 frequency-range, 5 urms-overflow, 6 sync-error, 7 partial, 8 cycle-dropped, 9 no-fundamental-v, 10 no-fundamental-i, " +
    "11 below-range-v, 12 below-range-i, 13 IEC 61000-4-30 flag (dip, swell or interruption), 14-15 reserved (0)";
}

export const MESSAGE_DOCS: { [message: string]: string } = {
  ALARM: "alarm or trip, sent at once when it happens; a poll returns the latest one (AlarmCode NONE: no alarm)",
  COMMAND: "control command; the meter executes it only after verifying MAC and freshness",
  COMMAND_ACK: "authenticated acknowledgement of a verified command",
  SYNC_REQUEST: "freshness resynchronisation: carries the full freshness; the meter starts a new epoch and answers",
  SYNC_RESPONSE: "the meter's new transmit epoch, bound to the request's freshness",
  TIME: "time of day for the meter's clock and tariff switching",
  MEAS_VOLTAGE_FREQ: "RMS voltage and frequency of the latest window",
  MEAS_CURRENT_PF: "RMS current and power factor of the latest window",
  MEAS_POWER: "active power of the latest window, import and export",
  MEAS_ENERGY_IMPORT: "active energy import register",
  MEAS_ENERGY_EXPORT: "active energy export register",
  MEAS_THD: "total harmonic distortion of voltage and current (to the 50th harmonic)",
  MEAS_APPARENT: "apparent and reactive power (big-endian signals)",
  COGEN_STATUS: "co-generator status and electrical output, sent by a co-generator node from its own address",
  MEAS_QUALITY: "what may be wrong with the published values: the quality flags of their window and of every window since the previous publish",
};

/** Keyed "MESSAGE.Signal" where a name is shared, else by signal name. */
export const SIGNAL_DOCS: { [key: string]: SignalDoc } = {
  SecOC_FV: d("", "SecOC freshness value, least significant 8 bits of the sender's counter"),
  "SYNC_RESPONSE.SecOC_FV": d("", "least significant 8 bits of the sync request's freshness (the challenge this answer is bound to)"),
  SecOC_MAC: d("", "AES-128-CMAC truncated to its first 24 bits (big-endian)"),
  SyncFreshness: d("", "full 40-bit freshness of the aggregator's counter for this meter (epoch 24 bits, sequence 16 bits)"),
  AlarmCode: d("", "what happened", undefined, { "0": "NONE", "1": "OVERCURRENT_TRIP", "2": "VOLTAGE_DIP", "3": "VOLTAGE_SWELL", "4": "INTERRUPTION", "5": "TAMPER", "6": "BOOT", "7": "RELAY_FAULT" }),
  AlarmFlags: d("", "bit 0: load disconnected"),
  AlarmValue: d("", "residual voltage (V) of a dip or swell, current (A) of a trip; RELAY_FAULT: 1 welded contact, 2 open coil"),
  CmdCode: d("", "command", undefined, { "1": "DISCONNECT_LOAD", "2": "RECONNECT_LOAD", "3": "SET_TOU_START" }),
  CmdTariff: d("", "tariff register 1..8 (SET_TOU_START), else 0"),
  CmdArg: d("min", "minute of the day 0..1439 the tariff starts (SET_TOU_START), else 0"),
  AckCode: d("", "CmdCode of the acknowledged command"),
  AckStatus: d("", "outcome", undefined, { "0": "DONE", "1": "UNKNOWN_COMMAND", "2": "BAD_ARGUMENT", "3": "ACTUATOR_FAILED" }),
  AckCmdFreshness: d("", "least significant 16 bits of the command's full freshness: which command this acknowledges"),
  MeterEpoch: d("", "epoch of every meter counter from now on: freshness = epoch * 65536 + sequence"),
  SyncStatus: d("", "0: synchronised"),
  UnixTime: d("s", "UTC, seconds since 1970-01-01 (clock object)", "0-0:1.0.0"),
  U_L1: d("V", "RMS voltage L1", "1-0:32.7.0"),
  Freq: d("Hz", "supply frequency", "1-0:14.7.0"),
  I_L1: d("A", "RMS current L1", "1-0:31.7.0"),
  PF: d("", "power factor, signed (negative: export)", "1-0:13.7.0"),
  P_import: d("W", "active power import (+P)", "1-0:1.7.0"),
  P_export: d("W", "active power export (-P)", "1-0:2.7.0"),
  E_import: d("Wh", "active energy import (+A), total", "1-0:1.8.0"),
  E_export: d("Wh", "active energy export (-A), total", "1-0:2.8.0"),
  THD_U_L1: d("%", "THD of voltage L1", "1-0:32.7.124"),
  THD_I_L1: d("%", "THD of current L1", "1-0:31.7.124"),
  S: d("VA", "apparent power (+S)", "1-0:9.7.0"),
  Q_import: d("var", "reactive power import (+R, QI+QII)", "1-0:3.7.0"),
  CoState: d("", "co-generator state", undefined, { "0": "UNKNOWN", "1": "OFF", "2": "STARTING", "3": "RUNNING", "4": "FAULT" }),
  CoPowerW: d("W", "co-generator electrical output"),
  QualityFlags: d("", QUALITY_BITS_TEXT("the window the MEAS_ values come from")),
  QualitySince: d("", QUALITY_BITS_TEXT("OR over every window since the previous publish, that window included")),
};

/** The documentation of a signal; throws when a signal was added without one. */
export function signalDoc(message: string, signal: string): SignalDoc {
  const specific = SIGNAL_DOCS[message + "." + signal];
  if (specific !== undefined) return specific;
  const general = SIGNAL_DOCS[signal];
  if (general === undefined) throw new Error("messageDocs.ts has no entry for " + message + "." + signal);
  return general;
}

export function messageDoc(message: string): string {
  const c = MESSAGE_DOCS[message];
  if (c === undefined) throw new Error("messageDocs.ts has no comment for " + message);
  return c;
}
