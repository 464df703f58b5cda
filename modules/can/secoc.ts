/**
 * Secured payloads (AUTOSAR SecOC pattern, profile 1 truncation: FV 8 bits, MAC 24).
 *
 * Authenticator = first 3 bytes of CMAC(key, id(2, BE) || data || FV(5, BE)): the
 * identifier is covered, so a valid frame cannot be re-sent under another identifier
 * (another meter, another quantity), and the full FV is covered although only its low
 * byte travels.
 */
import { Cmac } from "./cmac";
import { reconstructFreshness } from "./freshness";
import { DATA_BYTES, FV_BYTE, MAC_OFFSET, MAC_BYTES, PAYLOAD_BYTES } from "./messages";

/** Big-endian 40-bit `v` into b[at..at+4]. Bitwise operators see v mod 2^32 (also on Espruino, measured). */
function put40(b: Uint8Array, at: number, v: number): void {
  b[at] = Math.floor(v / 4294967296) & 0xff;
  b[at + 1] = (v >>> 24) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 8) & 0xff;
  b[at + 4] = v & 0xff;
}

export function macInput(id: number, data: Uint8Array, fv: number): Uint8Array {
  const b = new Uint8Array(7 + data.length);
  b[0] = (id >> 8) & 0xff;
  b[1] = id & 0xff;
  b.set(data, 2);
  put40(b, 2 + data.length, fv);
  return b;
}

function putMac(cmac: Cmac, out: Uint8Array, id: number, data: Uint8Array, fv: number): void {
  const t = cmac.mac(macInput(id, data, fv));
  for (let i = 0; i < MAC_BYTES; i++) out[MAC_OFFSET + i] = t[i];
}

function macMatches(cmac: Cmac, payload: Uint8Array, id: number, data: Uint8Array, fv: number): boolean {
  return cmac.verify(macInput(id, data, fv), payload.subarray(MAC_OFFSET, MAC_OFFSET + MAC_BYTES), MAC_BYTES);
}

/** data(4) || FV mod 256 || MAC24. `boundFv` (sync responses) is the FV the MAC covers. */
export function securePayload(cmac: Cmac, id: number, data4: Uint8Array, fv: number): Uint8Array {
  const out = new Uint8Array(PAYLOAD_BYTES);
  out.set(data4, 0);
  out[FV_BYTE] = fv & 0xff;
  putMac(cmac, out, id, data4, fv);
  return out;
}

/** Sync request: the full 40-bit FV (big-endian) || MAC24 over id || FV. */
export function secureSyncRequest(cmac: Cmac, id: number, fv: number): Uint8Array {
  const out = new Uint8Array(PAYLOAD_BYTES);
  put40(out, 0, fv);
  putMac(cmac, out, id, new Uint8Array(0), fv);
  return out;
}

export function syncRequestFreshness(payload: Uint8Array): number {
  let v = 0;
  for (let i = 0; i < 5; i++) v = v * 256 + payload[i];
  return v;
}

export function verifySyncRequest(cmac: Cmac, id: number, payload: Uint8Array): boolean {
  return macMatches(cmac, payload, id, new Uint8Array(0), syncRequestFreshness(payload));
}

/** Sync response check: the MAC must cover the challenge FV the aggregator sent. */
export function verifyBound(cmac: Cmac, id: number, payload: Uint8Array, boundFv: number): boolean {
  if (payload[FV_BYTE] !== boundFv % 256) return false;
  return macMatches(cmac, payload, id, payload.subarray(0, DATA_BYTES), boundFv);
}

export type VerifyCause = "badMac" | "stale" | "unsynced";
/** fv >= 0: accepted with that full FV; else `cause` says why not. */
export interface Verdict { fv: number; cause: VerifyCause | null }

/**
 * Checks a secured payload against the receiver's last accepted FV (-1: none yet).
 * Profile 1 reconstruction always yields a value above `last`, so a replayed frame
 * shows up as a MAC failure; to count it as stale, the two candidates at or below
 * `last` are tried too (only after a failure, and they never accept).
 */
export function verifySecured(cmac: Cmac, id: number, payload: Uint8Array, last: number): Verdict {
  if (last < 0) return { fv: -1, cause: "unsynced" };
  const low = payload[FV_BYTE];
  const data = payload.subarray(0, DATA_BYTES);
  const fv = reconstructFreshness(last, low);
  if (macMatches(cmac, payload, id, data, fv)) return { fv: fv, cause: null };
  const lastLow = last % 256;
  const high = (last - lastLow) / 256;
  for (let h = high; h >= high - 1 && h >= 0; h--) {
    const old = h * 256 + low;
    if (old <= last && macMatches(cmac, payload, id, data, old)) return { fv: -1, cause: "stale" };
  }
  return { fv: -1, cause: "badMac" };
}
