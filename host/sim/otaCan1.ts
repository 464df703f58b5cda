/**
 * CAN1's OTA methods in the simulator (issue 18), as jswrap_ota.c gives them on the
 * boards, over the boards' C (host/canbus/otaAttach.ts through the meterOta addon):
 *
 * - meter: otaListen(key16, address, image, [counter, restart]) and onOta(cb), plus the
 *   boot hook's otaBoot(out6) and otaConfirm(healthy) as jswrap_ota.c documents them. The
 *   link stages into the meter's NOR slot and its commit switches the boot record
 *   (meterBoot.ts: the board's boot hook, otaBootHook.c, at every reset); its STATUS answer
 *   carries the boot report jswrap_ota.c sets (from the hook's outcome, and at confirmation);
 * - aggregator: otaSend(master16, addresses, [version, counter, image, tag, autoCommit,
 *   norAddress, size]) reading the image from the aggregator's SPI NOR model (the staging
 *   the route module writes, modules/ota/aggregatorOta.ts), otaTargets(out), otaControl(what).
 */
import type { VirtualCanBus } from "../canbus/bus.ts";
import type { BxcanModel } from "../canbus/bxcanModel.ts";
import type { EspruinoRuntime } from "../runtime/index.ts";
import type { NorModel } from "../runtime/nor.ts";
import { norStage, type NorStage } from "../native/otaStage.ts";
import { attachOtaAggregator, attachOtaMeter, type OtaAggHandle, type OtaMeterHandle } from "../canbus/otaAttach.ts";
import { OTA_BOOT_CONFIRMED } from "../native/ota.ts";
import type { MeterBoot } from "./meterBoot.ts";

/** The meter's OTA methods of CAN1 for one runtime (made again at each reset, as CAN1's state is lost). */
export function meterOtaMethods(bus: VirtualCanBus, model: BxcanModel, rt: EspruinoRuntime, boot: MeterBoot | undefined, onAttach: (h: OtaMeterHandle) => void): Record<string, unknown> {
  let cb: ((t: number, a: number, b: number) => void) | undefined;
  let handle: OtaMeterHandle | null = null;
  return {
    otaListen: (key16: unknown, address: number, image: number, counters: unknown) => {
      const k = bytesOf(key16), c = bytesOfNumbers(counters);
      if (k.length !== 16 || !(address >= 1 && address <= 63) || !(image === 1 || image === 2)) return -22;
      if (handle) handle.detach();
      const manifest = () => { const i = handle!.native.info(); return { sizeBytes: i[12], version: i[11] }; };
      handle = attachOtaMeter(bus, model, {
        key: k, address, image, storedCounter: c[0] || 0, restartCounter: c[1] || 0,
        staging: boot ? boot.stagingFor(manifest) : undefined,
        onEvent: (t, a, b) => { if (cb) rt.invoke(cb as (...x: unknown[]) => unknown, [t, a, b]); },
      });
      if (boot) handle.native.setBootReport(boot.bootReport());
      onAttach(handle);
      return 0;
    },
    onOta: (f: (t: number, a: number, b: number) => void) => { cb = f; },
    // as jswrap_ota.c: out6 = [slot, action, reverted, trial, failed step, trial boots], returns the action
    otaBoot: boot ? (out: Uint8Array) => {
      const o = boot.last;
      const v = [o.slot < 0 ? 255 : o.slot, o.action, o.reverted, o.trial, o.failedStep, boot.record()[3]];
      for (let i = 0; i < 6 && out && i < out.length; i++) out[i] = v[i];
      return o.action;
    } : undefined,
    otaConfirm: boot ? (healthy: boolean) => {
      const r = boot.confirm(healthy !== false);
      if (r === 0 && healthy !== false && handle) handle.native.setBootReport(OTA_BOOT_CONFIRMED); // jswrap_ota.c: the watch sees it
      return r;
    } : undefined,
  };
}

function bytesOf(v: unknown): Uint8Array {
  const a = v as ArrayLike<number>;
  const out = new Uint8Array(a && typeof a.length === "number" ? a.length : 0);
  for (let i = 0; i < out.length; i++) out[i] = a[i];
  return out;
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
