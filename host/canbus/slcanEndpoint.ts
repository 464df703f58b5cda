/**
 * The adapter side of SLCAN for the virtual bus: one endpoint behaves like a CANable
 * plugged into the bus. It owns a bxCAN model node (as a real adapter owns its own
 * controller), accepts every frame, and speaks Lawicel ASCII to whatever host tool
 * is on the other end of the byte stream (TCP in slcanTcpServer.ts).
 *
 * Frames the host sends while all three mailboxes are busy wait in a software queue
 * (like the adapter firmware's); beyond TX_QUEUE_MAX the command is answered with BEL.
 */
import { CAN_EBUSY, CAN_OK, type CanState } from "../../modules/can/controller.ts";
import type { CanFrame } from "../../modules/can/frame.ts";
import type { VirtualCanBus } from "./bus.ts";
import { BxcanModel } from "./bxcanModel.ts";
import { formatFrame, parseCommand, SLCAN_ERROR, SLCAN_OK, SlcanLineSplitter } from "./slcanCodec.ts";

export const TX_QUEUE_MAX = 32;

export interface SlcanEndpointStats {
  commands: number;
  errors: number;
  /** Lines longer than SlcanLineSplitter.MAX_LINE, discarded whole (each also counts in errors). */
  overlongLines: number;
  framesFromHost: number;
  framesToHost: number;
  lastError: string;
}

export class SlcanEndpoint {
  readonly node: BxcanModel;
  private open = false;
  private bitrate: number;
  private listenOnly = false;
  private readonly txQueue: CanFrame[] = [];
  private retryArmed = false;
  private readonly splitter = new SlcanLineSplitter();
  private readonly st: SlcanEndpointStats = { commands: 0, errors: 0, overlongLines: 0, framesFromHost: 0, framesToHost: 0, lastError: "" };
  private disposed = false;

  constructor(
    private readonly bus: VirtualCanBus,
    name: string,
    private readonly write: (s: string) => void,
  ) {
    this.bitrate = bus.bitrate;
    this.node = new BxcanModel(bus, name);
    this.node.onFrame((f) => {
      if (!this.open) return;
      this.st.framesToHost++;
      this.write(formatFrame(f));
    });
  }

  /** Feeds bytes from the host. */
  receive(chunk: string): void {
    this.splitter.push(
      chunk,
      (line, term) => {
        if (term === "\x07") return; // a host never sends BEL; ignore
        this.command(line);
      },
      (length) => {
        this.st.overlongLines++;
        this.fail("line of " + length + " characters discarded (longer than " + SlcanLineSplitter.MAX_LINE + " characters)");
      },
    );
  }

  stats(): SlcanEndpointStats {
    return Object.assign({}, this.st);
  }

  /** The host went away: leave the bus. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.node.stop();
    this.bus.detach(this.node);
  }

  private fail(why: string): void {
    this.st.errors++;
    this.st.lastError = why;
    this.write(SLCAN_ERROR);
  }

  private command(line: string): void {
    this.st.commands++;
    const p = parseCommand(line);
    if (!p.ok) return this.fail(p.error);
    const c = p.cmd;
    switch (c.kind) {
      case "empty":
        return this.write(SLCAN_OK);
      case "bitrate":
        if (this.open) return this.fail("close the channel before changing the bit rate");
        this.bitrate = c.bitrate;
        return this.write(SLCAN_OK);
      case "btr":
        // Raw SJA1000 BTR values cannot be mapped to the virtual bus rate: refuse clearly.
        return this.fail("sxxyy (BTR registers) not supported; use S0..S8");
      case "open":
        if (this.open) return this.fail("channel already open");
        if (this.bitrate !== this.bus.bitrate) return this.fail("bit rate " + this.bitrate + " differs from the virtual bus (" + this.bus.bitrate + ")");
        if (this.node.start(this.bitrate) !== CAN_OK) return this.fail("controller refused bit rate " + this.bitrate);
        this.node.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 });
        this.node.addFilter({ mode: "mask", extended: true, id: 0, mask: 0, fifo: 1 });
        this.listenOnly = c.listenOnly;
        this.open = true;
        return this.write(SLCAN_OK);
      case "close":
        // Lenient like the CANable firmware: closing a closed channel is fine.
        if (this.open) {
          this.open = false;
          this.txQueue.length = 0;
          this.node.stop();
        }
        return this.write(SLCAN_OK);
      case "version":
        return this.write("V1013\r");
      case "serial":
        return this.write("NVBUS\r");
      case "status":
        return this.write("F" + this.statusFlags() + "\r");
      case "timestamps":
      case "acceptance":
        // Accepted and ignored: the endpoint sends no timestamps and accepts every frame.
        return this.write(SLCAN_OK);
      case "frame":
        if (!this.open) return this.fail("channel closed: send O first");
        if (this.listenOnly) return this.fail("channel opened listen-only (L)");
        if (this.txQueue.length >= TX_QUEUE_MAX) return this.fail("transmit queue full");
        this.st.framesFromHost++;
        this.txQueue.push(c.frame);
        this.pump();
        return this.write(c.frame.extended ? "Z\r" : "z\r");
    }
  }

  private pump(): void {
    while (this.txQueue.length > 0) {
      const r = this.node.send(this.txQueue[0]);
      if (r === CAN_EBUSY) break;
      // Anything but EBUSY (sent, or refused because bus-off) leaves the queue.
      this.txQueue.shift();
    }
    if (this.txQueue.length > 0 && !this.retryArmed) {
      this.retryArmed = true;
      // Retry after about one short frame; a mailbox frees at the end of each of ours.
      this.bus.scheduler.after(50 * this.bus.bitUs, () => {
        this.retryArmed = false;
        if (this.open) this.pump();
      });
    }
  }

  /** Lawicel F flags: bit1 TX queue full, bit2 error warning, bit3 data overrun, bit5 error passive, bit7 bus error. */
  private statusFlags(): string {
    const s: CanState = this.node.state();
    const c = this.node.counters();
    let f = 0;
    if (this.txQueue.length >= TX_QUEUE_MAX) f |= 0x02;
    if (s === "error-warning") f |= 0x04;
    if (c.rxOverruns > 0) f |= 0x08;
    if (s === "error-passive") f |= 0x20;
    if (s === "bus-off") f |= 0x80;
    return (f < 16 ? "0" : "") + f.toString(16).toUpperCase();
  }
}
