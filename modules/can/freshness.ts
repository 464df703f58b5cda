/**
 * Freshness values (FV) on the SecOC profile 1 pattern, with persisted epochs.
 *
 * A sender keeps one counter per message it secures: FV = epoch * 65536 + sequence,
 * 40 bits (epoch 24, sequence 16). Only FV mod 256 travels in the frame. The epoch is
 * the reserved block: it is written to the KvStore BEFORE any value of it is used, and
 * a boot, a resynchronisation or a sequence reaching 65536 starts the next epoch. So a
 * reboot skips at most the unused rest of a block and never reuses a value, at the
 * price of one flash write per boot/resync/65536 frames instead of one per frame.
 */
import { KvStore } from "../ports/kvStore";

export const SEQ_SPAN = 65536;
export const EPOCH_MAX = 16777215;

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

/** The transmit counters of one sender, `slots` of them, sharing one persisted epoch. */
export class TxFreshness {
  private readonly store: KvStore;
  private readonly key: string;
  private readonly seq: Uint32Array;
  private epochValue = -1;

  constructor(store: KvStore, key: string, slots: number) {
    this.store = store;
    this.key = key;
    this.seq = new Uint32Array(slots);
  }

  /** Starts the epoch after the stored one. False (and no values) when it cannot be persisted. */
  boot(): boolean {
    const stored = this.store.get(this.key);
    const last = stored === undefined ? 0 : parseInt(stored, 10);
    this.epochValue = -1;
    return this.startEpoch(last === last && last >= 0 ? last + 1 : 1);
  }

  /** Moves every slot to a fresh epoch (after a resynchronisation). */
  newEpoch(): boolean {
    if (this.epochValue < 0) return false;
    return this.startEpoch(this.epochValue + 1);
  }

  private startEpoch(e: number): boolean {
    if (e > EPOCH_MAX || !this.store.set(this.key, String(e))) {
      this.epochValue = -1; // never send with an unpersisted epoch
      return false;
    }
    this.epochValue = e;
    this.seq.fill(0);
    return true;
  }

  /** The current epoch, or -1 while sending is impossible. */
  epoch(): number {
    return this.epochValue;
  }

  /** The next FV for `slot`, or -1 when no persisted epoch is available. */
  next(slot: number): number {
    if (this.epochValue < 0) return -1;
    if (this.seq[slot] >= SEQ_SPAN && !this.startEpoch(this.epochValue + 1)) return -1;
    const fv = this.epochValue * SEQ_SPAN + this.seq[slot];
    this.seq[slot]++;
    return fv;
  }
}

/**
 * The persisted transmit epoch of a node whose counters run in the controller
 * (secured.ts): each epoch is written to the KvStore before the controller is told
 * it (`apply`), so a reboot never reuses a freshness value. TxFreshness above is the
 * same rule with the sequences in JavaScript (the reference the C is tested against).
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

  /** Starts the epoch after the stored one. False (and no epoch) when it cannot be persisted. */
  boot(): boolean {
    const stored = this.store.get(this.key);
    const last = stored === undefined ? 0 : parseInt(stored, 10);
    return this.start(last === last && last >= 0 ? last + 1 : 1);
  }

  /** The next epoch (resynchronisation, or the controller used up a counter). */
  renew(): boolean {
    return this.epochValue >= 0 && this.start(this.epochValue + 1);
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
