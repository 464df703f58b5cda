/** HMAC-SHA256 (RFC 2104) over the hash port, and the helpers around it. */
import { HashPort } from "./hashPort";

function xorPad(key: string, b: number): string {
  let s = "";
  for (let i = 0; i < 64; i++) s += String.fromCharCode((i < key.length ? key.charCodeAt(i) : 0) ^ b);
  return s;
}

export function hmacSha256(h: HashPort, key: string, msg: string): string {
  if (key.length > 64) key = h.sha256(key);
  return h.sha256(xorPad(key, 0x5c) + h.sha256(xorPad(key, 0x36) + msg));
}

export function hex(bin: string): string {
  let s = "";
  for (let i = 0; i < bin.length; i++) s += (bin.charCodeAt(i) + 256).toString(16).slice(1);
  return s;
}

/** Compares without stopping at the first difference, so timing reveals nothing. */
export function sameText(a: string, b: string): boolean {
  let d = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) d |= a.charCodeAt(i) ^ b.charCodeAt(i % (b.length || 1));
  return d === 0;
}
