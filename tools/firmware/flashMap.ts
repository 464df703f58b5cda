/**
 * The flash map of every firmware image: ONE table, read by the firmware build
 * (tools/firmware/main.ts: image over its code area or budget fails), the bundle build
 * (tools/build/reportPlugin.js: a bundle over its Storage slot is reported), the gate
 * (which images a role's bundle runs on) and the host runtime (host/runtime: the
 * simulator's Storage has the chip's size, so it runs out where the chip would).
 *
 * Sizes that are budgets live in package.json `meternet.budgets` (the one place for
 * budgets): `firmware` (bytes of each image's bin) and `storage` (each role's slots).
 * This file says where things are: pages, which slot is on the chip and which on the
 * external memories. The board files (boards/STM32F107/*.py) must agree on the Storage
 * pages: tools/firmware/flashMap.test.ts reads them and fails when they do not.
 *
 * It lives in tools/firmware/ rather than boards/STM32F107/ because it is TypeScript
 * that host code imports (tsconfig.node.json checks tools/**), and it is the build's
 * table; the board folder keeps the C and the board files the table is checked against.
 */
import { readFileSync } from "node:fs";
import type { ImageName } from "./imageFeatures.ts";
import { NOR_PAGE_BYTES, NOR_SECTOR_BYTES, NOR_ERASE_CYCLES, W25Q32_BYTES } from "../../modules/ports/nor.ts";
import { NOR_HISTORY_BASE, NOR_PROFILE_BYTES, NOR_DAYS_BYTES } from "../../modules/aggregator/historyOnNor.ts";

/** STM32F107VCT6 (RM0008, connectivity line). */
export const CHIP = {
  flashBase: 0x08000000,
  flashBytes: 256 * 1024,
  /** Erase page of the connectivity line (RM0008 3.3.3). */
  pageBytes: 2048,
  ramBytes: 64 * 1024,
} as const;

/** Espruino's Storage (src/jsflash.c, 2v29): a 32-byte header per file, data padded to 4. */
export const STORAGE_FILE_HEADER_BYTES = 32;

export type Role = "meter" | "aggregator";

export interface ImagePlan {
  role: Role;
  boardFile: string;
  /** JS variables of the board file ('variables'). */
  variables: number;
  /** Storage (Espruino's saved code) pages at the top of flash. */
  storagePages: number;
  /**
   * Code area kept free for native code not written yet, bytes. The meters' 8 KB for the
   * touchscreen became 4 KB of image budget (the drivers and LCD binding measured 3 176 B
   * linked: boards/STM32F107/display/README.md) and 4 KB still reserved for the display's growth.
   */
  reservedNativeBytes: number;
}

export const IMAGES: Record<ImageName, ImagePlan> = {
  METERNET_F107: { role: "meter", boardFile: "METERNET_F107.py", variables: 2600, storagePages: 16, reservedNativeBytes: 4096 },
  METERNET_F107_60HZ: { role: "meter", boardFile: "METERNET_F107_60HZ.py", variables: 2280, storagePages: 16, reservedNativeBytes: 4096 },
  METERNET_F107_AGG: { role: "aggregator", boardFile: "METERNET_F107_AGG.py", variables: 3800, storagePages: 24, reservedNativeBytes: 0 },
};

export const IMAGE_NAMES = Object.keys(IMAGES) as ImageName[];

/**
 * Where each kind of content lives. "storage": Espruino's Storage in internal flash
 * (memory-mapped: functions run from it without a copy in RAM); "fram": I2C FRAM
 * (byte-writable, no wear at our write rates); "nor": SPI NOR flash (4 KB sectors).
 */
export type Place = "storage" | "fram" | "nor";

export interface Slot { name: string; place: Place; bytes: number; what: string }

export interface StorageBudget {
  /**
   * The running bundle (.bootcde) and the code files it evaluates from Storage, in their
   * stored (pretokenised) form, build/stored/ (tools/build/README.md "Stored form").
   */
  bundle: number;
  /** Configuration files (meternet.json, keys): rewritten rarely, whole. */
  config: number;
  /** A staged update (OTA) beside the running bundle. */
  staged: number;
  /** UI or web assets. */
  assets: number;
  /** Data written often and small: energy registers, freshness epochs. */
  data: number;
  /** Data that grows with meters or time: per-meter state, history. */
  history: number;
}

