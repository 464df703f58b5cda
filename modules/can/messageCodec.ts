/** Message-level encode/decode of the data signals, driven by the table in messages.ts. */
import { MessageDef, DATA_BYTES, signalAt } from "./messages";
import { physToRaw, rawToPhys, packRaw, unpackRaw } from "./signalCodec";

export type SignalValues = { [signal: string]: number };

/** The 4 data bytes of `m` from physical values; a missing value is sent as raw 0. */
export function encodeData(m: MessageDef, values: SignalValues): Uint8Array {
  const out = new Uint8Array(DATA_BYTES);
  const first = m.firstSignal;
  for (let i = 0; i < m.signalCount; i++) {
    const s = signalAt(first + i);
    const v = values[s.name];
    // INLINE: built into this loop as function expressions, made per signal while a
    // message is encoded (on the meter: an alarm, a command's acknowledgement, a sync
    // response, never per window) instead of two functions held for good (13 JsVars)
    /*@__INLINE__*/ packRaw(out, s, v === undefined ? 0 : /*@__INLINE__*/ physToRaw(s, v));
  }
  return out;
}

/** Physical values of the data signals in `data` (at least 4 bytes). */
export function decodeData(m: MessageDef, data: Uint8Array): SignalValues {
  const out: SignalValues = {};
  const first = m.firstSignal;
  for (let i = 0; i < m.signalCount; i++) {
    const s = signalAt(first + i);
    out[s.name] = rawToPhys(s, unpackRaw(data, s));
  }
  return out;
}
