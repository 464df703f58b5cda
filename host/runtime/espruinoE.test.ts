import { test } from "node:test";
import assert from "node:assert/strict";
import { captured } from "./testHelpers.ts";

// Expected values were measured on the Espruino 2v29 Linux interpreter.

function near(actual: unknown, expected: number, tol = 1e-6): void {
  assert.ok(Math.abs((actual as number) - expected) <= tol, "got " + actual + ", expected " + expected);
}

test("E.sum adds arrays, typed arrays and strings (char codes); rejects other types", () => {
  const { rt } = captured();
  assert.equal(rt.eval("E.sum([1,2,3.5])"), 6.5);
  assert.equal(rt.eval("E.sum(new Int16Array([-1,2,3]))"), 4);
  assert.equal(rt.eval("E.sum('AB')"), 65 + 66);
  assert.equal(rt.eval("E.sum(new Uint8Array([1,2,3]).buffer)"), 6);
  assert.throws(() => rt.eval("E.sum(5)"), /^Error: First argument must be Array, not Number$/);
});

test("E.variance is the SUM of squared deviations, not divided by n (measured: [1,2,3] around 2 gives 2)", () => {
  const { rt } = captured();
  assert.equal(rt.eval("E.variance([1,2,3], 2)"), 2);
  assert.equal(rt.eval("E.variance(new Float32Array([0,4]), 2)"), 8);
  assert.throws(() => rt.eval("E.variance(5, 1)"), /First argument must iterable, not Number/);
});

test("E.convolve wraps the second array at the offset", () => {
  const { rt } = captured();
  assert.equal(rt.eval("E.convolve([1,2,3],[4,5,6],0)"), 32);
  assert.equal(rt.eval("E.convolve([1,2,3],[4,5,6],1)"), 1 * 5 + 2 * 6 + 3 * 4);
  assert.equal(rt.eval("E.convolve([1,2,3],[4,5,6],-1)"), 1 * 6 + 2 * 4 + 3 * 5);
  assert.throws(() => rt.eval("E.convolve([1],5,0)"), /Expecting first 2 arguments to be iterable, not Array and Number/);
});

test("E.FFT forward is scaled by 1/n: a unit cosine at bin 1 of 8 gives 0.5 at bins 1 and 7", () => {
  const { rt } = captured();
  const r = rt.eval(`var re=new Float32Array(8), im=new Float32Array(8);
    for (var k=0;k<8;k++) re[k]=Math.cos(2*Math.PI*k/8);
    E.FFT(re,im); [re[0], re[1], re[7], im[1]]`) as number[];
  near(r[0], 0); near(r[1], 0.5); near(r[2], 0.5); near(r[3], 0);
});

test("E.FFT with only a real array writes back magnitudes", () => {
  const { rt } = captured();
  const r = rt.eval(`var m=new Float32Array(8); for (var k=0;k<8;k++) m[k]=Math.sin(2*Math.PI*2*k/8); E.FFT(m); [m[0], m[2], m[6], m[3]]`) as number[];
  near(r[0], 0); near(r[1], 0.5); near(r[2], 0.5); near(r[3], 0);
});

test("E.FFT inverse is not scaled, so inverse(forward(x)) = x", () => {
  const { rt } = captured();
  const r = rt.eval(`var a=new Float64Array([1,2,3,4]), b=new Float64Array(4); E.FFT(a,b); E.FFT(a,b,true); [a[0],a[1],a[2],a[3],b[1]]`) as number[];
  near(r[0], 1); near(r[1], 2); near(r[2], 3); near(r[3], 4); near(r[4], 0);
});

test("E.FFT with mismatched lengths pads with zeros and writes back each array's own length (measured)", () => {
  const { rt } = captured();
  const r = rt.eval(`var a=[1,2,3,4,5], b=[1,0]; E.FFT(a,b); [a, b]`) as number[][];
  const expectA = [1.875, -0.67677670717, 0.375, -0.32322332262, 0.375];
  const expectB = [0.125, -0.78033006191];
  assert.equal(r[0].length, 5);
  assert.equal(r[1].length, 2);
  expectA.forEach((x, i) => near(r[0][i], x));
  expectB.forEach((x, i) => near(r[1][i], x));
});

test("E.FFT rejects non-iterable arguments with Espruino's message", () => {
  const { rt } = captured();
  assert.throws(() => rt.eval("E.FFT(5)"), /^Error: Expecting first 2 arguments to be iterable or undefined, not Number and undefined$/);
  assert.throws(() => rt.eval("E.FFT([1,2], 3)"), /not Array and Number/);
});

test("E.CRC32 is the standard CRC-32, unsigned (check value of '123456789' is 0xCBF43926)", () => {
  const { rt } = captured();
  assert.equal(rt.eval("E.CRC32('123456789')"), 3421780262);
  assert.equal(rt.eval("E.CRC32([0x31,0x32,0x33,0x34,0x35,0x36,0x37,0x38,0x39])"), 0xcbf43926);
  assert.equal(rt.eval("E.CRC32('')"), 0);
  assert.equal(rt.eval("E.CRC32(undefined)"), undefined);
});

test("E.getErrorFlags returns raised flags once, then clears them; E.on('errorFlag') sees new ones", () => {
  const { rt, out } = captured();
  rt.execute(`E.on('errorFlag', function(f){ print("flag", f.join()); });`);
  assert.equal(rt.eval("JSON.stringify(E.getErrorFlags())"), "[]");
  rt.raiseErrorFlag("FIFO_FULL");
  rt.raiseErrorFlag("FIFO_FULL");
  rt.raiseErrorFlag("CALLBACK");
  assert.equal(out(), "flag FIFO_FULL\nflag CALLBACK\n");
  assert.equal(rt.eval("JSON.stringify(E.getErrorFlags())"), '["FIFO_FULL","CALLBACK"]');
  assert.equal(rt.eval("E.getErrorFlags().length"), 0);
});

test("E.emit queues its listeners until the current code has finished (measured), in order", () => {
  const { rt, out } = captured();
  rt.execute(`function a(){print("a")} function b(){print("b")} E.on('x', a); E.on('x', b); E.emit('x'); print("after");`);
  assert.equal(out(), "after\na\nb\n");
  rt.execute(`E.removeListener('x', a); E.emit('x');`);
  assert.equal(out(), "after\na\nb\nb\n");
});
