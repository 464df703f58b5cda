/**
 * The message table: the ONE definition of the wire format that the codec
 * (encode/decode), the protocol (meterNode, aggregatorNode) and meternet.dbc
 * (dbcGenerate) are built from. Units, OBIS codes, value names and comments are in
 * messageDocs.ts, keyed by the names used here, so that the device carries only the
 * numbers.
 *
 * The table is numbers in typed arrays and names in two strings, because that is what
 * costs least on Espruino: the same table as objects (a MessageDef with an array of
 * SignalDef objects each) cost 712 JsVars, this form 223 (measured on 2v29: names and
 * rows 60, the getters' class 64, the 13 views in MESSAGES 86; the class has since gone:
 * 56 more on the meter). A MessageDef is a plain object made when asked for (its signals a
 * getter) and so is a SignalDef, so the rest of the code still reads `m.name`,
 * `m.signals[0].factor`.
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
import { FN_COGEN_STATUS, FN_MEAS_QUALITY } from "./idPlan";

export type Layout = "secured" | "syncRequest" | "syncResponse";
export type Sender = "meter" | "aggregator";

export const PAYLOAD_BYTES = 8;
export const DATA_BYTES = 4;
export const FV_BYTE = 4;
export const MAC_OFFSET = 5;
export const MAC_BYTES = 3;

/** Message names in row order, one space between. */
const MESSAGE_NAMES = "ALARM COMMAND COMMAND_ACK SYNC_REQUEST SYNC_RESPONSE TIME MEAS_VOLTAGE_FREQ MEAS_CURRENT_PF " +
  "MEAS_POWER MEAS_ENERGY_IMPORT MEAS_ENERGY_EXPORT MEAS_THD MEAS_APPARENT" +
  " COGEN_STATUS MEAS_QUALITY";

// Message kind bits: the sender is the meter unless BY_AGG; POLLED: the aggregator
// polls it with a remote frame (the meter keeps an answer ready); the layout is secured
// unless SYNC_REQ or SYNC_RESP.
const BY_AGG = 1;
const POLLED = 2;
const SYNC_REQ = 4;
const SYNC_RESP = 8;

/**
 * One row per message: function code, kind bits, index of the meter's transmit
 * counter for it (-1: not a meter counter, stored as 255), number of data signals (their
 * rows follow each other in SIGNALS, in message order). Bytes, not an Int8Array: the
 * meter uses no other Int8Array, and each typed-array class a program uses keeps its
 * prototype in the root for good (8 JsVars on 2v29).
 */
const M_COLS = 4;
const M = new Uint8Array([
  FN_ALARM, POLLED, 0, 3,
  FN_COMMAND, BY_AGG, -1, 3,
  FN_COMMAND_ACK, 0, 1, 3,
  FN_SYNC_REQUEST, BY_AGG | SYNC_REQ, -1, 0,
  FN_SYNC_RESPONSE, SYNC_RESP, -1, 2,
  FN_TIME, BY_AGG, -1, 1,
  FN_MEAS_VOLTAGE_FREQ, POLLED, 2, 2,
  FN_MEAS_CURRENT_PF, POLLED, 3, 2,
  FN_MEAS_POWER, POLLED, 4, 2,
  FN_MEAS_ENERGY_IMPORT, POLLED, 5, 1,
  FN_MEAS_ENERGY_EXPORT, POLLED, 6, 1,
  FN_MEAS_THD, POLLED, 7, 2,
  FN_MEAS_APPARENT, POLLED, 8, 2,
  FN_COGEN_STATUS, POLLED, 9, 2,
  FN_MEAS_QUALITY, POLLED, 10, 2,
]);

/** Signal names in row order: the data signals of each message, then the layout signals. */
const SIGNAL_NAMES = "AlarmCode AlarmFlags AlarmValue CmdCode CmdTariff CmdArg AckCode AckStatus AckCmdFreshness " +
  "MeterEpoch SyncStatus UnixTime U_L1 Freq I_L1 PF P_import P_export E_import E_export THD_U_L1 THD_I_L1 S Q_import " +
  "CoState CoPowerW QualityFlags QualitySince " +
  "SecOC_FV SecOC_MAC SyncFreshness";

// Signal kind: the factor is 1 / 10^(kind & 3) (10^n is exact and a division gives
// exactly the double of the literal 0.01); the byte order is Intel unless MOTOROLA; unsigned unless SIGNED.
// The offset of every signal is 0.
const SIGNED = 4;
const MOTOROLA = 8;

/**
 * One row per signal: DBC start bit (Intel: least significant bit; Motorola: most
 * significant bit), length in bits, kind.
 */
const S_COLS = 3;
const SIGNALS = new Uint8Array([
  0, 8, 0, 8, 8, 0, 16, 16, 2, // ALARM
  0, 8, 0, 8, 8, 0, 16, 16, 0, // COMMAND
  0, 8, 0, 8, 8, 0, 16, 16, 0, // COMMAND_ACK
  0, 24, 0, 24, 8, 0, // SYNC_RESPONSE
  0, 32, 0, // TIME
  0, 16, 2, 16, 16, 3, // MEAS_VOLTAGE_FREQ
  0, 20, 3, 20, 12, SIGNED | 3, // MEAS_CURRENT_PF
  0, 16, 0, 16, 16, 0, // MEAS_POWER
  0, 32, 0, // MEAS_ENERGY_IMPORT
  0, 32, 0, // MEAS_ENERGY_EXPORT
  0, 16, 2, 16, 16, 2, // MEAS_THD
  7, 16, MOTOROLA, 23, 16, MOTOROLA, // MEAS_APPARENT
  0, 8, 0, 8, 24, 0, // COGEN_STATUS
  0, 16, 0, 16, 16, 0, // MEAS_QUALITY
  32, 8, 0, // SecOC_FV
  47, 24, MOTOROLA, // SecOC_MAC
  7, 40, MOTOROLA, // SyncFreshness
]);

