/**
 * The OTA messages of meternet.dbc (issue 18; protocol in boards/STM32F107/ota/README.md),
 * appended by dbcGenerate.ts after the message table's frames. Host-side only.
 *
 * - OTA_REQUEST_Mxx (function 28, 0x700 + address), aggregator -> meter, and
 *   OTA_ANSWER_Mxx (function 29, 0x740 + address), meter -> aggregator: ISO 15765-2
 *   framing (normal addressing, padding 0xCC). The DBC describes the protocol control
 *   information of every frame and, for a single frame, the opcode and its first
 *   argument; longer messages (the 73-byte manifest, status reports with missing runs)
 *   are first + consecutive frames whose content a DBC cannot describe (see README).
 *   An answer's single frame is multiplexed by its opcode: VERDICT's cause, RESULT's
 *   outcome, and STATUS at rest (not receiving: one frame), whose state byte carries the
 *   boot report in its high nibble (OtaBootReport: trial, confirmed, reverted and why,
 *   from the meter's boot record; otaMeterLink.h MN_OTA_BOOT_*), then the last refusal's
 *   cause and the security counter last accepted.
 * - OTA_CHUNK_xx (function 30, 0x780 | index & 0x3F), aggregator -> every meter:
 *   [index >> 6][transfer tag][6 image bytes], one broadcast copy for all meters.
 */
import { canId, METERS_PER_BUS, FN_OTA_REQUEST, FN_OTA_ANSWER, OTA_CHUNK_ID_BASE } from "./idPlan";

/** One OTA signal: Motorola (big-endian) byte order, DBC start bit = its most significant bit. */
export interface OtaSignal {
  name: string;
  /** DBC (Motorola) start bit: the MSB's position, bit 7 of byte 0 is 7. */
  startBit: number;
  length: number;
  comment: string;
  values?: Record<string, string>;
  /** "M": the multiplexor; a number: present when the multiplexor has that value (DBC mNNN). */
  mux?: "M" | number;
}

export interface OtaMessage {
  id: number;
  name: string;
  sender: string;
  receivers: string[];
  comment: string;
  signals: OtaSignal[];
}

const PCI_VALUES = { 0: "SINGLE_FRAME", 1: "FIRST_FRAME", 2: "CONSECUTIVE_FRAME", 3: "FLOW_CONTROL" };
// OTA_REQ_* and OTA_ANS_* of idPlan.ts (otaDbc.test.ts checks the numbers)
const REQUEST_VALUES: Record<string, string> = { 1: "MANIFEST", 2: "STATUS", 3: "COMMIT", 4: "ABORT", 5: "MANIFEST_TAG" };
const ANSWER_VALUES: Record<string, string> = { 129: "VERDICT", 130: "STATUS", 131: "RESULT" };
/** A commit's result (otaMeterLink.h MN_OTA_RES_*). */
const RESULT_VALUES: Record<string, string> = { 0: "SWITCHED", 1: "NOT_VERIFIED", 2: "SWITCH_FAILED", 3: "ABORTED" };
/** The receiver's state (otaReceiver.h). */
const RX_STATE_VALUES: Record<string, string> = { 0: "IDLE", 1: "RECEIVING", 2: "VERIFIED", 3: "FAILED" };
/** The boot report (otaMeterLink.h MN_OTA_BOOT_*: 1 + otaBoot.h MN_REVERT_* when reverted). */
export const OTA_BOOT_REPORT_VALUES: Record<string, string> = {
  0: "CONFIRMED", 1: "TRIAL", 2: "REVERTED_CRASH", 3: "REVERTED_UNCONFIRMED", 4: "REVERTED_DEADLINE", 5: "REVERTED_INVALID", 15: "UNKNOWN",
};
/** Refusal causes (boards/STM32F107/ota/otaManifest.h MN_OTA_R_*). */
export const OTA_CAUSE_VALUES: Record<string, string> = {
  0: "OK", 1: "FORMAT", 2: "MAC", 3: "ADDRESS", 4: "ROLLBACK", 5: "IMAGE", 6: "SIZE", 7: "HASH", 8: "STAGING", 9: "NO_BODY",
};

function meterNode(a: number): string {
  return "METER_" + (a < 10 ? "0" : "") + a;
}

function two(n: number): string {
  return (n < 10 ? "0" : "") + n;
}

function pciSignals(opcodeValues: Record<string, string>, mux?: "M"): OtaSignal[] {
  return [
    { name: "IsoTpPci", startBit: 7, length: 4, comment: "ISO 15765-2 frame type", values: PCI_VALUES },
    { name: "IsoTpSfLength", startBit: 3, length: 4, comment: "single frame: message length (first frame: bits 11..8 of it; consecutive: sequence number; flow control: status)" },
    { name: "OtaOpcode", startBit: 15, length: 8, comment: "single frame: the message's first byte (first frame: length bits 7..0)", values: opcodeValues, mux },
  ];
}

