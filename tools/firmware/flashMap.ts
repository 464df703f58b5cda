/**
 * The flash map of every firmware image: ONE table, read by the firmware build
 * (tools/firmware/main.ts: image over its code area or budget fails), the bundle build
 * (tools/build/reportPlugin.js: a role whose Storage keeps less than 25 % free fails
 * the build, storageUse), the gate
 * (which images a role's bundle runs on) and the host runtime (host/runtime: the
 * simulator's Storage has the chip's size, so it runs out where the chip would).
 *
 * Sizes that are budgets live in package.json `meternet.budgets` (the one place for
 * budgets): `firmware` (bytes of each image's bin), `storage` (each role's slots) and
 * `storageOver` (a role allowed under 25 % free for now: its ceiling and issue).
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
import { AGG_FRAM_BYTES, FRAM_STATE_BASE, aggStateBytes } from "../../modules/aggregator/stateOnFram.ts";
import { METER_SLOT_BYTES } from "../../modules/ota/aggregatorOta.ts";
import { METER_RECORDS_AT, METER_LIST_MAX, METER_RECORD_BYTES } from "../../modules/aggregator/meterList.ts";

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
   * touchscreen became image (the drivers and LCD binding measured 3 176 B linked:
   * boards/STM32F107/display/README.md); since the OTA boot hook (issue 18) none is reserved
   * apart: the 8 KB kept free is the room for further native code (see the page plan below).
   */
  reservedNativeBytes: number;
}

/*
 * Pages, from the images measured with the OTA C in (npm run firmware -- --espruino DIR,
 * RELEASE_2V29): code area = image + reservation + the 8 KB the issue keeps free + a
 * margin for firmware growth, rounded up to 2 KB pages; every other page is Storage.
 *   meter: 205 592 (the OTA boot hook, NOR staging and watchdog in) + 8 192 + 1 256 =
 *     215 040 (105 pages), Storage 23 pages. The touchscreen's reservation is 0: issue 16
 *     reserves 8 KB "until that issue measures it"; the display's drivers and LCD binding
 *     were measured (3 176 B linked) and are in the image, so the 8 KB kept free is what
 *     further native UI code grows into. With the 4 KB kept as well, the meter's Storage
 *     could not hold its bundle (with OTA) and the UI's screen modules with 25 % free.
 *   aggregator: 189 892 + 8 192 + 2 620 = 200 704 (98 pages), Storage 30 pages. Its C is
 *     built (OTA sender in) and its Storage is what it lacks, so the margin is the part of a
 *     page the rounding leaves plus one page: 31 pages of Storage would leave 572 B.
 * package.json meternet.budgets.firmware is code area - reservation - 8 192 exactly
 * (flashMap.test.ts), so an image over its budget has eaten into the 8 KB.
 */
export const IMAGES: Record<ImageName, ImagePlan> = {
  METERNET_F107: { role: "meter", boardFile: "METERNET_F107.py", variables: 2600, storagePages: 23, reservedNativeBytes: 0 },
  METERNET_F107_60HZ: { role: "meter", boardFile: "METERNET_F107_60HZ.py", variables: 2280, storagePages: 23, reservedNativeBytes: 0 },
  METERNET_F107_AGG: { role: "aggregator", boardFile: "METERNET_F107_AGG.py", variables: 3800, storagePages: 30, reservedNativeBytes: 0 },
};

/** Code area the issue keeps free in every image (issue 16 "Targets"): the image budget leaves it. */
export const CODE_LEFT_MIN_BYTES = 8192;

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
   * The code slot: the running bundle (.bootcde) and every code file it evaluates from
   * Storage (the meter's touchscreen UI, the aggregator's route modules), in their stored
   * (pretokenised) form, build/stored/ (tools/build/README.md "Stored form), each file's
   * 32-byte header and padding included.
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
  /** The aggregator's meter list (modules/aggregator/meterList.ts), written by the upload. */
  meters: number;
}

const PLACES: Record<keyof StorageBudget, Place> = { bundle: "storage", config: "storage", staged: "nor", assets: "nor", data: "fram", history: "nor", meters: "nor" };
const WHAT: Record<keyof StorageBudget, string> = {
  bundle: "code: running bundle (.bootcde) and the code files it evaluates from Storage",
  config: "configuration (meternet.json, keys)",
  staged: "staged update (OTA), plus the previous bundle for rollback",
  assets: "UI / web assets",
  data: "energy registers, freshness epochs",
  history: "per-meter state, history",
  meters: "the meter list: 48-byte records (modules/aggregator/meterList.ts)",
};

/** Free share of Storage that must remain once every internal slot is full and Storage is compacted. */
export const STORAGE_FREE_MIN = 0.25;

interface Budgets { firmware: Record<string, number>; storage: Record<string, StorageBudget>; storageOver: Partial<Record<Role, StorageWaiver>> }

