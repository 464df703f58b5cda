/**
 * require("crypto") through node:crypto, following libs/crypto/jswrap_crypto.c (2v29):
 *
 * - SHA1/SHA224/SHA256/SHA384/SHA512(message) → ArrayBuffer of the digest.
 * - AES.encrypt/decrypt(message, key, { mode, iv }) → ArrayBuffer of the same length
 *   as the message. The default mode is CBC (not ECB) with a zero IV.
 *     ECB: whole 16-byte blocks; a trailing partial block is left as zeros.
 *     CBC: the message length must be a multiple of 16.
 *     CTR: Espruino ignores `iv` and always starts the counter block at zero.
 *     CFB: 8-bit CFB (mbedtls_aes_crypt_cfb8).
 *     OFB: accepted by name but unsupported ("Feature unavailable").
 *   Like Espruino, an unknown mode throws "Unknown Crypto mode \"X\"", while key and
 *   length problems print "ERROR: ..." and return undefined (jsError, not an exception).
 * - PBKDF2(passphrase, salt, { keySize (32-bit words, default 4), iterations
 *   (default 1), hasher (default "SHA1") }) → ArrayBuffer.
 * Messages and keys may be strings (one byte per char), arrays or typed arrays.
 */
import nodeCrypto from "node:crypto";
import { Realm, newArrayBuffer, toBytes } from "./realm.ts";

export interface CryptoOptions {
  realm: Realm;
  print: (text: string) => void;
}

const MODES = ["CBC", "CFB", "CTR", "OFB", "ECB"];

export function createCrypto(opts: CryptoOptions): Record<string, unknown> {
  const { realm } = opts;
  const jsError = (message: string): undefined => {
    opts.print("ERROR: " + message + "\n");
    return undefined;
  };
  const digest = (alg: string) => (message: unknown) =>
    newArrayBuffer(realm, nodeCrypto.createHash(alg).update(toBytes(message)).digest());

  function aes(message: unknown, key: unknown, options: unknown, encrypt: boolean): ArrayBuffer | undefined {
    let mode = "CBC";
    const iv = new Uint8Array(16);
    if (typeof options === "object" && options !== null && !Array.isArray(options)) {
      const o = options as { iv?: unknown; mode?: unknown };
      if (o.iv !== undefined) iv.set(toBytes(o.iv).subarray(0, 16));
      if (o.mode !== undefined) {
        mode = String(o.mode);
        if (MODES.indexOf(mode) < 0) throw new realm.Error("Unknown Crypto mode " + JSON.stringify(mode));
      }
    } else if (options !== undefined) {
      return jsError("'options' must be undefined, or an Object");
    }
    const msg = toBytes(message);
    const k = toBytes(key);
    if (k.length !== 16 && k.length !== 24 && k.length !== 32) return jsError("Unknown error: -0x20"); // MBEDTLS_ERR_AES_INVALID_KEY_LENGTH
    const bits = k.length * 8;
    const out = new Uint8Array(msg.length);
    const run = (alg: string, ivBytes: Uint8Array | null, input: Uint8Array) => {
      const c = encrypt ? nodeCrypto.createCipheriv(alg, k, ivBytes) : nodeCrypto.createDecipheriv(alg, k, ivBytes);
      c.setAutoPadding(false);
      return Buffer.concat([c.update(input), c.final()]);
    };
    if (mode === "ECB") {
      const whole = msg.length - (msg.length % 16);
      out.set(run("aes-" + bits + "-ecb", null, msg.subarray(0, whole)));
    } else if (mode === "CBC") {
      if (msg.length % 16) return jsError("Invalid input length");
      out.set(run("aes-" + bits + "-cbc", iv, msg));
    } else if (mode === "CTR") {
      // CTR is its own inverse; the counter block starts at zero whatever `iv` says.
      const c = nodeCrypto.createCipheriv("aes-" + bits + "-ctr", k, new Uint8Array(16));
      out.set(Buffer.concat([c.update(msg), c.final()]));
    } else if (mode === "CFB") {
      out.set(run("aes-" + bits + "-cfb8", iv, msg));
    } else {
      return jsError("Feature unavailable");
    }
    return newArrayBuffer(realm, out);
  }

  return {
    SHA1: digest("sha1"),
    SHA224: digest("sha224"),
    SHA256: digest("sha256"),
    SHA384: digest("sha384"),
    SHA512: digest("sha512"),
    PBKDF2(passphrase: unknown, salt: unknown, options: unknown): ArrayBuffer {
      const o = (typeof options === "object" && options !== null ? options : {}) as { keySize?: number; iterations?: number; hasher?: string };
      const hasher = o.hasher === undefined ? "SHA1" : String(o.hasher);
      if (["SHA1", "SHA224", "SHA256", "SHA384", "SHA512"].indexOf(hasher) < 0) throw new realm.Error("Unknown Hasher " + JSON.stringify(hasher));
      const keyWords = Number(o.keySize) > 0 ? Math.trunc(Number(o.keySize)) : 4;
      const iterations = Number(o.iterations) >= 1 ? Math.trunc(Number(o.iterations)) : 1;
      const key = nodeCrypto.pbkdf2Sync(toBytes(passphrase), toBytes(salt), iterations, keyWords * 4, hasher.toLowerCase());
      return newArrayBuffer(realm, key);
    },
    AES: {
      encrypt: (m: unknown, k: unknown, o?: unknown) => aes(m, k, o, true),
      decrypt: (m: unknown, k: unknown, o?: unknown) => aes(m, k, o, false),
    },
  };
}
