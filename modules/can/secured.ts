/**
 * SecOC framing behind the CAN controller: the controller itself (native C on the
 * boards, boards/STM32F107/secoc through CAN1; the same C through the Node addon on
 * the host, host/canbus/secocLayer.ts) signs the 8-byte payloads under its own
 * freshness counters and verifies received ones before JavaScript sees them.
 * JavaScript hands over 4 data bytes and receives the identifier, the accepted
 * freshness value, the data bytes and a verdict; it never checks a MAC itself.
 *
 * What stays in JavaScript: the persistence of transmit epochs (the controller is
 * told each epoch after it was written, freshness.ts PersistedEpoch), the protocol's
 * decisions (meterNode.ts, aggregatorNode.ts) and the counting of rejections.
 * cmac.ts, secoc.ts and kdf.ts remain as the reference the C is tested against
 * (secoc.test.ts, attacker.ts builds forged frames with them).
 */
import { CanController } from "./controller";
import { MESSAGE_COUNT, DATA_SIGNAL_COUNT, messageAt, layoutOf, signalAt, METER_TX_SLOTS } from "./messages";

// Verdicts (secocFrame.h mn_secoc_verdict_t) and SECOC_ENOFV (no freshness value: no
// epoch set, or the epoch is used up: persist and set the next one), generated from
// the C (npm run gen).
export { SECOC_OK, SECOC_BAD_MAC, SECOC_STALE, SECOC_UNSYNCED, SECOC_INTERNAL, SECOC_ENOFV } from "./secocConstants.generated";

// Plan kinds, per function code: how a frame of it is checked (receive) or built (send).
import {
  SECOC_KIND_SECURED as KIND_SECURED, SECOC_KIND_SYNC_REQUEST as KIND_SYNC_REQUEST, SECOC_KIND_SYNC_RESPONSE as KIND_SYNC_RESPONSE,
} from "./secocConstants.generated";

/**
 * A CanController that also signs and verifies (types/canController.d.ts: CAN1).
 * Every method reports failure by return value, never by throwing.
 */
export interface SecuredCanController extends CanController {
  /**
   * (Re)initialises the SecOC state: `slots` keys (1 on a meter, one per meter on the
   * aggregator), receive and transmit counters per slot, and the 64-byte plan
   * (securePlan). No keys, no epoch, every receiver unsynchronised.
   * Returns 0, -22 (bad dimensions or plan) or -28 (no memory for the state).
   */
  secocInit(slots: number, rxPerSlot: number, txPerSlot: number, plan: Uint8Array): number;
  /** Key of `slot` for meter `address`: `key16`, or with `derive` the meter key derived from `key16` as master key (SP 800-108, kdf.ts). 0 or negative. */
  secocKey(slot: number, address: number, key16: Uint8Array, derive: boolean): number;
  /** The transmit epoch, already persisted; every transmit counter restarts at 0. -1: none. */
  secocEpoch(epoch: number): void;
  /** Every receive counter of `slot` to `fv` (-1: unsynchronised); drops the outstanding challenge. */
  secocRx(slot: number, fv: number): void;
  /** The last accepted sync request's FV of `slot` (persisted by the meter), -1: none. */
  secocSyncLast(slot: number, fv: number): void;
  /**
   * Signs and sends a standard data frame `id`: 4 data bytes under the next FV of its
   * counter (a sync request: the next FV, which becomes the challenge), or bound to
   * `fv` (sync response). Returns the FV used (>= 0), SECOC_ENOFV, or a negative CAN code.
   */
  secocSend(id: number, data4: Uint8Array, fv: number): number;
  /** Signs under the next FV and stores the frame in the auto-reply slot of `id` (answered once). FV or negative. */
  secocAutoReply(id: number, data4: Uint8Array): number;
  /** The signal layout (securedCodec) publish() encodes with. 0 or -22. */
  secocCodec(table: Uint8Array): number;
  /**
   * A meter's answers after a window, in one call: every published message whose first
   * signal has a value (`values` by signal row, NaN: absent) is encoded, signed under its
   * next FV and stored in its auto-reply slot (answered once); `latest` (128 bytes) gets
   * each message's 4 data bytes at function * 4. Returns the number armed, SECOC_ENOFV
   * (persist and set the next epoch, call again) or -22.
   */
  secocPublish(values: Float64Array, latest: Uint8Array): number;
  /**
   * Every received secured frame for this node, verified: `data32` holds bytes 0..3
   * (byte 0 in bits 0..7), `fv` the accepted FV (-1 unless SECOC_OK), v0..v2 the
   * message's data signals decoded with the secocCodec table (physical; 0 unless
   * SECOC_OK). Frames that are not secured ones for this node (remote, wrong length,
   * unknown function or meter) still go to onFrame.
   */
  onSecured(cb: (id: number, verdict: number, fv: number, data32: number, v0: number, v1: number, v2: number) => void): void;
}

