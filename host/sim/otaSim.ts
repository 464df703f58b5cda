/**
 * CAN1's OTA methods in the simulator (issue 18), as jswrap_ota.c gives them on the
 * boards, over the boards' C (host/canbus/otaAttach.ts through the meterOta addon):
 *
 * - meter: otaListen(key16, address, image, [counter, restart]) and onOta(cb), plus the
 *   boot hook's otaBoot(out6) and otaConfirm(healthy) as jswrap_ota.c documents them;
 * - aggregator: otaStageBegin / otaStageWrite staging the route module's upload
 *   (modules/ota/aggregatorOta.ts) on the aggregator's SPI NOR model through the board's
 *   C (host/native/otaStage.ts), otaSend(master16, addresses, [version, counter, image, tag,
 *   autoCommit, norAddress, size]) sending what is verified there, otaTargets(out), otaControl(what).
 *
 * The boot hook is a stand-in here (MeterBootHook below), the same steps bench/ota/
 * switchRun.ts plays, until the board's C hook (boards/STM32F107/ota/otaBoot.c driven from
 * meternetBoard.c) is in the addon: the record (otaBoot.c, the real C) on the meter's
 * FRAM model at 256; the two script slots kept here (the NOR's on the board); "start"
 * marks the inactive slot invalid, "verified" valid, a switch makes it active in trial
 * and restarts the meter on it 50 ms later (on the board the meter's JavaScript calls
 * E.reboot(), which the host runtime lacks; the commit answer leaves first); a trial not
 * confirmed within `trialDeadlineMs` reverts (reason "deadline") and restarts on the
 * previous script.
 */
import type { VirtualCanBus } from "../canbus/bus.ts";
import type { BxcanModel } from "../canbus/bxcanModel.ts";
import type { EspruinoRuntime } from "../runtime/index.ts";
import type { FramModel } from "../runtime/fram.ts";
import type { NorModel } from "../runtime/nor.ts";
import { attachOtaAggregator, attachOtaMeter, type OtaAggHandle, type OtaMeterHandle } from "../canbus/otaAttach.ts";
import { norStage, type NorStage } from "../native/otaStage.ts";
import { otaAddon, OTA_EV_END, OTA_EV_START, OTA_EV_VERDICT, OTA_VERIFIED, BOOT_F_TRIAL, BOOT_F_VALID_A, RESET_POWER, type NativeOtaBoot } from "../native/ota.ts";

/** The boot record's two copies on the meter's FRAM (host/native/otaPowerCut.test.ts, otaBoot.h). */
export const BOOT_RECORD_AT = 256;
/** otaBoot.h MN_REVERT_DEADLINE. */
const REVERT_DEADLINE = 3;

function bytesOf(v: unknown): Uint8Array {
  const a = v as ArrayLike<number>;
  const out = new Uint8Array(a && typeof a.length === "number" ? a.length : 0);
  for (let i = 0; i < out.length; i++) out[i] = a[i];
  return out;
}

/** What the boot hook stand-in needs of its meter. */
export interface MeterBootOptions {
  rt: () => EspruinoRuntime;
  fram: FramModel;
  bus: VirtualCanBus;
  /** The script the meter ran before any update (its slot A). */
  factoryScript: () => string;
  /** A trial not confirmed by then reverts (the board: otaBoot.c's deadline, the watchdog). */
  trialDeadlineMs: number;
  log: (line: string) => void;
}

/** The board's boot hook, played: record, slots, switch, restart, trial deadline. */
export class MeterBootHook {
  readonly boot: NativeOtaBoot;
  readonly slots: [string, string] = ["", ""];
  private staging = -1;
  private deadline: (() => void) | null = null;
  switches = 0;
  reverts = 0;
  /** What the last boot did (otaBootHook.h): 0 ran, 1 copied the slot into Storage. */
  lastAction = 0;

