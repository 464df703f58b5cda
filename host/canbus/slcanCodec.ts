/**
 * Lawicel SLCAN (CAN232/CANUSB ASCII protocol), the one codec for both sides:
 * the adapter side (slcanEndpoint.ts, what python-can talks to) and the host side
 * (slcanClient.ts, what talks to a CANable or USBtin).
 *
 * Lines end in \r. The adapter answers a command with \r (ok) or \a (BEL, error);
 * after t/T/r/R it answers "z\r" / "Z\r" (Lawicel's transmit acknowledgement, which
 * python-can ignores). Received frames are sent as t/T/r/R lines without timestamp.
 */
import { CAN_EXT_ID_MAX, CAN_STD_ID_MAX, frameError, type CanFrame } from "../../modules/can/frame.ts";

export const SLCAN_OK = "\r";
export const SLCAN_ERROR = "\x07";

/** S0..S8 as CAN232 defines them. */
export const SLCAN_BITRATES = [10000, 20000, 50000, 100000, 125000, 250000, 500000, 800000, 1000000];

export type SlcanCommand =
  | { kind: "frame"; frame: CanFrame }
  | { kind: "open"; listenOnly: boolean }
  | { kind: "close" }
  | { kind: "bitrate"; bitrate: number }
  | { kind: "btr"; value: string }
  | { kind: "version" }
  | { kind: "serial" }
  | { kind: "status" }
  | { kind: "timestamps"; on: boolean }
  | { kind: "acceptance"; value: string }
  | { kind: "empty" };

export type SlcanParse = { ok: true; cmd: SlcanCommand } | { ok: false; error: string };

const HEX = /^[0-9A-Fa-f]+$/;

function hexByte(s: string, at: number): number {
  return parseInt(s.substring(at, at + 2), 16);
}

/** Parses one t/T/r/R line (without \r) into a frame. */
export function parseFrameLine(line: string): { frame: CanFrame } | { error: string } {
  const k = line.charAt(0);
  const extended = k === "T" || k === "R";
  const rtr = k === "r" || k === "R";
  if (k !== "t" && k !== "T" && k !== "r" && k !== "R") return { error: "not a frame line" };
  const idLen = extended ? 8 : 3;
  if (line.length < 1 + idLen + 1) return { error: "frame line too short: '" + line + "'" };
  const idStr = line.substring(1, 1 + idLen);
  if (!HEX.test(idStr)) return { error: "identifier '" + idStr + "' is not hex" };
  const id = parseInt(idStr, 16);
  if (id > (extended ? CAN_EXT_ID_MAX : CAN_STD_ID_MAX)) return { error: "identifier 0x" + idStr + " out of range" };
  const dlcCh = line.charAt(1 + idLen);
  if (!/^[0-8]$/.test(dlcCh)) return { error: "DLC '" + dlcCh + "' not in 0..8" };
  const dlc = parseInt(dlcCh, 10);
  const rest = line.substring(2 + idLen);
  let data = new Uint8Array(0);
  if (rtr) {
    // Some tools append a timestamp; a remote frame carries no data bytes.
    if (rest.length !== 0 && rest.length !== 4) return { error: "remote frame line has trailing characters" };
  } else {
    if (rest.length !== dlc * 2 && rest.length !== dlc * 2 + 4) return { error: "expected " + dlc + " data bytes" };
    if (rest.length > 0 && !HEX.test(rest)) return { error: "data is not hex" };
    data = new Uint8Array(dlc);
    for (let i = 0; i < dlc; i++) data[i] = hexByte(rest, i * 2);
  }
  const frame: CanFrame = { id: id, extended: extended, rtr: rtr, dlc: dlc, data: data };
  const err = frameError(frame);
  return err ? { error: err } : { frame: frame };
}

