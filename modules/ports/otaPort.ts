/**
 * OTA port (issue 18): what the JavaScript of both ends sees of the script updates that
 * run in C behind CAN1 (boards/STM32F107/ota, bound by jswrap/jswrap_ota.c). The
 * transfer, its checks and the switch are C; JavaScript persists the meter's counters,
 * judges the trial and reports. Device: CAN1's methods (ports/device/ota.ts); host: the
 * simulator's CAN1 (host/sim/canHook.ts over host/canbus/otaAttach.ts), whose meters boot
 * through the board's C boot hook (host/sim/meterBoot.ts).
 *
 * The binding's calls as boards/STM32F107/ota/README.md "On CAN1" documents them (with the
 * boot hook's otaBoot(out6) and otaConfirm(healthy), and E.reboot() after a switch) and, on
 * the aggregator, the upload staged on the SPI NOR by the C (stageBegin, stageWrite) and
 * read from there by the sender (send's norAddress and size).
 */

/** Meter events (otaMeterLink.h MN_OTA_EV_*): (type, a, b). */
export const OTA_EV_START = 1; // a: the security counter to persist, b: chunks
export const OTA_EV_PROGRESS = 2; // a: chunks held, b: chunks (every eighth chunk)
export const OTA_EV_VERDICT = 3; // a: 2 verified, 3 failed, 0 manifest refused; b: cause
export const OTA_EV_END = 4; // a: result (0 switched, 1 not verified, 2 switch failed, 3 aborted), b: version

/** The boot hook's report (CAN1.otaBoot(out6), otaBootHook.c): read once at boot. */
export interface OtaBootReport {
  /** 1 while the running script is a trial (not yet confirmed). */
  trial: number;
  /** Why the last trial reverted (otaBoot.h MN_REVERT_*: 0 none, 1 crash, 2 unconfirmed, 3 deadline, 4 invalid), kept until the next switch. */
  reverted: number;
  /** The slot that runs (0 A, 1 B, 255 none). */
  slot: number;
  /** What the hook did: 0 ran, 1 copied the slot in, 2 provisioned, 3 adopted an upload, 4 no script, 5 failed. */
  action: number;
}

/** The meter's side. */
export interface MeterOtaPort {
  /** Takes OTA frames in C from now on: 0, or a negative code (-22 arguments, -28 memory). */
  listen(key16: Uint8Array, address: number, image: number, counter: number, restartCounter: number): number;
  /** (type, a, b) per OTA_EV_*, from the main loop. */
  onEvent(cb: (type: number, a: number, b: number) => void): void;
  /** The boot record as the boot hook left it; null when the firmware has no boot hook. */
  boot(): OtaBootReport | null;
  /** Ends the trial: the new script stays (CAN1.otaConfirm(true)). False when there was none or the record could not be written. */
  confirm(): boolean;
  /** The restart after a switch (E.reboot() on the board): the boot hook then runs the new script in trial. */
  restart(): void;
}

/** The aggregator's side. */
export interface AggOtaPort {
  /**
   * A new image of `size` bytes to stage in the NOR area [norAddress, + areaBytes)
   * (otaNorImage.c: erased as the pieces reach each sector): 0, or -16 an update runs,
   * -19 no NOR answers, -22 arguments, -27 the image does not fit the area or a meter's
   * slot, -28 no memory. `sha256`: the client's digest, checked over the NOR copy.
   */
  stageBegin(norAddress: number, areaBytes: number, size: number, sha256?: Uint8Array): number;
  /**
   * The piece (a byte string) at `offset`, in order: the bytes staged, or -22 (order,
   * size), -5 (a NOR erase, program or read back failed), -74 (whole, but not the
   * client's SHA-256). The piece that completes the image fills `sha256Out` with the
   * SHA-256 read back from the NOR.
   */
  stageWrite(offset: number, data: string, sha256Out?: Uint8Array): number;
  /**
   * Starts an update of `addresses` to the `size` bytes staged at `norAddress` of the
   * SPI NOR: 0, or a negative code (-22 arguments, -5 no verified image there, -74 the
   * NOR copy changed since it was staged, -16 an update runs, -28 no memory for the
   * sender's 4 440 B).
   */
  send(master16: Uint8Array, addresses: Uint8Array, version: number, counter: number, image: number, tag: number, norAddress: number, size: number): number;
  /** The phase (OTA_PHASES) and, in out, 5 numbers per target: address, state (OTA_TARGET_STATES), cause (reverted: the reason), chunks held, chunks. */
  targets(out: Float64Array): number;
  /** 1: commit the verified meters now; 2: cancel. */
  control(what: number): void;
}

/** Aggregator phases and target states (otaAggLink.h), the names the API and the console print. */
export const OTA_PHASES = ["idle", "manifests", "chunks", "status", "commit", "abort", "done", "watching"];
/** trial, confirmed, reverted: a switched meter's boot report (the aggregator asks until it is final); reverted's cause is the reason. */
export const OTA_TARGET_STATES = ["-", "pending", "asking", "receiving", "verified", "switched", "failed", "trial", "confirmed", "reverted"];
/** OTA_TARGET_STATES' "reverted": its cause is a revertReason, not an otaCause. */
export const OTA_T_REVERTED = 9;

/** A refusal's or a failure's cause (otaManifest.h MN_OTA_R_*, otaAggLink.h MN_OTA_F_*). */
export function otaCause(c: number): string {
  if (c < 9) return "ok,format,mac,address,rollback,image,size,hash,staging".split(",")[c];
  if (c === 9) return "no manifest body";
  if (c >= 16 && c <= 19) return "no answer,rounds exhausted,lost the transfer,cancelled".split(",")[c - 16];
  if (c >= 32) return "commit refused (" + (c - 32) + ")";
  return "cause " + c;
}

/** Why a trial reverted (otaBoot.h MN_REVERT_*). */
export function revertReason(r: number): string {
  return r < 5 ? "none,crash,unconfirmed,deadline,invalid".split(",")[r] : "reason " + r;
}