  constructor(private readonly o: MeterBootOptions) {
    const fram = o.fram;
    this.boot = new (otaAddon().OtaBoot)({ read: (off, n) => fram.read(BOOT_RECORD_AT + off, n), write: (off, d) => { fram.write(BOOT_RECORD_AT + off, d); return 0; } });
  }

  /** [seq, active, flags, trialBoots, reverted]; a new meter gets the factory record (slot A valid and active). */
  record(): Float64Array {
    if (this.boot.load() !== 0) {
      this.boot.setRecord(0, BOOT_F_VALID_A);
      this.boot.save();
    }
    if (!this.slots[0] && !this.slots[1]) this.slots[this.boot.record()[1]] = this.o.factoryScript();
    return this.boot.record();
  }

  /** The meter's OTA event, after its JavaScript got it. */
  event(type: number, a: number, staged: () => Uint8Array): void {
    this.record();
    if (type === OTA_EV_START) {
      this.staging = this.boot.record()[1] ^ 1;
      this.boot.beginStaging();
    } else if (type === OTA_EV_VERDICT && a === OTA_VERIFIED && this.staging >= 0) {
      this.slots[this.staging] = Buffer.from(staged()).toString("latin1"); // the stored (pretokenised) bytes, as Storage holds them
      this.boot.staged();
    } else if (type === OTA_EV_END && a === 0 && this.staging >= 0) {
      this.boot.switchSlot();
      this.staging = -1;
      this.switches++;
      this.o.log("SIMULATOR: boot hook: switched to slot " + this.boot.record()[1] + " in trial; restarting in 50 ms");
      this.o.bus.scheduler.after(50000, () => this.restart());
    }
  }

  /** The reset: decide, put the active slot in Storage (.bootcde), run it; a trial gets its deadline. */
  restart(): void {
    if (this.deadline) this.deadline();
    this.deadline = null;
    this.record();
    const slot = this.boot.decide(RESET_POWER);
    const rt = this.o.rt();
    if (slot >= 0) rt.eval(`require("Storage").write(".bootcde", ${JSON.stringify(this.slots[slot])})`);
    this.lastAction = slot >= 0 ? 1 : 4;
    rt.load();
    if (this.boot.record()[2] & BOOT_F_TRIAL) this.armDeadline();
  }

  private armDeadline(): void {
    let live = true;
    this.deadline = () => { live = false; };
    this.o.bus.scheduler.after(this.o.trialDeadlineMs * 1000, () => {
      if (!live) return;
      this.record();
      if (!(this.boot.record()[2] & BOOT_F_TRIAL)) return;
      this.boot.fail(REVERT_DEADLINE);
      this.reverts++;
      this.o.log("SIMULATOR: boot hook: trial not confirmed within " + this.o.trialDeadlineMs / 1000 + " s: reverted (deadline), restarting on the previous script");
      this.restart();
    });
  }

  /** CAN1.otaConfirm(healthy): 0 when the trial ended, 1 when there was none; false gives it up (revert, restart). */
  confirm(healthy: boolean): number {
    this.record();
    if (!(this.boot.record()[2] & BOOT_F_TRIAL)) return 1;
    if (healthy) return this.boot.confirm() === 0 ? 0 : -5;
    this.boot.fail(REVERT_DEADLINE);
    this.reverts++;
    this.o.bus.scheduler.after(1000, () => this.restart());
    return 0;
  }
}

