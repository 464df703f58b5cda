import { readFileSync, writeFileSync, renameSync, existsSync } from "node:fs";
import { KvStore } from "../../modules/ports/kvStore.ts";

/** In-memory KvStore; `failWrites` simulates a full flash. */
export class MemoryKvStore implements KvStore {
  readonly data: Record<string, string> = {};
  failWrites = false;
  writes = 0;
  get(key: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(this.data, key) ? this.data[key] : undefined;
  }
  set(key: string, value: string): boolean {
    if (this.failWrites) return false;
    this.data[key] = value;
    this.writes++;
    return true;
  }
  setBytes(key: string, parts: Uint8Array[]): boolean {
    return this.set(key, Buffer.concat(parts).toString("latin1"));
  }
}

/** KvStore in one JSON file, rewritten atomically (write then rename) on each set. */
export function fileKvStore(path: string): KvStore {
  const data: Record<string, string> = existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : {};
  const store: KvStore = {
    get(key) {
      return Object.prototype.hasOwnProperty.call(data, key) ? data[key] : undefined;
    },
    set(key, value) {
      data[key] = value;
      try {
        writeFileSync(path + ".tmp", JSON.stringify(data));
        renameSync(path + ".tmp", path);
        return true;
      } catch {
        return false;
      }
    },
    setBytes(key, parts) {
      return store.set(key, Buffer.concat(parts).toString("latin1"));
    },
  };
  return store;
}
