/**
 * Typed loader of the OTA addon (build/Release/meterOta.node, built by `npm install`
 * from binding.gyp): the links of boards/STM32F107/ota that CAN1 runs on the meter
 * (otaMeterLink.c) and on the aggregator (otaAggLink.c). host/canbus/otaAttach.ts puts
 * them behind the simulator's bxCAN models.
 */
import { loadAddon } from "./loadAddon.ts";

/** Meter events (otaMeterLink.h MN_OTA_EV_*): what JavaScript sees of a transfer. */
export const OTA_EV_START = 1;
export const OTA_EV_PROGRESS = 2;
export const OTA_EV_VERDICT = 3;
export const OTA_EV_END = 4;
/** Receiver states (otaReceiver.h). */
export const OTA_IDLE = 0;
export const OTA_RECEIVING = 1;
export const OTA_VERIFIED = 2;
export const OTA_FAILED = 3;
/** Aggregator phases and target states (otaAggLink.h). */
export const OTA_PHASES = ["idle", "manifests", "chunks", "status", "commit", "abort", "done", "watching"] as const;
export const OTA_TARGET_STATES = ["-", "pending", "asking", "receiving", "verified", "switched", "failed", "trial", "confirmed", "reverted"] as const;
export const OTA_PH_DONE = 6;
/** The switched meters are asked for their boot reports (otaAggLink.h MN_OTA_PH_WATCHING): the transfer is over. */
export const OTA_PH_WATCHING = 7;
export const OTA_T_TRIAL = 7;
export const OTA_T_CONFIRMED = 8;
export const OTA_T_REVERTED = 9;
/** The boot report in a STATUS answer at rest (otaMeterLink.h MN_OTA_BOOT_*): 0 confirmed, 1 trial, 1 + MN_REVERT_* reverted, 15 unknown. */
export const OTA_BOOT_CONFIRMED = 0;
export const OTA_BOOT_TRIAL = 1;
export const OTA_BOOT_UNKNOWN = 15;
export function otaBootReport(trial: boolean, reverted: number): number {
  return trial ? OTA_BOOT_TRIAL : reverted ? 1 + reverted : OTA_BOOT_CONFIRMED;
}
export const OTA_T_VERIFIED = 4;
export const OTA_T_SWITCHED = 5;
export const OTA_T_FAILED = 6;
/** Why a meter refused, or why the aggregator gave a target up (otaManifest.h MN_OTA_R_*, otaAggLink.h MN_OTA_F_*). */
export function otaCauseName(c: number): string {
  const r = ["ok", "format", "mac", "address", "rollback", "image", "size", "hash", "staging"];
  if (c < r.length) return r[c];
  if (c === 16) return "no answer";
  if (c === 17) return "rounds exhausted";
  if (c === 18) return "lost the transfer";
  if (c === 19) return "cancelled";
  if (c === 9) return "no manifest body";
  if (c >= 32) return "commit refused (" + (c - 32) + ")";
  return "cause " + c;
}

export type OtaHwSend = (id: number, data: Uint8Array) => number;

export interface NativeOtaMeter {
  /** 1 when the frame was an OTA frame (taken before JavaScript), 0 otherwise. */
  frame(id: number, dlc: number, data: Uint8Array, nowMs: number): number;
  tick(nowMs: number): void;
  pump(send: OtaHwSend): number;
  /** The next event's type (OTA_EV_*), out <- [a, b]; 0 when none. */
  event(out: Uint32Array): number;
  /** [state, have, total, storedCounter, lastCause, stray, duplicates, eventsLost, requests, badRequests, queueOverflows, version, sizeBytes, writes, erases] */
  info(): Float64Array;
  /** Refusals by cause (MN_OTA_R_*). */
  refused(): Uint32Array;
  /** The staged bytes of the current manifest's size. */
  staged(): Uint8Array;
  /** What the commit callback returns (0: the switch works). */
  setCommitResult(code: number): void;
  /** The boot report a STATUS answer at rest carries (OTA_BOOT_*; jswrap_ota.c sets it from the boot hook's record, and at confirmation). */
  setBootReport(report: number): void;
  /** The next n staging writes fail. */
  failWrites(n: number): void;
  /** true: transfer states cannot be allocated (the chip without the JsVars for one). */
  failAlloc(on: boolean): void;
  /** [bytes held at rest, transfer state bytes held now (0 at rest), allocations, manifests refused for memory, stalled transfers dropped] */
  memory(): Float64Array;
}

export interface OtaManifestFields {
  version: number;
  counter: number;
  /** 1: 50 Hz meter image, 2: 60 Hz (otaManifest.h MN_OTA_IMAGE_*). */
  image: number;
  tag: number;
}

