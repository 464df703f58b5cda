/**
 * Contract suite of the SPI NOR port (modules/ports/nor.ts). norContract.test.ts runs it
 * on the host model (host/runtime/nor.ts) and on the device driver
 * (modules/ports/device/spiNor.ts) over Espruino's SPI answered by the host's W25Q
 * command model, so the driver's bytes on the wire meet the part's protocol; a harness
 * gives the model behind the port for wear, busy and power-cut checks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { NorPort, NOR_SECTOR_BYTES, W25Q32_BYTES, W25Q32_JEDEC_ID } from "../nor";
import type { NorModel } from "../../../host/runtime/nor";

export interface NorHarness {
  port: NorPort;
  model: NorModel;
  /** Commands the part ignored (sent while busy, or program/erase without write enable). */
  ignored(): number;
}

function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 255;
  return b;
}

export function norContract(name: string, make: () => NorHarness): void {
  test(name + ": a W25Q32JV: 4 MB, JEDEC ID EF 40 16, erased to 0xFF", () => {
    const h = make();
    assert.equal(h.port.sizeBytes, W25Q32_BYTES);
    assert.equal(h.port.jedecId(), W25Q32_JEDEC_ID);
    assert.deepEqual([...h.port.read(W25Q32_BYTES - 3, 3)], [0xff, 0xff, 0xff]);
  });

  test(name + ": a page programmed comes back; neighbours stay erased; a second program only clears bits", () => {
    const h = make();
    const data = pattern(256, 7);
    assert.equal(h.port.program(4096 * 5, data), true);
    assert.deepEqual([...h.port.read(4096 * 5, 256)], [...data]);
    assert.deepEqual([...h.port.read(4096 * 5 - 1, 1)], [0xff]);
    assert.deepEqual([...h.port.read(4096 * 5 + 256, 1)], [0xff]);
    assert.ok(h.port.program(100, new Uint8Array([0xf0, 0x0f])));
    assert.ok(h.port.program(100, new Uint8Array([0x3c, 0xff])));
    assert.deepEqual([...h.port.read(100, 2)], [0x30, 0x0f], "old AND new: NOR cannot set a bit without an erase");
    assert.equal(h.ignored(), 0, "nothing sent while busy or without write enable");
  });

  test(name + ": an erase sets exactly its 4 KB sector to 0xFF and counts one cycle there", () => {
    const h = make();
    h.port.program(8192 - 2, new Uint8Array([1, 2]));
    h.port.program(8192, new Uint8Array([3, 4]));
    h.port.program(12288, new Uint8Array([5]));
    const before = h.model.erases[2];
    assert.equal(h.port.erase(8192), true);
    assert.deepEqual([...h.port.read(8192 - 2, 4)], [1, 2, 0xff, 0xff]);
    assert.deepEqual([...h.port.read(12288 - 1, 2)], [0xff, 5]);
    assert.equal(h.model.erases[2], before + 1);
    assert.equal(h.model.erases[1] + h.model.erases[3], 0);
    assert.ok(h.port.program(8192, new Uint8Array([0x55])), "programmable again after the erase");
    assert.deepEqual([...h.port.read(8192, 1)], [0x55]);
    assert.equal(h.ignored(), 0);
  });

  test(name + ": waits out the part's busy times (0.4 ms a page, 45 ms a sector)", () => {
    const h = make();
    const t0 = h.model.timeUs;
    h.port.erase(0);
    const t1 = h.model.timeUs;
    assert.ok(t1 - t0 >= 45000, "an erase returns after tSE: " + (t1 - t0) + " us");
    h.port.program(0, pattern(256, 1));
    assert.ok(h.model.timeUs - t1 >= 400, "a program after tPP");
    assert.equal(h.model.busy, false);
    assert.equal(h.ignored(), 0);
  });

  test(name + ": bad ranges throw Errors that say what to do", () => {
    const h = make();
    assert.throws(() => h.port.read(W25Q32_BYTES - 1, 2), /NOR range 4194303\+2 outside 0..4194304/);
    assert.throws(() => h.port.program(250, new Uint8Array(10)), /crosses a 256-byte page: split it/);
    assert.throws(() => h.port.erase(100), /not the start of a 4096-byte sector/);
    assert.throws(() => h.port.erase(W25Q32_BYTES), /NOR range/);
  });

  test(name + ": a power cut in a program keeps a prefix; in an erase, a half-erased sector", () => {
    const h = make();
    h.model.armCut(0, 5);
    let r: boolean | string;
    try { r = h.port.program(NOR_SECTOR_BYTES, pattern(16, 3)); } catch (e) { r = (e as Error).name === "PowerCut" ? "cut" : String(e); }
    assert.ok(r === "cut" || r === false, String(r));
    assert.equal(h.model.powered, false);
    assert.throws(() => h.port.read(0, 1), /power cut|does not answer/);
    h.model.powerOn();
    assert.deepEqual([...h.port.read(NOR_SECTOR_BYTES, 6)], [...pattern(5, 3), 0xff]);
    h.model.armCut(0, 1024);
    try { r = h.port.erase(NOR_SECTOR_BYTES); } catch (e) { r = (e as Error).name === "PowerCut" ? "cut" : String(e); }
    assert.ok(r === "cut" || r === false, String(r));
    h.model.powerOn();
    assert.deepEqual([...h.port.read(NOR_SECTOR_BYTES, 2)], [...pattern(2, 3)], "the start of the sector is not erased yet");
  });
}
