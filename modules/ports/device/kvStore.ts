import { KvStore, KV_KEY_MAX } from "../kvStore";

/**
 * KvStore on Espruino's Storage: one small file per key, named `prefix + key`.
 * Storage.write erases and rewrites the file, so callers keep writes rare (the
 * freshness manager writes once per reserved block, not per frame).
 */
const PIECE = 256;

function storageName(prefix: string, key: string): string {
  const n = prefix + key;
  if (n.length > KV_KEY_MAX) throw new Error("storage key '" + n + "' longer than " + KV_KEY_MAX + " characters");
  return n;
}

export function espruinoKvStore(prefix: string): KvStore {
  const storage = require("Storage");
  function name(key: string): string {
    return storageName(prefix, key);
  }
  return {
    get(key: string): string | undefined {
      const v = storage.read(name(key));
      return v === undefined ? undefined : v;
    },
    set(key: string, value: string): boolean {
      // Storage.write throws "Unable to find or create file" when the flash is full;
      // the port's contract is a false return, so callers can stay silent instead of dying.
      try {
        return storage.write(name(key), value) === true;
      } catch (e) {
        return false;
      }
    },
  };
}


/**
 * The same store plus setBytes (typed arrays written piece by piece): a separate
 * factory so that a bundle that never writes binary (the meter) does not carry it.
 */
export function espruinoKvStoreWithBytes(prefix: string): KvStore {
  const storage = require("Storage");
  const store = espruinoKvStore(prefix);
  store.setBytes = function (key: string, parts: Uint8Array[]): boolean {
    let total = 0;
    for (let i = 0; i < parts.length; i++) total += parts[i].length;
    if (!total) return false; // Storage cannot hold an empty file
    // Storage.write(name, data, 0, total) creates the file, later offsets fill it. A
    // part whose bytes are not one flat block in RAM is copied flat for the write, so
    // pieces of at most PIECE bytes bound that copy to a few JsVars.
    try {
      const n = storageName(prefix, key);
      let off = 0;
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i];
        for (let k = 0; k < p.length; k += PIECE) {
          const piece = p.subarray(k, Math.min(k + PIECE, p.length));
          if ((off === 0 ? storage.write(n, piece, 0, total) : storage.write(n, piece, off)) !== true) return false;
          off += piece.length;
        }
      }
      return true;
    } catch (e) {
      return false;
    }
  };
  return store;
}
