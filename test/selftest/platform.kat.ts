import { KatSuite, expectEqual, expectNear } from "../../modules/selftest/katSuite";

/**
 * Known answers of the Espruino built-ins our modules rely on. On the real interpreter
 * these confirm the documented behaviour; under host/ they check the emulation.
 * Expected values are computed by hand (see each comment), not by either runtime.
 */
export function registerKats(suite: KatSuite): void {
  suite.check("E.sum of a Float32Array", () => {
    expectNear("sum", E.sum(new Float32Array([1, 2, 3.5])), 6.5, 1e-9);
  });
  suite.check("E.variance is the sum of squared deviations from the given mean", () => {
    // Espruino 2v29 does not divide by the count (measured on the real interpreter):
    // (1-2)^2 + (2-2)^2 + (3-2)^2 = 2
    expectNear("variance", E.variance([1, 2, 3], 2), 2, 1e-9);
  });
  suite.check("E.convolve at an offset", () => {
    // 1*4 + 2*5 + 3*6 = 32
    expectNear("convolve", E.convolve([1, 2, 3], [4, 5, 6], 0), 32, 1e-9);
  });
  suite.check("E.CRC32 of '123456789'", () => {
    // The CRC-32 check value of the catalogue of parametrised CRCs.
    expectEqual("crc", E.CRC32("123456789") >>> 0, 0xcbf43926);
  });
  suite.check("E.FFT of a pure cosine puts the energy in one bin", () => {
    const re = new Float32Array(8);
    const im = new Float32Array(8);
    for (let k = 0; k < 8; k++) re[k] = Math.cos((2 * Math.PI * k) / 8);
    E.FFT(re, im);
    // Espruino scales the forward transform by 1/N (measured on the real
    // interpreter): cos at bin 1 of 8 gives X[1] = X[7] = (N/2)/N = 0.5, elsewhere 0.
    expectNear("re[1]", re[1], 0.5, 1e-5);
    expectNear("re[7]", re[7], 0.5, 1e-5);
    expectNear("re[0]", re[0], 0, 1e-5);
    expectNear("im[1]", im[1], 0, 1e-5);
  });
  suite.check("typed array subarray shares memory", () => {
    const a = new Int16Array([1, 2, 3, 4]);
    const b = a.subarray(1, 3);
    b[0] = 9;
    expectEqual("a[1]", a[1], 9);
    expectEqual("length", b.length, 2);
  });
}
