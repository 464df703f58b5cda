/**
 * Small persistent key/value store port for values that must survive a reboot
 * (freshness reservations, last accepted command counters). Values are short strings.
 * Device: Espruino's Storage (ports/espruino/kvStore.ts); host: memory or a JSON file
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
}

/** Keys are Storage file names on the device: at most 28 characters there. */
export const KV_KEY_MAX = 28;