let budgetsCache: Budgets | undefined;
export function budgets(): Budgets {
  if (!budgetsCache) {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    const b = pkg.meternet?.budgets ?? {};
    if (!b.firmware || !b.storage) throw new Error("package.json meternet.budgets needs `firmware` (bytes per image) and `storage` (slots per role)");
    budgetsCache = { firmware: b.firmware, storage: b.storage, storageOver: b.storageOver ?? {} };
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

/** Bytes a file of n bytes takes in Storage: its header and the data padded to 4. */
export function storedFileBytes(n: number): number {
  return STORAGE_FILE_HEADER_BYTES + Math.ceil(n / 4) * 4;
}

/** Internal slots other than code (configuration), each one file: bytes with its header. */
function otherStorageSlots(role: Role): { name: string; bytes: number }[] {
  return slotsOf(role).filter((s) => s.place === "storage" && s.name !== "bundle" && s.bytes > 0)
    .map((s) => ({ name: s.name, bytes: storedFileBytes(s.bytes) }));
}

/** Bytes the plan's internal slots take in Storage when full, headers and padding included. */
export function storageUsedBytes(role: Role): number {
  return budgets().storage[role].bundle + otherStorageSlots(role).reduce((sum, s) => sum + s.bytes, 0);
}

/** Storage of a role's images, bytes (every image of a role has the same; flashMap.test.ts checks). */
export function roleStorageBytes(role: Role): number {
  const sizes = IMAGE_NAMES.filter((i) => IMAGES[i].role === role).map(storageBytes);
  if (!sizes.length) throw new Error(`no firmware image for the role ${role} (tools/firmware/flashMap.ts)`);
  return sizes[0];
}

/**
 * The Storage a bundle of the build (its build/report.json key) lands in: the meter's
 * bundle and its UI files share the meter's; the aggregator's route and other Storage
 * modules ("aggregator:<name>") the aggregator's; the selftest bundle is uploaded alone
 * for a test and counts in neither.
 */
export function storageRoleOf(reportKey: string): Role | undefined {
  const role = reportKey.split(":")[0];
  return role === "meter" || role === "meterUi" ? "meter" : role === "aggregator" ? "aggregator" : undefined;
}

/** A role allowed under 25 % free for now (package.json meternet.budgets.storageOver), with what it may not exceed. */
export interface StorageWaiver { ceilingBytes: number; issue: number }

export function storageWaiver(role: Role): StorageWaiver | undefined {
  return budgets().storageOver[role];
}

export interface StorageUse {
  role: Role;
  storageBytes: number;
  /** The code files as stored, headers included. */
  code: { name: string; bytes: number; storedBytes: number }[];
  codeBytes: number;
  codeSlotBytes: number;
  /** The plan's other internal slots when full (configuration), headers included. */
  slots: { name: string; bytes: number }[];
  usedBytes: number;
  freeBytes: number;
  /** Free share after compaction, 0..1. */
  freeShare: number;
  /** Most the role may use and keep STORAGE_FREE_MIN free. */
  targetBytes: number;
  waiver?: StorageWaiver;
  /** "" when the role keeps 25 % free; else what is wrong, one line. */
  problem: string;
  /** True when the problem fails the build (over Storage, or under 25 % free without a waiver, or over the waiver's ceiling). */
  fails: boolean;
}

/**
 * What a role's Storage holds once compacted: its code files as built (stored form) and
 * the plan's configuration slot full; against STORAGE_FREE_MIN. The bundle build
 * (tools/build/reportPlugin.js) fails on `fails`.
 */
export function storageUse(role: Role, files: { name: string; bytes: number }[]): StorageUse {
  const storage = roleStorageBytes(role);
  const code = files.map((f) => ({ name: f.name, bytes: f.bytes, storedBytes: storedFileBytes(f.bytes) }));
  const codeBytes = code.reduce((a, f) => a + f.storedBytes, 0);
  const slots = otherStorageSlots(role);
  const usedBytes = codeBytes + slots.reduce((a, s) => a + s.bytes, 0);
  const targetBytes = Math.floor((1 - STORAGE_FREE_MIN) * storage);
  const waiver = storageWaiver(role);
  const freeBytes = storage - usedBytes;
  const what = `${role} Storage: ${code.map((f) => f.name).join(" + ")} ${codeBytes} B + ${slots.map((s) => s.name + " " + s.bytes + " B").join(" + ")} = ${usedBytes} of ${storage} B`;
  let problem = "", fails = false;
  if (usedBytes > storage) {
    problem = `${what}: OVER Storage by ${usedBytes - storage} B`;
    fails = true;
  } else if (usedBytes > targetBytes) {
    problem = `${what}: ${(100 * freeBytes / storage).toFixed(1)} % free after compaction, under ${STORAGE_FREE_MIN * 100} % by ${usedBytes - targetBytes} B`;
    if (!waiver) fails = true;
    else if (usedBytes > waiver.ceilingBytes) {
      problem += ` and over the ceiling of its waiver (package.json meternet.budgets.storageOver.${role}: ${waiver.ceilingBytes} B, issue ${waiver.issue}) by ${usedBytes - waiver.ceilingBytes} B`;
      fails = true;
    } else problem += ` (waived up to ${waiver.ceilingBytes} B until issue ${waiver.issue}: package.json meternet.budgets.storageOver.${role})`;
  }
  return {
    role, storageBytes: storage, code, codeBytes, codeSlotBytes: budgets().storage[role].bundle, slots, usedBytes, freeBytes,
    freeShare: freeBytes / storage, targetBytes, waiver, problem, fails,
  };
}

export function imagesOfRole(role: string): ImageName[] {
  // selftest is not a role of its own: it runs on every image; meterUi is the meter's second
  // Storage file (the touchscreen UI), loaded by the meter images
  return IMAGE_NAMES.filter((i) => role === "selftest" || IMAGES[i].role === (role === "meterUi" ? "meter" : role));
}

/** The code slot of a role, bytes (its code files in Storage, headers included). */
export function bundleSlotBytes(role: string): number | undefined {
  const b = budgets().storage[role];
  return b ? b.bundle : undefined;
}

/**
 * The SPI NOR (boards/STM32F107/README.md "External memory"): its slots ("nor" places
 * above) lie one after the other from address 0 in the order staged, assets, history,
 * meters, each rounded up to a 4 KB sector. The device code's addresses must agree: the
 * aggregator's history starts at NOR_HISTORY_BASE (modules/aggregator/historyOnNor.ts)
 * and takes its profile's and days' sector pairs, its meter list is at NOR_METERS_BASE
 * (modules/aggregator/meterList.ts) (norMap.test.ts checks them).
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

/** The aggregator's FRAM (boards/STM32F107/README.md "External memory"): the saved state after the data slot. */
export const AGG_FRAM = { part: "Fujitsu MB85RS256B (SPI)", bytes: AGG_FRAM_BYTES, stateAddress: FRAM_STATE_BASE } as const;

export interface ExternalUse {
  nor: { part: string; bytes: number; areas: (NorArea & { usedBytes: number; note: string })[]; usedBytes: number };
  fram: { part: string; bytes: number; dataBytes: number; stateBytes: number; meters: number; usedBytes: number; freeBytes: number };
}

/**
 * What the aggregator keeps off its internal flash (build/report.json `external`, written
 * by the web app's build, host/web/assetsPlugin.js): on the NOR the staged update (at most
 * a meter's script slot), the web app (directory sector + the gzipped files, `webFileBytes`),
 * the history (its fixed slots); on the FRAM the data slot and the saved state at 64
 * meters (modules/aggregator/stateOnFram.ts). Throws when an area is over.
 */
export function externalUse(webFileBytes: number, meters = 64): ExternalUse {
  const used: Record<string, [number, string]> = {
    staged: [METER_SLOT_BYTES, "at most a meter's script slot (modules/ota/aggregatorOta.ts METER_SLOT_BYTES)"],
    assets: [NOR.sectorBytes + webFileBytes, "directory sector + the web app's gzipped files (modules/http/assetsOnNor.ts)"],
    history: [NOR_PROFILE_BYTES + NOR_DAYS_BYTES, "96 profile + 32 day slots, two sectors each (historyOnNor.ts)"],
    meters: [METER_RECORDS_AT + METER_LIST_MAX * METER_RECORD_BYTES, "header page + 64 records of 48 B (meterList.ts)"],
  };
  const areas = norAreas("aggregator").map((a) => ({ ...a, usedBytes: used[a.name]?.[0] ?? 0, note: used[a.name]?.[1] ?? "" }));
  for (const a of areas) if (a.usedBytes > a.bytes) throw new Error(`NOR area ${a.name}: ${a.usedBytes} B in ${a.bytes} B (tools/firmware/flashMap.ts, package.json meternet.budgets.storage.aggregator.${a.name})`);
  const dataBytes = budgets().storage.aggregator.data;
  const stateBytes = aggStateBytes(meters);
  if (dataBytes > FRAM_STATE_BASE) throw new Error(`the FRAM's data slot (${dataBytes} B) runs into the state at ${FRAM_STATE_BASE}`);
  const framUsed = FRAM_STATE_BASE + stateBytes;
  if (framUsed > AGG_FRAM_BYTES) throw new Error(`the aggregator's FRAM: ${framUsed} B of ${AGG_FRAM_BYTES} at ${meters} meters`);
  return {
    nor: { part: NOR.part, bytes: NOR.bytes, areas, usedBytes: areas.reduce((s, a) => s + a.usedBytes, 0) },
    fram: { part: AGG_FRAM.part, bytes: AGG_FRAM_BYTES, dataBytes, stateBytes, meters, usedBytes: framUsed, freeBytes: AGG_FRAM_BYTES - framUsed },
  };
}
