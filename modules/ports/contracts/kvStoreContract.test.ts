// The key/value store contract on every implementation: host memory and JSON file,
// the device's Storage (shim and emulated flash), and the meter's FRAM-backed
// freshness store (modules/persist/billingStore.ts freshnessStore).
import { test } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kvStoreContract } from "./kvStoreContract.ts";
import { MemoryKvStore, fileKvStore } from "../../../host/ports/kvStore.ts";
import { installEspruinoCryptoShim } from "../../../host/ports/espruinoCryptoShim.ts";
import { espruinoKvStore, espruinoKvStoreWithBytes } from "../device/kvStore.ts";
import { createStorage } from "../../../host/runtime/storage.ts";
import { FlashArea } from "../../../host/runtime/flashArea.ts";
import { FramModel } from "../../../host/runtime/fram.ts";
import type { Realm } from "../../../host/runtime/realm.ts";
import { BillingStore, freshnessStore, restoreBilling } from "../../persist/billingStore.ts";
import { crc32 } from "../../persist/crc32.ts";

installEspruinoCryptoShim();

kvStoreContract("host MemoryKvStore", () => new MemoryKvStore());
// One temporary folder for every file store of this file, removed at the end.
const kvDir = mkdtempSync(join(tmpdir(), "kv-"));
test.after(() => rmSync(kvDir, { recursive: true, force: true }));
let kvFiles = 0;
kvStoreContract("host fileKvStore", () => fileKvStore(join(kvDir, "kv" + kvFiles++ + ".json")));
kvStoreContract("device espruinoKvStore", () => espruinoKvStore("t" + Math.random().toString(36).slice(2, 6) + "."), false);
// setBytes writes at offsets into an erased file: checked on host/runtime's Storage,
// which follows the real flash rules (a byte written twice is an error).
kvStoreContract("device espruinoKvStoreWithBytes on emulated flash", () => {
  const g = globalThis as unknown as { require: (name: string) => unknown };
  const shim = g.require;
  const storage = createStorage({ flash: new FlashArea(16384), realm: { Error, SyntaxError } as unknown as Realm, print: () => undefined });
  g.require = (n: string) => (n === "Storage" ? storage : shim(n));
  try { return espruinoKvStoreWithBytes("k."); } finally { g.require = shim; }
});
// The meter's freshness keys ("txepoch", which the contract writes) live in the FRAM
// record; other keys fall through to the legacy store (here: memory).
kvStoreContract("device freshnessStore (BillingStore) on the FRAM model", () => {
  const s = new BillingStore({ fram: new FramModel(), baseAddr: 0, slots: 2, crc32, stepWh: 1, everyS: 60 });
  restoreBilling(s);
  return freshnessStore(s, new MemoryKvStore());
}, false);