/**
 * The plan for `role`: byte fn (receive) and 32 + fn (send) = kind << 4 | counter,
 * from the message table. A meter receives the aggregator's secured messages on
 * counters 0, 1, ... in table order and sends each of its messages on its txSlot; the
 * aggregator receives meter messages on their txSlot and sends everything on counter 0
 * of the meter's slot.
 */
export function securePlan(role: "meter" | "aggregator"): Uint8Array {
  const plan = new Uint8Array(64);
  let rxCounter = 0;
  for (let k = 0; k < MESSAGE_COUNT; k++) {
    const m = messageAt(k);
    // built into this loop (a function expression per message, at boot only): called from
    // here alone, layoutOf would otherwise stay a function the meter holds for good
    const layout = /*@__INLINE__*/ layoutOf(m);
    const kind = layout === "secured" ? KIND_SECURED : layout === "syncRequest" ? KIND_SYNC_REQUEST : KIND_SYNC_RESPONSE;
    const mine = (m.sender === "meter") === (role === "meter");
    let counter = 0;
    if (role === "meter" && mine) counter = kind === KIND_SECURED ? m.txSlot : 0;
    else if (role === "meter" && kind === KIND_SECURED) counter = rxCounter++;
    else if (role === "aggregator" && !mine && kind === KIND_SECURED) counter = m.txSlot;
    plan[(mine ? 32 : 0) + m.fn] = kind * 16 + counter;
  }
  return plan;
}

/**
 * Data signal rows: every message's signals are rows below this (messages.ts puts the
 * layout signals after them). Derived from the message table, so a new message (the
 * co-generator's COGEN_STATUS) widens the codec table without a second edit here.
 */
export const DATA_SIGNAL_ROWS = DATA_SIGNAL_COUNT;
const PUBLISH = 0x80;

/**
 * The codec table for secocCodec: per function code its first signal row and count (with
 * PUBLISH for the meter's polled measurements, which secocPublish arms; the alarm is
 * armed on its own), then start bit, length and kind of each data signal row.
 */
export function securedCodec(): Uint8Array {
  const t = new Uint8Array(64 + 3 * DATA_SIGNAL_ROWS);
  for (let k = 0; k < MESSAGE_COUNT; k++) {
    const m = messageAt(k);
    t[m.fn] = m.firstSignal;
    t[32 + m.fn] = m.signalCount | (m.polled && m.sender === "meter" && m.fn !== 0 ? PUBLISH : 0);
  }
  for (let r = 0; r < DATA_SIGNAL_ROWS; r++) {
    const s = signalAt(r);
    t[64 + 3 * r] = s.startBit;
    t[65 + 3 * r] = s.length;
    t[66 + 3 * r] = Math.round(Math.log(1 / s.factor) / Math.LN10) | (s.signed ? 4 : 0) | (s.littleEndian ? 0 : 8);
  }
  return t;
}

/** Row of the data signal `name` (setup only: it scans the table), or -1. */
export function signalRow(name: string): number {
  for (let r = 0; r < DATA_SIGNAL_ROWS; r++) if (signalAt(r).name === name) return r;
  return -1;
}

/** Receive and transmit counters per slot for `role` (secocInit's dimensions). */
export function planCounters(role: "meter" | "aggregator"): { rx: number; tx: number } {
  return role === "meter" ? { rx: 2, tx: METER_TX_SLOTS } : { rx: METER_TX_SLOTS, tx: 1 };
}

/**
 * Signal names per function code, each list built at the first frame of that message
 * (setup cost once; the table scan of signalAt is too slow per frame on Espruino).
 * The method is not called `of`: Espruino 2v29 rejects a class method of that name
 * ("Got of expected '}'", measured).
 */
export class SignalNames {
  private readonly lists: string[][] = [];
  list(fn: number): string[] {
    let l = this.lists[fn];
    if (l === undefined) {
      l = [];
      for (let k = 0; k < MESSAGE_COUNT; k++) {
        const m = messageAt(k);
        if (m.fn === fn) for (let i = 0; i < m.signalCount; i++) l.push(signalAt(m.firstSignal + i).name);
      }
      this.lists[fn] = l;
    }
    return l;
  }
}

/** Bytes 0..3 of `data32` into out[0..3] (no allocation). */
export function unpackData32(data32: number, out: Uint8Array): Uint8Array {
  out[0] = data32 & 0xff;
  out[1] = (data32 >>> 8) & 0xff;
  out[2] = (data32 >>> 16) & 0xff;
  out[3] = (data32 >>> 24) & 0xff;
  return out;
}
