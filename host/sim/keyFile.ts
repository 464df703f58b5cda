/**
 * The simulated network's master key: from `--key-file` (JSON {"masterKeyHex": "<32
 * hex digits>"}), or a development key generated once into build/dev-key.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { randomBytes } from "node:crypto";
import { fromHex, toHex } from "../../modules/can/hex.ts";

export interface MasterKey {
  key: Uint8Array;
  path: string;
  generated: boolean;
}

export function readKeyFile(path: string): Uint8Array {
  let j: { masterKeyHex?: unknown };
  try {
    j = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`--key-file ${path}: ${(e as Error).message}`);
  }
  if (typeof j.masterKeyHex !== "string" || !/^[0-9a-fA-F]{32}$/.test(j.masterKeyHex)) {
    throw new Error(`--key-file ${path}: needs {"masterKeyHex": "<32 hex digits>"} (AES-128)`);
  }
  return fromHex(j.masterKeyHex);
}

/** The key of `keyFile`, or the development key at `devPath` (created when missing). */
export function masterKey(keyFile: string | undefined, devPath: string): MasterKey {
  if (keyFile) return { key: readKeyFile(keyFile), path: keyFile, generated: false };
  if (existsSync(devPath)) return { key: readKeyFile(devPath), path: devPath, generated: false };
  mkdirSync(dirname(devPath), { recursive: true });
  const key = new Uint8Array(randomBytes(16));
  writeFileSync(devPath, JSON.stringify({ masterKeyHex: toHex(key), note: "development key of the simulated network: never use it on real meters" }, null, 1) + "\n", { mode: 0o600 });
  return { key, path: devPath, generated: true };
}
