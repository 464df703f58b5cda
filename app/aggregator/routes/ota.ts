// Storage module (modules/aggregator/pages/routeTable.ts): built alone, its text evaluates
// to this one function; the resident server loads it for GET/POST /api/ota (issue 18).
// Wiring only: the OTA API (modules/ota/aggregatorOta.ts) over the device's CAN1 binding,
// Storage, each made for the request and garbage after it (the NOR is the C's: CAN1.otaStage*).
import { otaRoutes } from "../../../modules/ota/aggregatorOta";
import { deviceAggOta } from "../../../modules/ports/device/ota";
import { readJsonFile, writeJsonFile } from "../../../modules/ports/device/configFile";
import { key16, CONFIG_FILE } from "../../../modules/link/config";
import type { WebApp } from "../../../modules/aggregator/pages/webApp";
import type { Ctx, Reply } from "../../../modules/http/types";

/** Espruino's base64 decoder (kept in the aggregator image: tools/firmware/imageFeatures.ts). */
declare const atob: (s: string) => string;

export default function (app: WebApp, c: Ctx, k: string): Reply {
  return otaRoutes({
    ota: deviceAggOta(),
    masterKey: function () {
      const f = readJsonFile(CONFIG_FILE) as { masterKeyHex?: string } | undefined;
      return f && f.masterKeyHex ? key16(f.masterKeyHex, "masterKeyHex") : null;
    },
    readState: function () { return readJsonFile("ota.json") as { counter?: number } | undefined; },
    writeState: function (s) { return writeJsonFile("ota.json", s); },
    decode64: atob,
  })(app, c, k);
}
