// The NOR contract on the host model and on the device driver over the W25Q SPI model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { norContract } from "./norContract.ts";
import { spiNor } from "../device/spiNor.ts";
import { NorModel, norSpi } from "../../../host/runtime/nor.ts";
import { W25Q32_BYTES } from "../nor.ts";

norContract("host NorModel", () => {
  const model = new NorModel();
  return { port: model, model, ignored: () => model.busyViolations };
});

norContract("device spiNor over the W25Q SPI model", () => {
  const model = new NorModel();
  const bus = norSpi(model, { cs: "A4" });
  bus.setup({ sck: "A5", miso: "A6", mosi: "A7", baud: 8000000, mode: 0 });
  const port = spiNor(bus as never, "A4", W25Q32_BYTES);
  return { port, model, ignored: () => model.busyViolations + bus.counts.ignored + bus.counts.unknown };
});

test("device spiNor: the bytes on the wire are the W25Q commands", () => {
  const model = new NorModel();
  const bus = norSpi(model, { cs: "A4" });
  bus.setup({});
  const port = spiNor(bus as never, "A4", W25Q32_BYTES);
  bus.wire.length = 0;
  port.program(0x012345, new Uint8Array([0xab]));
  assert.deepEqual(bus.wire[0], [0x05, 0], "status poll before the command");
  assert.deepEqual(bus.wire[1], [0x06], "write enable");
  assert.deepEqual(bus.wire[2], [0x02, 0x01, 0x23, 0x45, 0xab], "page program, 24-bit address high byte first, then the data");
  assert.deepEqual(bus.wire[bus.wire.length - 1], [0x05, 0], "then status polled until BUSY clears");
  assert.ok(bus.wire.length >= 4);
  bus.wire.length = 0;
  port.erase(0x3ff000);
  assert.deepEqual(bus.wire.slice(1, 3), [[0x06], [0x20, 0x3f, 0xf0, 0x00]]);
  assert.deepEqual(bus.wire.slice(3), [[0x05, 0]], "then status polled (45 ms at 8 MHz: hundreds of polls, kept once)");
  bus.wire.length = 0;
  assert.deepEqual([...port.read(0x012345, 1)], [0xab]);
  assert.deepEqual(bus.wire[1], [0x03, 0x01, 0x23, 0x45, 0], "read 0x03 then dummy bytes clocking the data in");
  // another chip select (the W5500 on the same SPI1) reaches nothing
  const other = spiNor(bus as never, "B12", W25Q32_BYTES);
  assert.equal(other.jedecId(), 0xffffff);
  assert.throws(() => other.read(0, 1), /no|does not answer/i);
});
