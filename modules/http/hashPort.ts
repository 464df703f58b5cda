/**
 * Cryptographic primitives the web server needs, from the platform: Espruino's
 * require("crypto").SHA256 or node:crypto. Byte strings in and out (chars 0..255).
 */
export interface HashPort {
  sha256(data: string): string;
  /** n random bytes from the platform's best source. */
  random(n: number): string;
}
