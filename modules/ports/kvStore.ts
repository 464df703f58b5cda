/**
 * Small persistent key/value store port for values that must survive a reboot
 * (freshness reservations, last accepted command counters). Values are short strings.
 * Device: Espruino's Storage (ports/device/kvStore.ts); host: memory or a JSON file
 * (host/ports/kvStore.ts).
 */
export interface KvStore {
  /** The stored string, or undefined when the key was never written. */
  get(key: string): string | undefined;
  /**
   * Writes durably before returning; false when the write failed (flash full).
   * A caller that reserves freshness must not transmit after a failed write.
   */
  set(key: string, value: string): boolean;
  /**
   * Optional: writes the bytes of `parts` one after the other as the value of `key`
   * (get() then returns them as a byte string), without joining them in RAM first: on
   * Espruino each part goes to Storage at its offset, so a value of several KB never
   * exists as a string in JsVars. Same durability and false return as set().
   */
  setBytes?(key: string, parts: Uint8Array[]): boolean;
}

/** Keys are Storage file names on the device: at most 28 characters there. */
export const KV_KEY_MAX = 28;
