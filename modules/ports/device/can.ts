import type { SecuredCanController } from "../../can/secured";

/**
 * CAN1: the controller hook, a global object as Espruino names its peripherals
 * (Serial1, SPI1): native bxCAN with SecOC on the device (boards/STM32F107/jswrap/jswrap_can.c,
 * types/canController.d.ts), a BxcanModel on the virtual bus in the host runtime.
 * Throws when the firmware has no CAN hook, so the caller can say so and keep running.
 */
export function deviceCan(): SecuredCanController {
  if (typeof CAN1 === "undefined") throw new Error("CAN1 not found (firmware built without the CAN hook)");
  return CAN1 as unknown as SecuredCanController;
}
