import { KatSuite, expectEqual } from "../../modules/selftest/katSuite";

/**
 * Known answers of the Espruino built-ins our modules rely on. On the real interpreter
 * these confirm the documented behaviour; under host/ they check the emulation.
 * E.FFT, E.sum, E.variance and E.convolve are not among them: the C kernel and metering
 * chain do that maths, and the images compile them out (tools/firmware/imageFeatures.ts
 * blacklist:E-dsp); host/runtime/espruinoE.test.ts keeps the emulation's answers.
 * Expected values are computed by hand (see each comment), not by either runtime.
 */
export function registerKats(suite: KatSuite): void {
  suite.check("E.CRC32 of '123456789'", () => {
    // The CRC-32 check value of the catalogue of parametrised CRCs.
    expectEqual("crc", E.CRC32("123456789") >>> 0, 0xcbf43926);
  });
  suite.check("typed array subarray shares memory", () => {
    const a = new Int16Array([1, 2, 3, 4]);
    const b = a.subarray(1, 3);
    b[0] = 9;
    expectEqual("a[1]", a[1], 9);
    expectEqual("length", b.length, 2);
  });
}
