import type { MeterOtaPort, AggOtaPort, OtaBootReport } from "../otaPort";

/**
 * The OTA binding on CAN1 (boards/STM32F107/jswrap/jswrap_ota.c; the simulator's CAN1,
 * host/sim/canHook.ts): its methods are BxCanController's optional members, generated into
 * types/canController.d.ts from the jswrap blocks (each image has one end's).
 */
type OtaCan = Pick<BxCanController, "otaListen" | "onOta" | "otaBoot" | "otaConfirm" | "otaSend" | "otaTargets" | "otaControl" | "otaStageBegin" | "otaStageWrite">;

/** The meter's OTA port on CAN1, or null when the firmware has none (said by the caller). */
export function deviceMeterOta(): MeterOtaPort | null {
  const can = (typeof CAN1 === "undefined" ? undefined : CAN1) as unknown as OtaCan | undefined;
  if (!can || !can.otaListen || !can.onOta) return null;
  return {
    listen: function (key16, address, image, counter, restart) { return can.otaListen!(key16, address, image, [counter, restart]); },
    onEvent: function (cb) { can.onOta!(cb); },
    boot: function (): OtaBootReport | null {
      if (!can.otaBoot) return null;
      const r = new Uint8Array(6);
      const action = can.otaBoot(r);
      return { trial: r[3], reverted: r[2], slot: r[0], action: action };
    },
    confirm: function () { return !!can.otaConfirm && can.otaConfirm(true) === 0; },
    // the simulator's runtime has no E.reboot: its board model restarts the meter after a switch (host/sim/meterBoot.ts)
    restart: function () {
      const e = E as unknown as { reboot?: () => void };
      if (typeof e.reboot === "function") e.reboot();
    },
  };
}

/** The aggregator's OTA port on CAN1, or null when the firmware has none. */
export function deviceAggOta(): AggOtaPort | null {
  const can = (typeof CAN1 === "undefined" ? undefined : CAN1) as unknown as OtaCan | undefined;
  if (!can || !can.otaSend || !can.otaTargets || !can.otaStageBegin || !can.otaStageWrite) return null;
  return {
    stageBegin: function (at, area, size, sha) { return can.otaStageBegin!(at, area, size, sha); },
    stageWrite: function (offset, data, sha) { return can.otaStageWrite!(offset, data, sha); },
    // [version, counter, image, tag, autoCommit, norAddress, size]: the image staged on the NOR by stageBegin/stageWrite
    send: function (master16, addresses, version, counter, image, tag, norAddress, size) { return can.otaSend!(master16, addresses, [version, counter, image, tag, 1, norAddress, size]); },
    targets: function (out) { return can.otaTargets!(out); },
    control: function (what) { can.otaControl!(what); },
  };
}
