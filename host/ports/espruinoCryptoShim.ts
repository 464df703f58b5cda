import { createCipheriv, createHash } from "node:crypto";

/**
 * Test-only: a global `require` with Espruino's crypto.AES.encrypt(data, key,
 * {mode:"ECB"}) and Storage.read/write signatures, so that modules/ports/device/*
 * and the *.kat.ts files run under node:test. host/runtime emulates the full API for
 * whole bundles.
 */
export const shimStorage: Record<string, string> = {};

export function installEspruinoCryptoShim(): void {
  const g = globalThis as unknown as { require?: (name: string) => unknown };
  if (g.require !== undefined) return;
  g.require = (name: string) => {
    if (name === "Storage") {
      return {
        read: (n: string) => (Object.prototype.hasOwnProperty.call(shimStorage, n) ? shimStorage[n] : undefined),
        write: (n: string, v: string) => { shimStorage[n] = v; return true; },
      };
    }
    if (name !== "crypto") throw new Error("shim provides only require('crypto') (AES, SHA256) and require('Storage'), not '" + name + "'");
    return {
      // Espruino's SHA256(string of bytes): an ArrayBuffer of the digest
      SHA256(data: string): ArrayBuffer {
        const d = createHash("sha256").update(Buffer.from(data, "latin1")).digest();
        return d.buffer.slice(d.byteOffset, d.byteOffset + d.length);
      },
      AES: {
        encrypt(data: Uint8Array, key: Uint8Array, opts: { mode: string; iv?: Uint8Array }): ArrayBuffer {
          if (opts.mode !== "ECB" && opts.mode !== "CBC") throw new Error("shim supports ECB and CBC only");
          const c = opts.mode === "ECB" ? createCipheriv("aes-128-ecb", key, null) : createCipheriv("aes-128-cbc", key, opts.iv ?? new Uint8Array(16));
          c.setAutoPadding(false);
          const out = Buffer.concat([c.update(data), c.final()]);
          return out.buffer.slice(out.byteOffset, out.byteOffset + out.length);
        },
      },
    };
  };
}
