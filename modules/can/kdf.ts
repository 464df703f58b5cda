/**
 * Per-meter keys: NIST SP 800-108 (rev. 1) KDF in counter mode with AES-128-CMAC as PRF.
 *
 *   K(i) = CMAC(KI, [i]_32 || Label || 0x00 || Context || [L]_32),  L = 128, so i = 1 only
 *
 * [i] and [L] are 32-bit big-endian (r = 32), Label is the ASCII text
 * "meternet-meter-key", Context is one byte: the meter address 0..63. The same fixed-input
 * layout is python3-cryptography's KBKDFCMAC(CounterMode, rlen=4, llen=4,
 * location=BeforeFixed), which produced the known answer in kdf.test.ts independently.
 */
import { Aes128 } from "../ports/aes";
import { Cmac } from "./cmac";
import { meterAddressOf } from "./idPlan";

export const METER_KEY_LABEL = "meternet-meter-key";

export function kdfCounterCmac(aes: Aes128, masterKey16: Uint8Array, label: string, context: Uint8Array): Uint8Array {
  const n = label.length;
  const input = new Uint8Array(4 + n + 1 + context.length + 4);
  input[3] = 1; // i = 1
  for (let k = 0; k < n; k++) {
    const c = label.charCodeAt(k);
    if (c > 0x7e) throw new Error("KDF label must be ASCII");
    input[4 + k] = c;
  }
  // input[4 + n] stays 0x00: the separator
  input.set(context, 5 + n);
  const lPos = 5 + n + context.length;
  input[lPos + 2] = 0; // L = 128 = 0x00000080
  input[lPos + 3] = 0x80;
  return new Cmac(aes, masterKey16).mac(input);
}

/** The key a meter shares with the aggregator, from the network master key. */
export function meterKey(aes: Aes128, masterKey16: Uint8Array, address: number): Uint8Array {
  return kdfCounterCmac(aes, masterKey16, METER_KEY_LABEL, new Uint8Array([meterAddressOf(address)]));
}