/** The meter's OTA methods of CAN1 for one runtime (made again at each reset, as CAN1's state is lost). */
export function meterOtaMethods(bus: VirtualCanBus, model: BxcanModel, rt: EspruinoRuntime, hook: MeterBootHook | undefined, onAttach: (h: OtaMeterHandle) => void): Record<string, unknown> {
  let cb: ((t: number, a: number, b: number) => void) | undefined;
  let handle: OtaMeterHandle | null = null;
  return {
    otaListen: (key16: unknown, address: number, image: number, counters: unknown) => {
      const k = bytesOf(key16), c = bytesOfNumbers(counters);
      if (k.length !== 16 || !(address >= 1 && address <= 63) || !(image === 1 || image === 2)) return -22;
      if (handle) handle.detach();
      handle = attachOtaMeter(bus, model, {
        key: k, address, image, storedCounter: c[0] || 0, restartCounter: c[1] || 0,
        onEvent: (t, a, b) => {
          if (cb) rt.invoke(cb as (...x: unknown[]) => unknown, [t, a, b]);
          if (hook && handle) hook.event(t, a, () => handle!.native.staged());
        },
      });
      onAttach(handle);
      return 0;
    },
    onOta: (f: (t: number, a: number, b: number) => void) => { cb = f; },
    // as jswrap_ota.c: out6 = [slot, action, reverted, trial, failed step, trial boots], returns the action
    otaBoot: hook ? (out: Uint8Array) => {
      const r = hook.record();
      const v = [r[1], hook.lastAction, r[4], r[2] & BOOT_F_TRIAL ? 1 : 0, 0, r[3]];
      for (let i = 0; i < 6 && out && i < out.length; i++) out[i] = v[i];
      return hook.lastAction;
    } : undefined,
    otaConfirm: hook ? (healthy: boolean) => hook.confirm(healthy !== false) : undefined,
  };
}

function bytesOfNumbers(v: unknown): number[] {
  const a = v as ArrayLike<number>;
  const out: number[] = [];
  for (let i = 0; a && i < a.length; i++) out.push(Number(a[i]));
  return out;
}

/** The aggregator's OTA methods of CAN1 for one runtime: the image is staged on its NOR and read from there, by the board's C. */
export function aggregatorOtaMethods(bus: VirtualCanBus, model: BxcanModel, nor: NorModel | undefined, onAttach: (h: OtaAggHandle | null) => void): Record<string, unknown> {
  let handle: OtaAggHandle | null = null;
  let stage: NorStage | null = null; // the C's staging state: from the first otaStageBegin of this runtime
  let attached = false;
  const running = () => !!handle && handle.native.memory()[0] > 0;
  return {
    otaStageBegin: (at: number, area: number, size: number, sha?: Uint8Array) => {
      if (!nor) return -19;
      if (running()) return -16;
      if (!stage) stage = norStage(nor);
      return stage.stageBegin(at, area, size, sha ? bytesOf(sha) : undefined);
    },
    otaStageWrite: (offset: number, data: string, sha?: Uint8Array) => (stage ? stage.stageWrite(offset, data, sha) : -22),
    otaSend: (master16: unknown, addresses: unknown, manifest: unknown) => {
      const key = bytesOf(master16), addr = bytesOf(addresses), m = bytesOfNumbers(manifest);
      if (key.length !== 16 || addr.length < 1 || addr.length > 64 || m.length < 7) return -22;
      if (running()) return -16;
      if (!stage) return -5;
      if (handle && attached) handle.detach(); // the last update's hooks go first (they are the model's); its summary stays readable
      attached = false;
      let h: OtaAggHandle;
      try {
        h = attachOtaAggregator(bus, model, { bytes: { staged: stage.image, norAddress: m[5], size: m[6] }, masterKey: key, addresses: Array.from(addr), version: m[0], counter: m[1], image: m[2], tag: m[3] & 255, autoCommit: !!m[4] });
      } catch (e) {
        const code = (e as { code?: number }).code;
        if (typeof code === "number") return code; // refused before anything went out (-5, -74, -22)
        throw e;
      }
      handle = h;
      attached = true;
      onAttach(handle);
      return 0;
    },
    otaTargets: (out: unknown) => {
      if (!handle) return 0;
      const t = handle.native.targets(), o = out as Float64Array;
      for (let i = 0; o && i < t.length && i < o.length; i++) o[i] = t[i];
      return handle.native.phase();
    },
    otaControl: (what: number) => {
      if (handle && what === 1) handle.native.commit();
      if (handle && what === 2) handle.native.cancel();
    },
  };
}
