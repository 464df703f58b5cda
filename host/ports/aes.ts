import { createCipheriv } from "node:crypto";
import { Aes128, checkAesArgs, checkCbcArgs } from "../../modules/ports/aes.ts";

function run(mode: "aes-128-ecb" | "aes-128-cbc", key: Uint8Array, iv: Uint8Array | null, data: Uint8Array): Uint8Array {
  const c = createCipheriv(mode, key, iv);
  c.setAutoPadding(false);
  const out = Buffer.concat([c.update(data), c.final()]);
  return new Uint8Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.length));
}

/** AES-128 on Node through OpenSSL. */
export function nodeAes(): Aes128 {
  return {
    encryptBlock(key16: Uint8Array, block16: Uint8Array): Uint8Array {
      checkAesArgs(key16, block16);
      return run("aes-128-ecb", key16, null, block16);
    },
    encryptCbc(key16: Uint8Array, iv16: Uint8Array, data: Uint8Array): Uint8Array {
      checkCbcArgs(key16, iv16, data);
      return run("aes-128-cbc", key16, iv16, data);
    },
  };
}

/** The same AES without the CBC shortcut: exercises CMAC's JavaScript path. */
export function nodeAesBlockOnly(): Aes128 {
  const a = nodeAes();
  return { encryptBlock: a.encryptBlock };
}
