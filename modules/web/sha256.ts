/**
 * SHA-256 (FIPS 180-4) of an upload, as the aggregator's API wants it (64 hex digits), so
 * the aggregator refuses a bundle that arrived corrupted before any manifest goes out
 * (modules/ota/aggregatorOta.ts, begin's sha256). crypto.subtle where the browser has it;
 * browsers give it only to secure contexts (https, localhost), and an aggregator is
 * reached over plain http on its LAN address, so this code computes it there.
 */

/** The fractional part of x as 32 bits (the constants: square and cube roots of primes). */
function frac32(x: number): number {
  return ((x - Math.floor(x)) * 4294967296) | 0;
}

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

/** The digest of `data` (32 bytes). */
export function sha256(data: Uint8Array): Uint8Array {
  const k: number[] = [];
  const hs: number[] = [];
  for (let p = 2; k.length < 64; p++) {
    let prime = true;
    for (let d = 2; d * d <= p; d++) if (p % d === 0) prime = false;
    if (!prime) continue;
    if (hs.length < 8) hs.push(frac32(Math.sqrt(p)));
    k.push(frac32(Math.cbrt(p)));
  }
  // the message, 0x80, zeros, its length in bits (big-endian u64): whole 64-byte blocks
  const m = new Uint8Array(((data.length + 72) >> 6) << 6);
  m.set(data);
  m[data.length] = 0x80;
  const v = new DataView(m.buffer);
  v.setUint32(m.length - 8, Math.floor(data.length / 536870912));
  v.setUint32(m.length - 4, (data.length * 8) >>> 0);
  const w = new Int32Array(64);
  for (let at = 0; at < m.length; at += 64) {
    for (let t = 0; t < 64; t++) {
      if (t < 16) w[t] = v.getInt32(at + 4 * t);
      else {
        const a = w[t - 15], b = w[t - 2];
        w[t] = (w[t - 16] + (rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)) + w[t - 7] + (rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10))) | 0;
      }
    }
    const x = hs.slice();
    for (let t = 0; t < 64; t++) {
      const e = x[4], a = x[0];
      const t1 = (x[7] + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & x[5]) ^ (~e & x[6])) + k[t] + w[t]) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & x[1]) ^ (a & x[2]) ^ (x[1] & x[2]))) | 0;
      x.pop();
      x.unshift((t1 + t2) | 0);
      x[4] = (x[4] + t1) | 0;
    }
    for (let i = 0; i < 8; i++) hs[i] = (hs[i] + x[i]) | 0;
  }
  const out = new Uint8Array(32);
  const o = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) o.setInt32(4 * i, hs[i]);
  return out;
}

/** 64 lowercase hex digits of the digest of `data`. */
export async function sha256Hex(data: Uint8Array<ArrayBuffer>): Promise<string> {
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  const d = subtle ? new Uint8Array(await subtle.digest("SHA-256", data)) : sha256(data);
  let s = "";
  for (let i = 0; i < d.length; i++) s += (d[i] < 16 ? "0" : "") + d[i].toString(16);
  return s;
}
