/**
 * A simulated meter's boot and script slots (issue 18), through the board's C: the boot
 * hook (boards/STM32F107/ota/otaBootHook.c, the addon's OtaBoot.hook) decides at every
 * reset which slot runs and copies it into Storage's .bootcde, over
 *
 * - the boot record on the meter's FRAM model at 256 (otaBoot.c, two copies);
 * - the meter's W25Q32JV NOR model: slot A at 0x0000, slot B at 0x6000, each with its meta
 *   record (otaNorStaging.h), what the board's SPI NOR holds;
 * - the runtime's Storage (its flash area): .bootcde replaced as Espruino's jsfWriteFile does.
 *
 * The meter's OTA link stages straight into the inactive slot (staging(): the inactive slot
 * marked invalid in the record before its erase, chunks programmed page by page) and its
 * commit writes the slot's meta, marks it valid and switches (jswrap_ota.c ota_commit,
 * otaSwitch.c). What stays played here is the board around the C: the restart 50 ms after
 * a switch (the meter's JavaScript calls E.reboot(), which the host runtime lacks), and
 * the trial deadline jswrap_ota.c's idle hook enforces (the record's revert is otaBoot.c's).
 */
import { createHash } from "node:crypto";
import type { VirtualCanBus } from "../canbus/bus.ts";
import type { EspruinoRuntime } from "../runtime/index.ts";
import type { FramModel } from "../runtime/fram.ts";
import { NorModel } from "../runtime/nor.ts";
import { NOR_PAGE_BYTES, NOR_SECTOR_BYTES } from "../../modules/ports/nor.ts";
import {
  otaAddon, otaBootReport, OTA_BOOT_UNKNOWN, BOOT_F_TRIAL, BOOT_HOOK_ACTIONS, RESET_SOFTWARE, type NativeOtaBoot, type OtaBootIo, type OtaJsStaging,
} from "../native/ota.ts";

/** The boot record's two copies on the meter's FRAM (jswrap_ota.c OTA_FRAM_BOOT_AT). */
export const BOOT_RECORD_AT = 256;
/** otaBoot.h MN_REVERT_DEADLINE. */
const REVERT_DEADLINE = 3;
const SLOT_BYTES = otaAddon().slotBytes;
const META_AT = otaAddon().slotMetaOffset;
const BOOTCODE = ".bootcde";

export interface MeterBootOptions {
  rt: () => EspruinoRuntime;
  fram: FramModel;
  bus: VirtualCanBus;
  /** A trial not confirmed by then reverts (jswrap_ota.c's idle hook, OTA_TRIAL_DEADLINE_MS on the board). */
  trialDeadlineMs: number;
  log: (line: string) => void;
  /** The aggregator's count of this meter's missed polls (its link's), for the update's share of them. */
  missedPolls?: () => number;
}

/**
 * What an update cost the run, apart from the meter's own record (npm start's summary):
 * from the switch (the aggregator told the meter to switch: it is known to be restarting)
 * to the confirmation, or after a revert to the meter's first synchronisation on the
 * previous script, its missed polls and the uncaught errors of a script that reverted.
 */
export interface OtaCost {
  /** Polls missed while an update restarted the meter or ran a trial that reverted. */
  missed: number;
  /** Uncaught errors in trials that reverted (the update failed, not the run). */
  uncaughtReverted: number;
  /** Uncaught errors in trials that were confirmed anyway (the run fails). */
  uncaughtConfirmed: number;
  /** An update's window still open: since the switch, no confirmation and no revert yet. */
  open: boolean;
  /** Uncaught errors in the open window. */
  uncaughtOpen: number;
}

/** What the last boot hook run said (CAN1.otaBoot's out6, jswrap_ota.c). */
export interface BootOutcome { rc: number; slot: number; action: number; reverted: number; trial: number; failedStep: number }

