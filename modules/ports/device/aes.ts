import { Aes128, checkAesArgs, checkCbcArgs } from "../aes";

/**
 * AES-128 through Espruino's native crypto library (mbedTLS). The result buffer is a
 * flat string; when none can be allocated Espruino prints "Not enough memory for
 * result" and returns undefined (seen once in a long run on the Linux build): we try
 * once more (the failed call already garbage-collected), then throw a clear Error.
 */
export function espruinoAes(): Aes128 {
  const crypto = require("crypto");
  function run(data: Uint8Array, key: Uint8Array, opts: { mode: "ECB" | "CBC"; iv?: Uint8Array }): Uint8Array {
    let r = crypto.AES.encrypt(data, key, opts);
    if (r === undefined) r = crypto.AES.encrypt(data, key, opts);
    if (r === undefined) throw new Error("AES failed: no contiguous memory for the result");
    return new Uint8Array(r);
  }
  return {
    encryptBlock(key16: Uint8Array, block16: Uint8Array): Uint8Array {
      checkAesArgs(key16, block16);
      return run(block16, key16, { mode: "ECB" });
    },
    encryptCbc(key16: Uint8Array, iv16: Uint8Array, data: Uint8Array): Uint8Array {
      checkCbcArgs(key16, iv16, data);
      return run(data, key16, { mode: "CBC", iv: iv16 });
    },
  };
}
