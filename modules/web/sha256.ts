/**
 * SHA-256 of an upload, as the aggregator's API wants it (64 hex digits), so the aggregator
 * refuses a bundle that arrived corrupted before any manifest goes out
 * (modules/ota/aggregatorOta.ts, begin's sha256). Not crypto.subtle: browsers give it only
 * to secure contexts (https, localhost), and an aggregator is reached over plain http on
 * its LAN address. @noble/hashes (audited, no dependencies) instead of a copy of our own.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/** 64 lowercase hex digits of the digest of `data`. */
export function sha256Hex(data: Uint8Array): string {
  return bytesToHex(sha256(data));
}