export class MeterBoot {
  readonly boot: NativeOtaBoot;
  /** The meter's SPI NOR: just the two slots' room (the board's is 4 MB). */
  readonly nor = new NorModel(2 * SLOT_BYTES);
  switches = 0;
  reverts = 0;
  last: BootOutcome = { rc: 0, slot: -1, action: 0, reverted: 0, trial: 0, failedStep: 0 };
  private deadline: (() => void) | null = null;
  private staging = -1;
  readonly cost: OtaCost = { missed: 0, uncaughtReverted: 0, uncaughtConfirmed: 0, open: false, uncaughtOpen: 0 };
  private missedAtSwitch = 0;
  /** Reverted: the window closes at the meter's next synchronisation. */
  private closeAtSync = false;

  constructor(private readonly o: MeterBootOptions) {
    const fram = o.fram;
    this.boot = new (otaAddon().OtaBoot)({ read: (off, n) => fram.read(BOOT_RECORD_AT + off, n), write: (off, d) => { fram.write(BOOT_RECORD_AT + off, d); return 0; } });
  }

  /** [seq, active, flags, trialBoots, reverted] of the record in force (all zero when there is none). */
  record(): Float64Array {
    this.boot.load();
    return this.boot.record();
  }

  /** The boot report a STATUS answer carries (otaMeterLink.h MN_OTA_BOOT_*), as jswrap_ota.c sets it at listen. */
  bootReport(): number {
    return this.last.slot < 0 ? OTA_BOOT_UNKNOWN : otaBootReport(!!this.last.trial, this.last.reverted);
  }

  /** The boot hook (otaBootHook.c) before the script runs; a trial gets its deadline. */
  runHook(resetCause: number): BootOutcome {
    if (this.deadline) this.deadline();
    this.deadline = null;
    const r = this.boot.hook(this.io(), resetCause);
    this.last = { rc: r[0], slot: r[1], action: r[2], reverted: r[3], trial: r[4], failedStep: r[5] };
    if (this.last.action !== 0) this.o.log("SIMULATOR: boot hook: " + BOOT_HOOK_ACTIONS[this.last.action] + (this.last.slot >= 0 ? ", slot " + "AB"[this.last.slot] : "") + (this.last.trial ? ", in trial" : ""));
    if (this.last.trial) this.armDeadline();
    return this.last;
  }

  /** A reset: the boot hook, then the script Storage holds. */
  restart(resetCause: number): void {
    this.runHook(resetCause);
    this.o.rt().load();
  }

  /** The inactive slot as the link's staging space; commit() switches to it (jswrap_ota.c ota_prepare, ota_commit). */
  stagingFor(manifest: () => { sizeBytes: number; version: number }): OtaJsStaging {
    return {
      erase: () => {
        this.boot.load();
        if (this.boot.beginStaging() !== 0) return -1; // refused in a trial: its fallback is the other slot
        this.staging = this.boot.record()[1] ^ 1;
        for (let s = 0; s < SLOT_BYTES; s += NOR_SECTOR_BYTES) this.nor.erase(this.staging * SLOT_BYTES + s);
        return 0;
      },
      write: (off, d) => (this.staging < 0 ? -1 : this.program(this.staging * SLOT_BYTES + off, d)),
      read: (off, n) => this.nor.read(Math.max(this.staging, 0) * SLOT_BYTES + off, n),
      commit: () => {
        const m = manifest();
        const slot = this.staging;
        this.boot.load();
        if (slot < 0 || slot !== (this.boot.record()[1] ^ 1)) return -1;
        const sha = createHash("sha256").update(this.nor.read(slot * SLOT_BYTES, m.sizeBytes)).digest();
        if (this.program(slot * SLOT_BYTES + META_AT, otaAddon().slotMeta(m.sizeBytes, m.version, new Uint8Array(sha))) !== 0) return -1;
        if (this.boot.staged() !== 0 || this.boot.switchSlot() !== 0) return -1;
        this.staging = -1;
        this.switches++;
        this.openWindow();
        this.o.log("SIMULATOR: switched to slot " + "AB"[slot] + " in trial; the meter restarts in 50 ms (E.reboot)");
        this.o.bus.scheduler.after(50000, () => this.restart(RESET_SOFTWARE));
        return 0;
      },
    };
  }

