// The hash port contract on every implementation: node:crypto (host/web/nodeHash.ts:
// the simulator's aggregator and the web tests) and Espruino's require("crypto").SHA256
// (modules/ports/device/hash.ts, through the test shim of its API).
import { hashPortContract } from "./hashPortContract.ts";
import { nodeHash } from "../../../host/web/nodeHash.ts";
import { espruinoHash } from "../device/hash.ts";
import { installEspruinoCryptoShim } from "../../../host/ports/espruinoCryptoShim.ts";

installEspruinoCryptoShim();
const g = globalThis as unknown as { getTime?: () => number };
if (!g.getTime) g.getTime = () => performance.now() / 1000;

hashPortContract("host nodeHash", () => nodeHash);
hashPortContract("device espruinoHash", espruinoHash);
