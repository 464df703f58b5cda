/**
 * AES-128 block-encrypt port. Only the forward cipher is needed: CMAC, the KDF and
 * SecOC all build on E(K, block). On the device it is Espruino's native
 * require("crypto").AES (ports/device/aes.ts); on Node it is node:crypto
 * (host/ports/aes.ts).
 */
export interface Aes128 {
  /**
   * Returns E(key16, block16), a new 16-byte array. Throws an Error when key or block
   * is not exactly 16 bytes (a programming error, not bad input from the bus).
   */
  encryptBlock(key16: Uint8Array, block16: Uint8Array): Uint8Array;
  /**
   * Optional: AES-128-CBC encryption of `data` (a multiple of 16 bytes) with `iv16`,
   * returning the whole ciphertext. CMAC of a message up to one block is then a single
   * native call with iv = K1/K2: on Espruino 2v29 (Linux build) 137 us instead of
   * 520 us per 11-byte MAC with the XOR in JavaScript (cmac.ts).
   */
  encryptCbc?(key16: Uint8Array, iv16: Uint8Array, data: Uint8Array): Uint8Array;
}

/** Shared argument check for every implementation. */
export function checkAesArgs(key16: Uint8Array, block16: Uint8Array): void {
  if (key16.length !== 16) throw new Error("AES-128 key must be 16 bytes, got " + key16.length);
  if (block16.length !== 16) throw new Error("AES block must be 16 bytes, got " + block16.length);
}

/** Throws unless `data` is a non-empty multiple of 16 bytes. */
export function checkCbcArgs(key16: Uint8Array, iv16: Uint8Array, data: Uint8Array): void {
  checkAesArgs(key16, iv16);
  if (data.length === 0 || data.length % 16 !== 0) throw new Error("AES-CBC data must be a non-empty multiple of 16 bytes, got " + data.length);
}