const PLACES: Record<keyof StorageBudget, Place> = { bundle: "storage", config: "storage", staged: "nor", assets: "nor", data: "fram", history: "nor" };
const WHAT: Record<keyof StorageBudget, string> = {
  bundle: "running bundle (.bootcde)",
  config: "configuration (meternet.json, keys)",
  staged: "staged update (OTA), plus the previous bundle for rollback",
  assets: "UI / web assets",
  data: "energy registers, freshness epochs",
  history: "per-meter state, history",
};

/** Free share of Storage that must remain once every internal slot is full and Storage is compacted. */
export const STORAGE_FREE_MIN = 0.25;

interface Budgets { firmware: Record<string, number>; storage: Record<string, StorageBudget> }

let budgetsCache: Budgets | undefined;
export function budgets(): Budgets {
  if (!budgetsCache) {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    const b = pkg.meternet?.budgets ?? {};
    if (!b.firmware || !b.storage) throw new Error("package.json meternet.budgets needs `firmware` (bytes per image) and `storage` (slots per role)");
    budgetsCache = { firmware: b.firmware, storage: b.storage };
  }
  return budgetsCache;
}

export function storageBytes(image: ImageName): number {
  return IMAGES[image].storagePages * CHIP.pageBytes;
}

export function storageAddress(image: ImageName): number {
  return CHIP.flashBase + CHIP.flashBytes - storageBytes(image);
}

/** Flash left for Espruino and our C: everything below Storage. */
export function codeAreaBytes(image: ImageName): number {
  return CHIP.flashBytes - storageBytes(image);
}

/** Largest bin the image may be: its package.json budget. */
export function imageBudgetBytes(image: ImageName): number {
  const n = budgets().firmware[image];
  if (typeof n !== "number") throw new Error(`package.json meternet.budgets.firmware.${image} is missing`);
  return n;
}

export function slotsOf(role: Role): Slot[] {
  const b = budgets().storage[role];
  if (!b) throw new Error(`package.json meternet.budgets.storage.${role} is missing`);
  return (Object.keys(PLACES) as (keyof StorageBudget)[]).map((k) => ({ name: k, place: PLACES[k], bytes: b[k], what: WHAT[k] }));
}

/** Bytes the internal slots take in Storage, headers and padding included. */
export function storageUsedBytes(role: Role): number {
  return slotsOf(role).filter((s) => s.place === "storage" && s.bytes > 0)
    .reduce((sum, s) => sum + STORAGE_FILE_HEADER_BYTES + Math.ceil(s.bytes / 4) * 4, 0);
}

export function imagesOfRole(role: string): ImageName[] {
  // selftest is not a role of its own: it runs on every image; meterUi is the meter's second
  // Storage file (the touchscreen UI), loaded by the meter images
  return IMAGE_NAMES.filter((i) => role === "selftest" || IMAGES[i].role === (role === "meterUi" ? "meter" : role));
}

/** The bundle slot of a role, bytes (what the bundle build compares the bundle against). */
export function bundleSlotBytes(role: string): number | undefined {
  const b = budgets().storage[role];
  return b ? b.bundle : undefined;
}

/**
 * The SPI NOR (boards/STM32F107/README.md "External memory"): its slots ("nor" places
 * above) lie one after the other from address 0 in the order staged, assets, history,
 * each rounded up to a 4 KB sector. The device code's addresses must agree: the
 * aggregator's history starts at NOR_HISTORY_BASE (modules/aggregator/historyOnNor.ts)
 * and takes its profile's and days' sector pairs (norMap.test.ts checks both).
 */
export const NOR = {
  part: "Winbond W25Q32JV",
  bytes: W25Q32_BYTES,
  pageBytes: NOR_PAGE_BYTES,
  sectorBytes: NOR_SECTOR_BYTES,
  eraseCycles: NOR_ERASE_CYCLES,
} as const;

export interface NorArea { name: keyof StorageBudget; address: number; bytes: number; what: string }

export function norAreas(role: Role): NorArea[] {
  let at = 0;
  const out: NorArea[] = [];
  for (const s of slotsOf(role)) {
    if (s.place !== "nor" || s.bytes <= 0) continue;
    const bytes = Math.ceil(s.bytes / NOR.sectorBytes) * NOR.sectorBytes;
    out.push({ name: s.name as keyof StorageBudget, address: at, bytes, what: s.what });
    at += bytes;
  }
  return out;
}

/** What the device code puts in the aggregator's history area (historyOnNor.ts). */
export const NOR_HISTORY_LAYOUT = { address: NOR_HISTORY_BASE, profileBytes: NOR_PROFILE_BYTES, daysBytes: NOR_DAYS_BYTES };
