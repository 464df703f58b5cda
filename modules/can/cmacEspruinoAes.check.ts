import { KatSuite, expectEqual } from "../selftest/katSuite";
import { espruinoAes } from "../ports/device/aes";
import { Cmac } from "./cmac";
import { fromHex, toHex } from "./hex";
import { meterKey } from "./kdf";

/**
 * RFC 4493 section 4 examples 1-3 (both CMAC code paths) and one KDF
 * answer, on Espruino's require("crypto").AES. Expected values: RFC 4493 and kdf.test.ts
 * (python3-cryptography KBKDFCMAC).
 *
 * Not a *.kat.ts (so not in build/selftest.js): no firmware image has
 * require("crypto").AES any more (tools/firmware/imageFeatures.ts, switches crypto:none
 * and crypto:sha256); the device's CMAC is C (boards/STM32F107/secoc), checked against
 * RFC 4493 by boards/STM32F107/test/secocTest.c on the host and under QEMU. cmac.test.ts
 * runs these checks through the Espruino crypto shim.
 */
export function registerKats(suite: KatSuite): void {
  suite.check("AES-CMAC RFC 4493 examples 1 and 2 (one native CBC call each)", () => {
    const c = new Cmac(espruinoAes(), fromHex("2b7e151628aed2a6abf7158809cf4f3c"));
    expectEqual("empty", toHex(c.mac(new Uint8Array(0))), "bb1d6929e95937287fa37d129b756746");
    expectEqual("16 bytes", toHex(c.mac(fromHex("6bc1bee22e409f96e93d7e117393172a"))), "070a16b46b4d4144f79bdd9dd04a287c");
  });
  suite.check("AES-CMAC RFC 4493 example 3 (JavaScript chaining)", () => {
    const c = new Cmac(espruinoAes(), fromHex("2b7e151628aed2a6abf7158809cf4f3c"));
    expectEqual("K1", toHex(c.k1), "fbeed618357133667c85e08f7236a8de");
    const m = fromHex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411");
    expectEqual("tag", toHex(c.mac(m)), "dfa66747de9ae63030ca32611497c827");
  });
  suite.check("SP 800-108 CMAC KDF meter key for address 5", () => {
    const k = meterKey(espruinoAes(), fromHex("000102030405060708090a0b0c0d0e0f"), 5);
    expectEqual("key", toHex(k), "70924f0c91d46b0ca4e8cbb7c9022e07");
  });
}