/** Rows of the layout signals, after the data signals. */
const FV_ROW = 28;
const MAC_ROW = 29;
const SYNC_FV_ROW = 30;

/** Word `k` (0-based) of a space-separated list. */
function word(list: string, k: number): string {
  let start = 0;
  for (let i = 0; i < k; i++) start = list.indexOf(" ", start) + 1;
  const end = list.indexOf(" ", start);
  return end < 0 ? list.substring(start) : list.substring(start, end);
}

/** The signal in row `row` of SIGNALS, as a new object. */
export function signalAt(row: number): SignalDef {
  const o = row * S_COLS;
  const kind = SIGNALS[o + 2];
  return {
    name: word(SIGNAL_NAMES, row), startBit: SIGNALS[o], length: SIGNALS[o + 1],
    littleEndian: (kind & MOTOROLA) === 0, signed: (kind & SIGNED) !== 0, factor: 1 / Math.pow(10, kind & 3), offset: 0,
  };
}

/**
 * A message of the table: its row and what the row says, as plain fields (made by
 * messageAt, garbage after use). Not a class: on the meter a class with these getters
 * was 56 JsVars held for good (its prototype and 8 getters), the factory is 5.
 */
export interface MessageDef {
  readonly row: number;
  readonly name: string;
  readonly fn: number;
  readonly sender: Sender;
  /** The aggregator polls it with a remote frame (the meter keeps an answer ready). */
  readonly polled: boolean;
  /** Index of the meter's freshness counter for it (-1: not a meter counter). */
  readonly txSlot: number;
  /** Row of its first data signal in SIGNALS. */
  readonly firstSignal: number;
  readonly signalCount: number;
  /** Data signals only (new objects); freshness and MAC signals come from the layout. */
  readonly signals: SignalDef[];
}

/** Its payload layout (a function, not a getter: the meter bundle then leaves it out). */
export function layoutOf(m: MessageDef): Layout {
  const k = M[m.row * M_COLS + 1];
  return (k & SYNC_REQ) !== 0 ? "syncRequest" : (k & SYNC_RESP) !== 0 ? "syncResponse" : "secured";
}

/** Number of messages (rows of M). */
export const MESSAGE_COUNT = M.length / M_COLS;

/**
 * Message `row` as a new object (garbage after use): device code asks for the one it
 * needs instead of holding MESSAGES (the 15 views held for good cost the meter 77
 * JsVars, measured on 2v29). Its signals are a getter: built only when read.
 */
export function messageAt(row: number): MessageDef {
  const o = row * M_COLS;
  let first = 0;
  for (let k = 0; k < row; k++) first += M[k * M_COLS + 3];
  return {
    row: row, name: word(MESSAGE_NAMES, row), fn: M[o], sender: (M[o + 1] & BY_AGG) !== 0 ? "aggregator" : "meter",
    polled: (M[o + 1] & POLLED) !== 0, txSlot: (M[o + 2] << 24) >> 24, firstSignal: first, signalCount: M[o + 3],
    get signals(): SignalDef[] {
      const out: SignalDef[] = [];
      for (let i = 0; i < M[o + 3]; i++) out.push(signalAt(first + i));
      return out;
    },
  };
}

function allMessages(): MessageDef[] {
  const all: MessageDef[] = [];
  for (let k = 0; k < MESSAGE_COUNT; k++) all.push(messageAt(k));
  return all;
}

/** Every message in table order (host code, tests; pure: a bundle that does not use it does not build it). */
export const MESSAGES: MessageDef[] = /*#__PURE__*/ allMessages();

function dataSignalCount(): number {
  let n = 0;
  for (let k = 0; k < MESSAGE_COUNT; k++) n += M[k * M_COLS + 3];
  return n;
}
/** Rows of data signals: every message's, in message order (the layout signals follow). */
export const DATA_SIGNAL_COUNT = dataSignalCount();

// Pure: a bundle that does not use them does not build them.
export const FV_SIGNAL: SignalDef = /*#__PURE__*/ signalAt(FV_ROW);
export const MAC_SIGNAL: SignalDef = /*#__PURE__*/ signalAt(MAC_ROW);
export const SYNC_FV_SIGNAL: SignalDef = /*#__PURE__*/ signalAt(SYNC_FV_ROW);

/** Number of meter transmit counters (one per meter-sent secured message). */
export const METER_TX_SLOTS = 11;

/** The message of a function code, or undefined (an unknown identifier). */
export function messageByFn(fn: number): MessageDef | undefined {
  for (let i = 0; i < MESSAGE_COUNT; i++) if (M[i * M_COLS] === fn) return messageAt(i);
  return undefined;
}

export function messageByName(name: string): MessageDef {
  for (let i = 0; i < MESSAGE_COUNT; i++) if (word(MESSAGE_NAMES, i) === name) return messageAt(i);
  throw new Error("no message named " + name);
}

/** Every signal of the 8-byte payload, data signals first. */
export function payloadSignals(m: MessageDef): SignalDef[] {
  if (layoutOf(m) === "syncRequest") return [signalAt(SYNC_FV_ROW), signalAt(MAC_ROW)];
  return m.signals.concat([signalAt(FV_ROW), signalAt(MAC_ROW)]);
}