/** The aggregator's upload staged on its NOR (otaNorImage.c over w25q.c over an SPI object speaking W25Q). */
export interface NativeOtaNorImage {
  /** (norAddress, areaBytes, size, sha256?) -> 0, -19 no NOR, -22 area, -27 does not fit (otaNorImage.h). */
  begin(norAddress: number, areaBytes: number, size: number, sha256?: Uint8Array): number;
  /** The piece at offset -> bytes staged, -22 order/size, -5 the NOR failed, -74 not the client's SHA-256. */
  write(offset: number, data: Uint8Array): number;
  /** [state (0 empty, 1 writing, 2 verified, 3 failed), written, size, programs, erases, failures, norAddress] */
  info(): Float64Array;
  /** The NOR copy's SHA-256 once verified. */
  sha256(): Uint8Array;
}
/** otaNorImage.h MN_NIMG_*. */
export const NIMG_VERIFIED = 2;
export const NIMG_FAILED = 3;

export interface NativeOtaAgg {
  frame(id: number, dlc: number, data: Uint8Array, nowMs: number): number;
  tick(nowMs: number): void;
  /** The next chunk frame's id with out <- data, or -1 when none is due. */
  chunk(out: Uint8Array): number;
  pump(send: OtaHwSend): number;
  phase(): number;
  /** Per target [address, state, cause, have, total]. */
  targets(): Float64Array;
  /** [chunkFrames, rounds, exchanges, timeouts, badAnswers, controlFrames, queueOverflows, chunks] */
  counters(): Float64Array;
  commit(): void;
  cancel(): void;
  sha256(): Uint8Array;
  /** [sender state bytes held now (0 once the update is over: freed, as on the chip), summary bytes kept, allocations, frees] */
  memory(): Float64Array;
  /** The switched meter whose boot report the last frame completed (the watch heard it: it runs), 0 none; cleared by the read (otaAggLink.h mn_ota_agg_heard). */
  heard(): number;
}

/** A staging space in JavaScript (the power-cut test's flash model); commit() is the switch (0: done). */
export interface OtaJsStaging {
  erase(bytes: number): number | void;
  write(offset: number, data: Uint8Array): number | void;
  read(offset: number, n: number): Uint8Array;
  commit?(): number;
}

/** otaBoot.c over a record store in JavaScript (the FRAM model): the C's codes; record() = [seq, active, flags, trialBoots, reverted]. */
export interface NativeOtaBoot {
  load(): number;
  save(): number;
  decide(resetCause: number): number;
  beginStaging(): number;
  staged(): number;
  switchSlot(): number;
  confirm(): number;
  fail(reason: number): number;
  record(): Float64Array;
  setRecord(active: number, flags: number): void;
  /** The device's boot hook (otaBootHook.c) over io: [rc, slot, action, reverted, trial, failedStep]. */
  hook(io: OtaBootIo, resetCause: number): Float64Array;
}
/** The boot hook's NOR slots and Storage .bootcde (otaBootHook.h mn_boot_io_t); a throw is a power cut. */
export interface OtaBootIo {
  slotRead(slot: number, offset: number, n: number): Uint8Array;
  slotErase(slot: number): number;
  slotProgram(slot: number, offset: number, data: Uint8Array): number;
  storageSize(): number;
  storageRead(offset: number, n: number): Uint8Array;
  storageCreate(n: number): number;
  storageWrite(offset: number, data: Uint8Array): number;
}
/** Boot hook actions (otaBootHook.h MN_HOOK_*). */
export const BOOT_HOOK_ACTIONS = ["ran", "copied", "provisioned", "adopted", "no script", "failed"] as const;
export const BOOT_F_TRIAL = 1;
export const BOOT_F_VALID_A = 2;
export const BOOT_F_VALID_B = 4;
export const BOOT_F_COPY = 8;
export const RESET_POWER = 0;
export const RESET_WATCHDOG = 1;
export const RESET_SOFTWARE = 2;

interface Addon {
  OtaMeter: new (key16: Uint8Array, address: number, image: number, storedCounter: number, restartCounter: number, capacityBytes: number, staging?: OtaJsStaging) => NativeOtaMeter;
  OtaBoot: new (store: { read(offset: number, n: number): Uint8Array; write(offset: number, data: Uint8Array): number | void }) => NativeOtaBoot;
  /** image: the bytes, or an OtaNorImage whose verified image is sent (m.norAddress, m.size): a refusal throws with `code`. */
  OtaAgg: new (image: Uint8Array | NativeOtaNorImage, master16: Uint8Array, addresses: Uint8Array, m: OtaManifestFields & { norAddress?: number; size?: number }, autoCommit: boolean, nowMs: number) => NativeOtaAgg;
  /** (spi {send(bytes, cs): Uint8Array}, cs): host/runtime/nor.ts norSpi over the NOR model. */
  OtaNorImage: new (spi: { send(data: Uint8Array, cs: string): unknown }, cs: string) => NativeOtaNorImage;
  maxBytes: number;
  /** The 48-byte slot meta record (otaBootHook.h) for (size, version, sha256). */
  slotMeta(sizeBytes: number, version: number, sha256: Uint8Array): Uint8Array;
  /** NOR script slot and where its meta record lies in it (otaNorStaging.h). */
  slotBytes: number;
  slotMetaOffset: number;
}

export function otaAddon(): Addon {
  return loadAddon<Addon>("meterOta", "OTA", "install libmbedtls-dev, then ");
}
