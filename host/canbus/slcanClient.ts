/**
 * The host side of SLCAN: a CanController whose controller is a USB-CAN adapter that
 * speaks Lawicel ASCII (CANable, USBtin, ...) or any SLCAN endpoint, e.g. the virtual
 * bus's TCP endpoint. This is what lets the aggregator run on a Linux gateway with a
 * real adapter: it gets the same port as on the device.
 *
 * How the port maps onto SLCAN, and the limits that follow:
 * - Mailboxes: at most TX_WINDOW frames may wait for the adapter's acknowledgement
 *   ("z\r"/"Z\r" or "\r"); a fourth send() gets CAN_EBUSY, as with bxCAN. Which of
 *   them goes first on the wire is the adapter firmware's choice (CANable: in order).
 * - Filters and auto-reply slots run here, in software (the adapter receives all
 *   frames): an auto-reply leaves after the USB round trip (about 1 ms), not from an
 *   interrupt.
 * - SLCAN reports no TEC/REC: counters().tec/rec stay 0; pollStatus() asks for the
 *   F flags and maps error-warning / error-passive; bus-off is not reported by SLCAN.
 * - start() sends C, S<n>, O; the state is error-active at once and falls back to
 *   stopped if the adapter answers O with BEL.
 */
import { CAN_EBUSY, CAN_EINVAL, CAN_ENETDOWN, CAN_OK } from "../../modules/can/controller.ts";
import type { CanFrame } from "../../modules/can/frame.ts";
import { ControllerBase, sendable } from "../../modules/can/controllerBase.ts";
import type { AutoReplySlot } from "../../modules/can/autoReplySlots.ts";
import { formatFrame, parseFrameLine, SLCAN_BITRATES, SlcanLineSplitter } from "./slcanCodec.ts";

export const TX_WINDOW = 3;
const SLOTS = 16;

/** A byte stream to the adapter: serial port or TCP socket (slcanLinks.ts). */
export interface ByteLink {
  write(s: string): void;
  onData(cb: (s: string) => void): void;
  close(): void;
}

type Pending = "frame" | "cmd" | "open" | "status";

export class SlcanClientController extends ControllerBase {
  private readonly pending: Pending[] = [];
  private inFlight = 0;
  private readonly splitter = new SlcanLineSplitter();
  /** Lines from the adapter that were neither a frame nor an expected answer. */
  unexpected = 0;
  txRefused = 0;
  lastStatusFlags = 0;

  constructor(private readonly link: ByteLink) {
    super(SLOTS);
    link.onData((s) => this.splitter.push(s, (line, term) => this.line(line, term)));
  }

  start(bitrate: number): number {
    const code = SLCAN_BITRATES.indexOf(bitrate);
    if (code < 0) return CAN_EINVAL;
    this.command("C\r", "cmd");
    this.command("S" + code + "\r", "cmd");
    this.command("O\r", "open");
    this.setState("error-active");
    return CAN_OK;
  }

  stop(): void {
    if (this.st === "stopped") return;
    this.command("C\r", "cmd");
    this.setState("stopped");
  }

  send(frame: CanFrame): number {
    if (!sendable(frame)) return CAN_EINVAL;
    if (this.st === "stopped" || this.st === "bus-off") return CAN_ENETDOWN;
    if (this.inFlight >= TX_WINDOW) return CAN_EBUSY;
    this.inFlight++;
    this.command(formatFrame(frame), "frame");
    return CAN_OK;
  }

  // addFilter, removeFilter, setAutoReply, clearAutoReply, onFrame, onState, state,
  // counters: ControllerBase (filters and auto-reply slots run here, in software)

  /** Asks the adapter for its status flags (F); the answer updates state(). */
  pollStatus(): void {
    this.command("F\r", "status");
  }

  close(): void {
    this.stop();
    this.link.close();
  }

  private command(s: string, kind: Pending): void {
    this.pending.push(kind);
    this.link.write(s);
  }

  private line(line: string, term: "\r" | "\x07"): void {
    const k = line.charAt(0);
    if (term === "\r" && (k === "t" || k === "T" || k === "r" || k === "R") && line.length >= 5) {
      const p = parseFrameLine(line);
      if ("frame" in p) this.received(p.frame);
      else this.unexpected++;
      return;
    }
    const kind = this.pending.shift();
    if (kind === undefined) {
      this.unexpected++;
      return;
    }
    const ok = term === "\r";
    if (kind === "frame") {
      this.inFlight = Math.max(0, this.inFlight - 1);
      if (ok) this.c.txFrames++;
      else this.txRefused++;
    } else if (kind === "open" && !ok) {
      this.setState("stopped");
    } else if (kind === "status" && ok && k === "F") {
      const flags = parseInt(line.substring(1), 16);
      this.lastStatusFlags = flags;
      if (this.st !== "stopped") this.setState(flags & 0x20 ? "error-passive" : flags & 0x04 ? "error-warning" : "error-active");
      if (flags & 0x08) this.c.rxOverruns++;
    }
  }

  private received(f: CanFrame): void {
    if (this.st === "stopped") return;
    const fifo = this.accept(f);
    if (fifo < 0) return;
    const i = this.autoReplyFor(f);
    if (i >= 0) {
      const s = this.slots[i] as AutoReplySlot;
      if (this.send(s.frame) === CAN_OK) {
        this.c.autoReplies++;
        if (s.once) this.slots[i] = null;
        return;
      }
      // No window left: the application gets the remote frame.
    }
    if (this.frameCb) {
      try {
        this.frameCb(f, fifo);
      } catch (e) {
        console.error("CanController onFrame handler threw:", e);
      }
    }
  }
}