/** Parses one command line as sent by a host to an adapter (without the trailing \r). */
export function parseCommand(line: string): SlcanParse {
  if (line.length === 0) return { ok: true, cmd: { kind: "empty" } };
  const k = line.charAt(0);
  switch (k) {
    case "t":
    case "T":
    case "r":
    case "R": {
      const p = parseFrameLine(line);
      return "frame" in p ? { ok: true, cmd: { kind: "frame", frame: p.frame } } : { ok: false, error: p.error };
    }
    case "O":
    case "L":
      return line.length === 1 ? { ok: true, cmd: { kind: "open", listenOnly: k === "L" } } : { ok: false, error: "'" + k + "' takes no argument" };
    case "C":
      return line.length === 1 ? { ok: true, cmd: { kind: "close" } } : { ok: false, error: "'C' takes no argument" };
    case "S": {
      const n = line.length === 2 ? parseInt(line.charAt(1), 10) : NaN;
      if (!(n >= 0 && n < SLCAN_BITRATES.length)) return { ok: false, error: "bit rate code '" + line.substring(1) + "' not in S0..S8" };
      return { ok: true, cmd: { kind: "bitrate", bitrate: SLCAN_BITRATES[n] } };
    }
    case "s":
      return line.length === 5 && HEX.test(line.substring(1)) ? { ok: true, cmd: { kind: "btr", value: line.substring(1) } } : { ok: false, error: "sxxyy needs 4 hex digits" };
    case "V":
      return line.length === 1 ? { ok: true, cmd: { kind: "version" } } : { ok: false, error: "'V' takes no argument" };
    case "N":
      return line.length === 1 ? { ok: true, cmd: { kind: "serial" } } : { ok: false, error: "'N' takes no argument" };
    case "F":
      return line.length === 1 ? { ok: true, cmd: { kind: "status" } } : { ok: false, error: "'F' takes no argument" };
    case "Z":
      return line === "Z0" || line === "Z1" ? { ok: true, cmd: { kind: "timestamps", on: line === "Z1" } } : { ok: false, error: "Z0 or Z1" };
    case "M":
    case "m":
      return line.length === 9 && HEX.test(line.substring(1)) ? { ok: true, cmd: { kind: "acceptance", value: line } } : { ok: false, error: "M/m need 8 hex digits" };
    default:
      return { ok: false, error: "unknown command '" + k + "'" };
  }
}

function hex(n: number, width: number): string {
  let s = n.toString(16).toUpperCase();
  while (s.length < width) s = "0" + s;
  return s;
}

/** Formats a frame as a t/T/r/R line including the trailing \r. */
export function formatFrame(f: CanFrame): string {
  let s = (f.rtr ? (f.extended ? "R" : "r") : f.extended ? "T" : "t") + hex(f.id, f.extended ? 8 : 3) + String(f.dlc);
  if (!f.rtr) for (let i = 0; i < f.data.length; i++) s += hex(f.data[i], 2);
  return s + "\r";
}

/** Splits a byte stream into \r-terminated lines; \n is ignored, \a answers are reported as lines of their own. */
export class SlcanLineSplitter {
  private buf = "";
  /** Characters of the current line beyond MAX_LINE: it is being discarded. */
  private overlong = 0;
  /** Lines discarded whole because they were longer than MAX_LINE. */
  discardedLines = 0;
  /** The longest line kept (the longest Lawicel command, T with 8 data bytes, is 26). */
  static readonly MAX_LINE = 64;

  /**
   * Calls onLine for each terminated line. A line longer than MAX_LINE is dropped
   * whole, up to its terminator, and reported to onDiscard with its length: cutting
   * it and running the rest would let junk followed by a command inject that command.
   */
  push(chunk: string, onLine: (line: string, terminator: "\r" | "\x07") => void, onDiscard?: (length: number) => void): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charAt(i);
      if (c === "\r" || c === "\x07") {
        const line = this.buf;
        const dropped = this.overlong;
        this.buf = "";
        this.overlong = 0;
        if (dropped > 0) {
          this.discardedLines++;
          if (onDiscard) onDiscard(dropped);
        } else onLine(line, c);
      } else if (c === "\n") {
        continue;
      } else if (this.overlong > 0) {
        this.overlong++;
      } else {
        this.buf += c;
        if (this.buf.length > SlcanLineSplitter.MAX_LINE) {
          this.overlong = this.buf.length;
          this.buf = "";
        }
      }
    }
  }
}
