/**
 * The message table: the ONE definition of the wire format that the codec
 * (encode/decode), the protocol (meterNode, aggregatorNode) and meternet.dbc
 * (dbcGenerate) are built from. Units, OBIS codes, value names and comments are in
 * messageDocs.ts, keyed by the names used here, so that the device carries only the
 * numbers (the full table cost about 700 JsVars on Espruino).
 *
 * Every message is 8 bytes. Layouts (bytes):
 *   secured       0..3 data signals | 4 freshness low 8 bits | 5..7 MAC (24 bits)
 *   syncRequest   0..4 full 40-bit freshness (big-endian)    | 5..7 MAC
 *   syncResponse  0..3 data signals | 4 low 8 bits of the request's freshness | 5..7 MAC
 * MAC = first 3 bytes of AES-CMAC(meter key, id(2, BE) || data(4) || freshness(5, BE));
 * for syncRequest data is empty, for syncResponse freshness is the request's (secoc.ts).
 */
import { SignalDef } from "./signalCodec";
import {
  FN_ALARM, FN_COMMAND, FN_COMMAND_ACK, FN_SYNC_REQUEST, FN_SYNC_RESPONSE, FN_TIME,
  FN_MEAS_VOLTAGE_FREQ, FN_MEAS_CURRENT_PF, FN_MEAS_POWER, FN_MEAS_ENERGY_IMPORT,
  FN_MEAS_ENERGY_EXPORT, FN_MEAS_THD, FN_MEAS_APPARENT,
} from "./idPlan";

export type Layout = "secured" | "syncRequest" | "syncResponse";
export type Sender = "meter" | "aggregator";

export interface MessageDef {
  name: string;
  fn: number;
  sender: Sender;
  layout: Layout;
  /** The aggregator polls it with a remote frame (the meter keeps an answer ready). */
  polled: boolean;
  /** Index of the meter's freshness counter for it (-1: not a meter counter). */
  txSlot: number;
  /** Data signals only; freshness and MAC signals come from the layout. */
  signals: SignalDef[];
}

export const PAYLOAD_BYTES = 8;
export const DATA_BYTES = 4;
export const FV_BYTE = 4;
export const MAC_OFFSET = 5;
export const MAC_BYTES = 3;

/** Intel (little-endian) signal. */
function le(name: string, startBit: number, length: number, factor: number, signed?: boolean): SignalDef {
  return { name: name, startBit: startBit, length: length, littleEndian: true, signed: signed === true, factor: factor, offset: 0 };
}

/** Motorola (big-endian) unsigned signal; startBit is its most significant bit. */
function be(name: string, startBit: number, length: number, factor: number): SignalDef {
  return { name: name, startBit: startBit, length: length, littleEndian: false, signed: false, factor: factor, offset: 0 };
}

export const FV_SIGNAL: SignalDef = le("SecOC_FV", 32, 8, 1);
export const MAC_SIGNAL: SignalDef = be("SecOC_MAC", 47, 24, 1);
export const SYNC_FV_SIGNAL: SignalDef = be("SyncFreshness", 7, 40, 1);

function msg(name: string, fn: number, sender: Sender, layout: Layout, polled: boolean, txSlot: number, signals: SignalDef[]): MessageDef {
  return { name: name, fn: fn, sender: sender, layout: layout, polled: polled, txSlot: txSlot, signals: signals };
}

export const MESSAGES: MessageDef[] = [
  msg("ALARM", FN_ALARM, "meter", "secured", true, 0, [le("AlarmCode", 0, 8, 1), le("AlarmFlags", 8, 8, 1), le("AlarmValue", 16, 16, 0.01)]),
  msg("COMMAND", FN_COMMAND, "aggregator", "secured", false, -1, [le("CmdCode", 0, 8, 1), le("CmdTariff", 8, 8, 1), le("CmdArg", 16, 16, 1)]),
  msg("COMMAND_ACK", FN_COMMAND_ACK, "meter", "secured", false, 1, [le("AckCode", 0, 8, 1), le("AckStatus", 8, 8, 1), le("AckCmdFreshness", 16, 16, 1)]),
  msg("SYNC_REQUEST", FN_SYNC_REQUEST, "aggregator", "syncRequest", false, -1, []),
  msg("SYNC_RESPONSE", FN_SYNC_RESPONSE, "meter", "syncResponse", false, -1, [le("MeterEpoch", 0, 24, 1), le("SyncStatus", 24, 8, 1)]),
  msg("TIME", FN_TIME, "aggregator", "secured", false, -1, [le("UnixTime", 0, 32, 1)]),
  msg("MEAS_VOLTAGE_FREQ", FN_MEAS_VOLTAGE_FREQ, "meter", "secured", true, 2, [le("U_L1", 0, 16, 0.01), le("Freq", 16, 16, 0.001)]),
  msg("MEAS_CURRENT_PF", FN_MEAS_CURRENT_PF, "meter", "secured", true, 3, [le("I_L1", 0, 20, 0.001), le("PF", 20, 12, 0.001, true)]),
  msg("MEAS_POWER", FN_MEAS_POWER, "meter", "secured", true, 4, [le("P_import", 0, 16, 1), le("P_export", 16, 16, 1)]),
  msg("MEAS_ENERGY_IMPORT", FN_MEAS_ENERGY_IMPORT, "meter", "secured", true, 5, [le("E_import", 0, 32, 1)]),
  msg("MEAS_ENERGY_EXPORT", FN_MEAS_ENERGY_EXPORT, "meter", "secured", true, 6, [le("E_export", 0, 32, 1)]),
  msg("MEAS_THD", FN_MEAS_THD, "meter", "secured", true, 7, [le("THD_U_L1", 0, 16, 0.01), le("THD_I_L1", 16, 16, 0.01)]),
  msg("MEAS_APPARENT", FN_MEAS_APPARENT, "meter", "secured", true, 8, [be("S", 7, 16, 1), be("Q_import", 23, 16, 1)]),
];

/** Number of meter transmit counters (one per meter-sent secured message). */
export const METER_TX_SLOTS = 9;

/** The message of a function code, or undefined (an unknown identifier). */
export function messageByFn(fn: number): MessageDef | undefined {
  for (let i = 0; i < MESSAGES.length; i++) if (MESSAGES[i].fn === fn) return MESSAGES[i];
  return undefined;
}

export function messageByName(name: string): MessageDef {
  for (let i = 0; i < MESSAGES.length; i++) if (MESSAGES[i].name === name) return MESSAGES[i];
  throw new Error("no message named " + name);
}

/** Every signal of the 8-byte payload, data signals first. */
export function payloadSignals(m: MessageDef): SignalDef[] {
  if (m.layout === "syncRequest") return [SYNC_FV_SIGNAL, MAC_SIGNAL];
  return m.signals.concat([FV_SIGNAL, MAC_SIGNAL]);
}
