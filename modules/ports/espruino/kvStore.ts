import { KvStore, KV_KEY_MAX } from "../kvStore";

/**
 * KvStore on Espruino's Storage: one small file per key, named `prefix + key`.
 * Storage.write erases and rewrites the file, so callers keep writes rare (the
 * freshness manager writes once per reserved block, not per frame).
 */
export function espruinoKvStore(prefix: string): KvStore {
  const storage = require("Storage");
  function name(key: string): string {
    const n = prefix + key;
    if (n.length > KV_KEY_MAX) throw new Error("storage key '" + n + "' longer than " + KV_KEY_MAX + " characters");
    return n;
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
