/**
 * FramPort contract: the host model and the device drivers (ports/device/fram.ts over
 * Espruino's I2C API, here answered by the host's MB85RC64TA protocol model; the
 * aggregator's ports/device/spiFram.ts over its SPI, answered by host/runtime/framSpi.ts)
 * run the same checks. The device driver reaches a real part only on a board: no QEMU machine
 * models an STM32 I2C peripheral.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FramPort } from "./fram.ts";
import { i2cFram } from "./device/fram.ts";
import { FramModel, PowerCut, framI2c, MB85RC64_BYTES, MB85RC64_I2C_ADDRESS } from "../../host/runtime/fram.ts";
import { spiFram, spiFramAnswers } from "./device/spiFram.ts";
import type { SpiBus } from "./device/spiNor.ts";
import { framSpi } from "../../host/runtime/framSpi.ts";

function framContract(name: string, make: () => { port: FramPort; model: FramModel }): void {
  test(`${name}: 8 KB; bytes written come back; neighbours untouched`, () => {
    const { port } = make();
    assert.equal(port.sizeBytes, 8192);
    const data = new Uint8Array([1, 2, 3, 0xff, 0]);
    assert.equal(port.write(100, data), true);
    assert.deepEqual([...port.read(99, 7)], [0, 1, 2, 3, 0xff, 0, 0]);
  });
  test(`${name}: a write across a 32-byte boundary and at the last byte`, () => {
    const { port } = make();
    const data = new Uint8Array(128).map((_, i) => (i * 7 + 3) & 255);
    assert.ok(port.write(8192 - 128, data));
    assert.deepEqual([...port.read(8192 - 128, 128)], [...data]);
    assert.ok(port.write(8191, new Uint8Array([0x5a])));
    assert.deepEqual([...port.read(8191, 1)], [0x5a]);
  });
  test(`${name}: a range outside the part throws an Error naming it`, () => {
    const { port } = make();
    assert.throws(() => port.read(8190, 3), /FRAM range 8190\+3 outside 0..8192/);
    assert.throws(() => port.write(-1, new Uint8Array(1)), /FRAM range -1\+1/);
  });
  test(`${name}: a cut during a write keeps the prefix and the old bytes after it`, () => {
    const { port, model } = make();
    port.write(0, new Uint8Array(16).fill(0xaa));
    model.armCut(0, 5);
    // the model throws PowerCut; the device driver reports the failed transfer as false
    let r: boolean | string;
    try { r = port.write(0, new Uint8Array(16).fill(0x11)); } catch (e) { r = e instanceof PowerCut ? "cut" : String(e); }
    assert.ok(r === "cut" || r === false, String(r));
    assert.equal(model.powered, false);
    assert.throws(() => port.read(0, 1), /power cut|does not answer/);
    model.powerOn();
    assert.deepEqual([...port.read(0, 16)], [...new Array(5).fill(0x11), ...new Array(11).fill(0xaa)]);
  });
}

framContract("host FramModel", () => {
  const model = new FramModel(MB85RC64_BYTES);
  return { port: model, model };
});

framContract("device i2cFram over the MB85RC64 I2C model", () => {
  const model = new FramModel(MB85RC64_BYTES);
  const bus = framI2c(model);
  bus.setup({ scl: "B6", sda: "B7", bitrate: 400000 });
  return { port: i2cFram(bus, MB85RC64_I2C_ADDRESS, MB85RC64_BYTES), model };
});

test("device i2cFram: a part that does not acknowledge reads as an actionable Error, writes as false", () => {
  const bus = framI2c(new FramModel());
  bus.setup({});
  const port = i2cFram(bus, 0x51, 8192);
  assert.throws(() => port.read(0, 4), /FRAM at I2C 81 does not answer: check SDA\/SCL, pull-ups, address/);
  assert.equal(port.write(0, new Uint8Array(4)), false);
});

test("device i2cFram: the I2C transfers are the datasheet's (address high byte first, repeated start for reads)", () => {
  const log: string[] = [];
  const model = new FramModel();
  const bus = framI2c(model);
  bus.setup({});
  const spy = {
    writeTo(a: number | { address: number; stop: boolean }, d: Uint8Array) { log.push("w " + JSON.stringify(a) + " " + [...d].join(",")); bus.writeTo(a, d); },
    readFrom(a: number, n: number) { log.push("r " + a + " " + n); return bus.readFrom(a, n); },
  };
  const port = i2cFram(spy, 0x50, 8192);
  port.write(0x1234, new Uint8Array([9, 8]));
  port.read(0x1234, 2);
  assert.deepEqual(log, ["w 80 18,52,9,8", 'w {"address":80,"stop":false} 18,52', "r 80 2"]);
});

framContract("device spiFram over the MB85RS SPI model (8 KB; the aggregator's 32 KB part has the same commands)", () => {
  const model = new FramModel(MB85RC64_BYTES);
  const bus = framSpi(model, "B6", { setup: () => {}, send: () => { throw new Error("another chip select: nothing there"); } });
  bus.setup();
  return { port: spiFram(bus as unknown as SpiBus, "B6", MB85RC64_BYTES), model };
});

test("spiFram: a part answers with its status register; nothing on the chip select reads 0xFF", () => {
  const model = new FramModel(MB85RC64_BYTES);
  const bus = framSpi(model, "B6", { setup: () => {}, send: (d: unknown) => new Uint8Array((d as Uint8Array).length).fill(0xff) }) as unknown as SpiBus;
  assert.equal(spiFramAnswers(bus, "B6"), true);
  assert.equal(spiFramAnswers(bus, "A3"), false);
  // a write without the part's write enable is ignored, as by the part: the driver always sends it
  spiFram(bus, "B6", MB85RC64_BYTES).write(10, Uint8Array.of(7));
  assert.equal(model.bytes[10], 7);
  assert.equal((bus as unknown as { counts: { ignored: number } }).counts.ignored, 0);
});
