import { NorPort, checkNorRange, checkNorProgram, checkNorSector } from "../nor";

/**
 * The part of Espruino's SPI class the NOR driver uses (SPI1 after `SPI1.setup({ sck,
 * miso, mosi, baud, mode: 0 })`): `send(data, nss)` pulls the chip-select pin low,
 * clocks `data` out and returns the bytes clocked in (a Uint8Array for a typed array),
 * then releases the pin: one W25Q command per call.
 */
export interface SpiBus {
  send(data: Uint8Array, nss: string): Uint8Array;
}

// W25Q32JV instructions (datasheet rev. F, 8.1.2)
const WRITE_ENABLE = 0x06;
const READ_STATUS1 = 0x05;
const READ_DATA = 0x03;
const PAGE_PROGRAM = 0x02;
const SECTOR_ERASE = 0x20;
const JEDEC_ID = 0x9f;
/** Status register 1: BUSY (erase or program in progress). */
const BUSY = 1;
/**
 * Status polls before giving up. A poll is one 2-byte transfer (tens of us from
 * JavaScript on the F107); the longest wait is a sector erase, 400 ms at most (datasheet
 * tSE max), so 20 000 polls leave a wide margin and still end if the part is gone.
 */
const MAX_POLLS = 20000;

/**
 * NorPort over SPI for Winbond W25Q32JV (and the W25Q family: same commands, other
 * sizes): read 0x03 with a 24-bit address, page program 0x02 and sector erase 0x20 each
 * after write enable 0x06, then status 0x05 polled until BUSY clears. `cs` is the chip-
 * select pin (the board's pin plan: ports/device/norPins.ts). One function with its
 * helpers inside, not a class: the aggregator builds the driver for one task (its
 * history, a web file's piece: boardNor.ts) and lets it go, so between tasks none of its
 * functions are in RAM (a class's methods stay resident: issue 16). Held for good, an
 * instance costs more than a class's would (its own function objects).
 */
export function spiNor(bus: SpiBus, cs: string, sizeBytes: number): NorPort {
  const st = new Uint8Array(2);

  /** A command with a 24-bit address (high byte first) and room for `extra` bytes after it. */
  function cmd(op: number, addr: number, extra: number): Uint8Array {
    const b = new Uint8Array(4 + extra);
    b[0] = op;
    b[1] = addr >> 16;
    b[2] = addr >> 8;
    b[3] = addr;
    return b;
  }

  function idle(): boolean {
    st[0] = READ_STATUS1;
    for (let i = 0; i < MAX_POLLS; i++) if (!(bus.send(st, cs)[1] & BUSY)) return true;
    return false;
  }

  function run(b: Uint8Array): boolean {
    try {
      if (!idle()) return false;
      bus.send(new Uint8Array([WRITE_ENABLE]), cs);
      bus.send(b, cs);
      return idle();
    } catch (e) {
      return false; // the bus failed: the caller counts it
    }
  }

  return {
    sizeBytes: sizeBytes,
    jedecId: function (): number {
      const r = bus.send(new Uint8Array([JEDEC_ID, 0, 0, 0]), cs);
      return r[1] << 16 | r[2] << 8 | r[3];
    },
    read: function (addr: number, n: number): Uint8Array {
      checkNorRange(addr, n, sizeBytes);
      let r: Uint8Array | null = null;
      try {
        if (idle()) r = bus.send(cmd(READ_DATA, addr, n), cs);
      } catch (e) {
        r = null;
      }
      if (!r || r.length !== 4 + n) throw new Error("NOR on SPI (CS " + cs + ") does not answer: check its pins and supply");
      return r.subarray(4);
    },
    program: function (addr: number, data: Uint8Array): boolean {
      checkNorProgram(addr, data.length, sizeBytes);
      if (!data.length) return true;
      const b = cmd(PAGE_PROGRAM, addr, data.length);
      b.set(data, 4);
      return run(b);
    },
    erase: function (addr: number): boolean {
      checkNorSector(addr, sizeBytes);
      return run(cmd(SECTOR_ERASE, addr, 0));
    },
  };
}
