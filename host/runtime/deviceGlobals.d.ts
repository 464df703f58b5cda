/**
 * The two Espruino globals that device glue under modules/ names: CAN1
 * (modules/link/config.ts) and getTime (modules/ports/device/clock.ts). Host code
 * imports from those modules, so the host typecheck (tsconfig.node.json, which alone
 * includes this file) reads them too. Both exist only inside the Espruino runtime's vm
 * context (globals.ts; CAN1 is host/canbus/bxcanModel.ts there), never in Node's own
 * global scope: host code must not call them.
 */
/// <reference path="../../types/canController.d.ts" />

/** Seconds since start (float), Espruino's clock (as types/espruino.d.ts declares it for app/). */
declare function getTime(): number;