/** An answer's single frame by opcode: VERDICT, RESULT, STATUS at rest. */
function answerSignals(): OtaSignal[] {
  return pciSignals(ANSWER_VALUES, "M").concat([
    { name: "OtaCause", startBit: 23, length: 8, mux: 129, comment: "VERDICT: the manifest's refusal cause (0 accepted)", values: OTA_CAUSE_VALUES },
    { name: "OtaResult", startBit: 23, length: 8, mux: 131, comment: "RESULT: the commit's outcome", values: RESULT_VALUES },
    {
      name: "OtaBootReport", startBit: 23, length: 4, mux: 130, values: OTA_BOOT_REPORT_VALUES,
      comment: "STATUS at rest: the running script per the meter's boot record: CONFIRMED (or never updated), TRIAL (switched, not yet confirmed), REVERTED_* (the trial failed: why), UNKNOWN (no boot record or NOR)",
    },
    { name: "OtaRxState", startBit: 19, length: 4, mux: 130, comment: "STATUS: the receiver's state (RECEIVING: a multi-frame report with the missing runs)", values: RX_STATE_VALUES },
    { name: "OtaLastCause", startBit: 31, length: 8, mux: 130, comment: "STATUS: the last refusal's cause", values: OTA_CAUSE_VALUES },
    { name: "OtaSecurityCounter", startBit: 39, length: 32, mux: 130, comment: "STATUS: the security counter last accepted (the running script's once it is confirmed)" },
  ]);
}

/** Every OTA frame of the bus, in identifier order. */
export function otaMessages(): OtaMessage[] {
  const all: string[] = [];
  for (let a = 0; a < METERS_PER_BUS; a++) all.push(meterNode(a));
  const out: OtaMessage[] = [];
  for (let a = 0; a < METERS_PER_BUS; a++) {
    out.push({
      id: canId(FN_OTA_REQUEST, a), name: "OTA_REQUEST_M" + two(a), sender: "AGGREGATOR", receivers: [meterNode(a)],
      comment: "OTA control request, ISO 15765-2: MANIFEST (72-byte manifest, CMAC under this meter's key), STATUS, COMMIT, ABORT, MANIFEST_TAG (the CMAC alone; the body was broadcast)",
      signals: pciSignals(REQUEST_VALUES).concat([{ name: "OtaRequestArg", startBit: 23, length: 8, comment: "single frame: first argument byte (COMMIT: 0)" }]),
    });
  }
  for (let a = 0; a < METERS_PER_BUS; a++) {
    out.push({
      id: canId(FN_OTA_ANSWER, a), name: "OTA_ANSWER_M" + two(a), sender: meterNode(a), receivers: ["AGGREGATOR"],
      comment: "OTA control answer, ISO 15765-2: VERDICT cause, STATUS report (at rest one frame with the boot report; receiving, the missing runs), RESULT of a commit",
      signals: answerSignals(),
    });
  }
  for (let i = 0; i < 64; i++) {
    out.push({
      id: OTA_CHUNK_ID_BASE | i, name: "OTA_CHUNK_" + two(i), sender: "AGGREGATOR", receivers: all,
      comment: "OTA image chunk, broadcast: chunk index = OtaChunkIndexHigh * 64 + " + i + ", 6 image bytes at index * 6; OtaChunkIndexHigh 255: frame " + i + " of the manifest body (bytes " + i * 6 + "..)",
      signals: [
        { name: "OtaChunkIndexHigh", startBit: 7, length: 8, comment: "chunk index >> 6 (the identifier's low six bits are index & 63)" },
        { name: "OtaTransferTag", startBit: 15, length: 8, comment: "the manifest's transfer tag: a chunk of another transfer is ignored" },
        { name: "OtaChunkData", startBit: 23, length: 48, comment: "6 image bytes, first byte most significant" },
      ],
    });
  }
  return out;
}

/** The DBC text of the OTA frames: BO_/SG_ lines, then comments and value tables (dbcGenerate.ts merges them). */
export function otaDbcParts(): { frames: string[]; comments: string[]; values: string[] } {
  const frames: string[] = [];
  const comments: string[] = [];
  const values: string[] = [];
  for (const m of otaMessages()) {
    frames.push("BO_ " + m.id + " " + m.name + ": 8 " + m.sender);
    for (const s of m.signals) {
      const hi = 2 ** s.length - 1;
      const mux = s.mux === undefined ? "" : s.mux === "M" ? " M" : " m" + s.mux;
      frames.push(" SG_ " + s.name + mux + " : " + s.startBit + "|" + s.length + "@0+ (1,0) [0|" + hi + '] "" ' + m.receivers.join(","));
      comments.push("CM_ SG_ " + m.id + " " + s.name + ' "' + s.comment + '";');
      if (s.values) {
        let v = "VAL_ " + m.id + " " + s.name;
        for (const k of Object.keys(s.values)) v += " " + k + ' "' + s.values[k] + '"';
        values.push(v + " ;");
      }
    }
    frames.push("");
    comments.push("CM_ BO_ " + m.id + ' "' + m.comment + '";');
  }
  return { frames, comments, values };
}
