/**
 * Freshness values (FV) on the SecOC profile 1 pattern, with persisted epochs.
 *
 * A sender keeps one counter per message it secures, a 40-bit FV (epoch 24 bits,
 * sequence 16 bits: FV = epoch * 65536 + sequence). Only FV mod 256 travels in the
 * frame. The epoch is the reserved block: it is written to the KvStore BEFORE any value
 * of it is used. A boot or a resynchronisation restarts every counter at the next epoch
 * (the receiver is told it: a sync). When a counter reaches the end of the persisted
 * epoch, the next epoch is persisted and that counter carries into it (+1, as from
 * 0x..FF to 0x..00); every other counter runs on where it was. An epoch change
 * therefore never makes a counter jump, and the receiver of a rarely used counter
 * still rebuilds it from 8 bits (a simulated day failed after 18.2 h when the change
 * moved every counter: the ack counter jumped by ~65536). A reboot skips at most the
 * unused rest of a block and never reuses a value, at the price of one flash write per
 * boot, resync or 65536 frames of the busiest counter instead of one per frame.
 */
import { KvStore } from "../ports/kvStore";

// FV = epoch * SEQ_SPAN + sequence; the largest epoch (24 bits): secocNode.h's, generated (npm run gen).
import { SECOC_SEQ_SPAN as SEQ_SPAN, SECOC_EPOCH_MAX as EPOCH_MAX } from "./secocConstants.generated";
export { SEQ_SPAN, EPOCH_MAX };

/**
 * SecOC profile 1 reconstruction: the full FV from the last accepted one and the
 * received low 8 bits. If the received low bits are greater than the last accepted low
 * bits the high part is the same, else it is one more. The result is always greater
 * than `last`; whether it is right is decided by the MAC.
 */
export function reconstructFreshness(last: number, low8: number): number {
  const lastLow = last % 256;
  const high = (last - lastLow) / 256;
  return (low8 > lastLow ? high : high + 1) * 256 + low8;
}

/** The transmit counters of one sender, `slots` of them, under one persisted epoch. */
export class TxFreshness {
  private readonly store: KvStore;
  private readonly key: string;
  /** Per slot: its next FV. */
  private readonly nextFv: Float64Array;
  /** The persisted epoch: every counter may run up to its end. */
  private epochValue = -1;

  constructor(store: KvStore, key: string, slots: number) {
    this.store = store;
    this.key = key;
    this.nextFv = new Float64Array(slots);
  }

  /** Starts the epoch after the stored one. False (and no values) when it cannot be persisted. */
  boot(): boolean {
    const stored = this.store.get(this.key);
    const last = stored === undefined ? 0 : parseInt(stored, 10);
    this.epochValue = -1;
    return this.restart(last === last && last >= 0 ? last + 1 : 1);
  }

  /** Restarts every slot at a fresh epoch (after a resynchronisation). */
  newEpoch(): boolean {
    if (this.epochValue < 0) return false;
    return this.restart(this.epochValue + 1);
  }

  private persist(e: number): boolean {
    if (e > EPOCH_MAX || !this.store.set(this.key, String(e))) {
      this.epochValue = -1; // never send with an unpersisted epoch
      return false;
    }
    this.epochValue = e;
    return true;
  }

  private restart(e: number): boolean {
    if (!this.persist(e)) return false;
    this.nextFv.fill(e * SEQ_SPAN);
    return true;
  }

  /** The persisted epoch, or -1 while sending is impossible. */
  epoch(): number {
    return this.epochValue;
  }

  /** The next FV for `slot`, or -1 when no persisted epoch is available. */
  next(slot: number): number {
    if (this.epochValue < 0) return -1;
    const fv = this.nextFv[slot];
    // The end of the epoch: persist the next one first; only this counter carries into it.
    if (fv >= (this.epochValue + 1) * SEQ_SPAN && !this.persist(this.epochValue + 1)) return -1;
    this.nextFv[slot] = fv + 1;
    return fv;
  }
}

/**
 * The persisted transmit epoch of a node whose counters run in the controller
 * (secured.ts): each epoch is written to the KvStore before the controller is told
 * it (`apply`), so a reboot never reuses a freshness value. The controller's rule
 * (boards/STM32F107/secoc/secocNode.h): an epoch above the valid one is a renewal
 * (every counter runs on), anything else restarts every counter at it; -1 stops
 * signing. TxFreshness above is the same rule with the counters in JavaScript (the
 * reference the C is tested against).
 */
export class PersistedEpoch {
  private readonly store: KvStore;
  private readonly key: string;
  private readonly apply: (epoch: number) => void;
  private epochValue = -1;

  constructor(store: KvStore, key: string, apply: (epoch: number) => void) {
    this.store = store;
    this.key = key;
    this.apply = apply;
  }

  /** Starts the epoch after the stored one (every counter at it). False (and no epoch) when it cannot be persisted. */
  boot(): boolean {
    const stored = this.store.get(this.key);
    const last = stored === undefined ? 0 : parseInt(stored, 10);
    this.epochValue = -1;
    this.apply(-1);
    return this.start(last === last && last >= 0 ? last + 1 : 1);
  }

  /** The controller used up a counter (SECOC_ENOFV): the next epoch; every counter runs on. */
  renew(): boolean {
    return this.epochValue >= 0 && this.start(this.epochValue + 1);
  }

  /** A resynchronisation: every counter restarts at the next epoch (the peer is told it). */
  restart(): boolean {
    if (this.epochValue < 0) return false;
    const e = this.epochValue + 1;
    this.apply(-1);
    return this.start(e);
  }

  private start(e: number): boolean {
    if (e > EPOCH_MAX || !this.store.set(this.key, String(e))) e = -1; // never send with an unpersisted epoch
    this.epochValue = e;
    this.apply(e);
    return e >= 0;
  }

  /** The current epoch, or -1 while sending is impossible. */
  epoch(): number {
    return this.epochValue;
  }
}