  /** CAN1.otaConfirm(healthy): 0 when the trial ended, 1 when there was none; false gives it up (revert, reboot). */
  confirm(healthy: boolean): number {
    if (!this.last.trial) return 1;
    this.boot.load();
    if (healthy) {
      if (this.boot.confirm() !== 0) return -5;
      this.last.trial = 0;
      if (this.deadline) this.deadline();
      this.deadline = null;
      this.closeWindow(false);
      return 0;
    }
    if (this.boot.fail(REVERT_DEADLINE) !== 0) return -5;
    this.reverts++;
    this.closeAtSync = true;
    this.o.bus.scheduler.after(1000, () => this.restart(RESET_SOFTWARE));
    return 0;
  }

  /**
   * A line the meter printed: an uncaught error inside an update's window is the update's
   * (counted by the caller otherwise: false); after a revert, the meter's synchronisation
   * on the previous script closes the window.
   */
  sawLine(line: string): boolean {
    if (!this.cost.open) return false;
    if (/^Uncaught /.test(line)) {
      this.cost.uncaughtOpen++;
      return true;
    }
    if (this.closeAtSync && /^meter \d+: synchronised/.test(line)) this.closeWindow(true);
    return false;
  }

  private openWindow(): void {
    if (this.cost.open) return; // a second switch before the first one's end: one window
    this.cost.open = true;
    this.missedAtSwitch = this.o.missedPolls ? this.o.missedPolls() : 0;
  }

  private closeWindow(reverted: boolean): void {
    if (!this.cost.open) return;
    this.cost.open = false;
    this.closeAtSync = false;
    if (this.o.missedPolls) this.cost.missed += this.o.missedPolls() - this.missedAtSwitch;
    if (reverted) this.cost.uncaughtReverted += this.cost.uncaughtOpen;
    else this.cost.uncaughtConfirmed += this.cost.uncaughtOpen;
    this.cost.uncaughtOpen = 0;
  }

  private armDeadline(): void {
    let live = true;
    this.deadline = () => { live = false; };
    this.o.bus.scheduler.after(this.o.trialDeadlineMs * 1000, () => {
      if (!live) return;
      this.boot.load();
      if (!(this.boot.record()[2] & BOOT_F_TRIAL)) return;
      this.boot.fail(REVERT_DEADLINE);
      this.reverts++;
      this.closeAtSync = true;
      this.o.log("SIMULATOR: trial not confirmed within " + this.o.trialDeadlineMs / 1000 + " s: reverted (deadline), rebooting");
      this.restart(RESET_SOFTWARE);
    });
  }

  /** A NOR program split at page boundaries (a page program wraps inside its page). */
  private program(addr: number, d: Uint8Array): number {
    for (let i = 0; i < d.length;) {
      const n = Math.min(d.length - i, NOR_PAGE_BYTES - ((addr + i) % NOR_PAGE_BYTES));
      this.nor.program(addr + i, d.subarray(i, i + n));
      i += n;
    }
    return 0;
  }

  /** otaBootHook.h mn_boot_io_t over the NOR model and the runtime's Storage. */
  private io(): OtaBootIo {
    const flash = this.o.rt().flash;
    const file = () => flash.find(BOOTCODE);
    return {
      slotRead: (slot, off, n) => this.nor.read(slot * SLOT_BYTES + off, n),
      slotErase: (slot) => { for (let s = 0; s < SLOT_BYTES; s += NOR_SECTOR_BYTES) this.nor.erase(slot * SLOT_BYTES + s); return 0; },
      slotProgram: (slot, off, d) => this.program(slot * SLOT_BYTES + off, d),
      storageSize: () => { const f = file(); return f ? f.size : -1; },
      storageRead: (off, n) => { const f = file()!; return flash.read(f.dataAddr + off, n); },
      storageCreate: (n) => {
        const old = file();
        if (old) flash.markErased(old);
        let f = flash.create(BOOTCODE, n);
        if (!f) { flash.compact(); f = flash.create(BOOTCODE, n); }
        return f ? 0 : -1;
      },
      storageWrite: (off, d) => { const f = file(); if (!f) return -1; flash.write(f.dataAddr + off, d); return 0; },
    };
  }
}
