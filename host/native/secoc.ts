/**
 * Typed loader of the SecOC addon (build/Release/meterSecoc.node, built by
 * `npm install` from binding.gyp): the C of boards/STM32F107/secoc that the boards
 * run, for the host's CAN controllers and tests.
 */
import { loadAddon } from "./loadAddon.ts";

export interface NativeSecocNode {
  key(slot: number, address: number, key16: Uint8Array, derive: boolean): number;
  setEpoch(epoch: number): void;
  epoch(): number;
  setRx(slot: number, fv: number): void;
  rx(slot: number, counter: number): number;
  setSyncLast(slot: number, fv: number): void;
  /** FV used or a negative code; out gets the 8-byte payload. */
  sign(id: number, data4: Uint8Array, fv: number, out: Uint8Array): number;
  /** Verdict, or -1 for "not a secured frame for this node"; out <- [fv, data32, v0, v1, v2] (signals decoded when ok). */
  verify(id: number, flags: number, dlc: number, payload: Uint8Array, out: Float64Array): number;
  codec(table: Uint8Array): number;
  /** Count stored, or a negative code; `store` puts a signed payload in the auto-reply slot. */
  publish(values: Float64Array, latest: Uint8Array, store: (id: number, payload: Uint8Array) => number): number;
  stateBytes(): number;
}

interface Addon {
  SecocNode: new (slots: number, rxPerSlot: number, txPerSlot: number, plan: Uint8Array) => NativeSecocNode;
  cmac(key16: Uint8Array, msg: Uint8Array): Uint8Array;
  meterKey(master16: Uint8Array, address: number): Uint8Array;
}

export function secocAddon(): Addon {
  return loadAddon<Addon>("meterSecoc", "SecOC", "install libmbedtls-dev, then ");
}
