// The AES-128 contract on every implementation: node:crypto (host) and Espruino's
// require("crypto").AES (device, through the test shim of its API).
import { aesContract } from "./aesContract.ts";
import { nodeAes } from "../../../host/ports/aes.ts";
import { espruinoAes } from "../device/aes.ts";
import { installEspruinoCryptoShim } from "../../../host/ports/espruinoCryptoShim.ts";

installEspruinoCryptoShim();
aesContract("host nodeAes", nodeAes);
aesContract("device espruinoAes", espruinoAes);
