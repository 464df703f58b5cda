import { FramPort, checkRange } from "../fram";
import { SpiBus } from "./spiNor";

// SPI FRAM instructions (Fujitsu MB85RS256B datasheet: WREN, RDSR, READ, WRITE)
const WREN = 0x06;
const RDSR = 0x05;
const READ = 0x03;
const WRITE = 0x02;

/**
 * FramPort over SPI for Fujitsu MB85RS256B (32 KB; Infineon FM25V02A has the same
 * commands): two address bytes, high first; no write delay and no page limit; write
 * enable before every write (the part clears it when chip select rises). SPI has no
 * acknowledge, so the board's part is found by its status register at start
 * (spiFramAnswers); a write then cannot fail on the bus. One command per send(), as
 * spiNor.ts: the NOR and the W5500 share SPI1, each with its own chip select.
 */
export function spiFram(bus: SpiBus, cs: string, sizeBytes: number): FramPort {
  return {
    sizeBytes: sizeBytes,
    read(addr: number, n: number): Uint8Array {
      checkRange(addr, n, sizeBytes);
      const b = new Uint8Array(3 + n);
      b[0] = READ;
      b[1] = addr >> 8;
      b[2] = addr & 255;
      return bus.send(b, cs).subarray(3);
    },
    write(addr: number, data: Uint8Array): boolean {
      checkRange(addr, data.length, sizeBytes);
      const b = new Uint8Array(3 + data.length);
      b[0] = WRITE;
      b[1] = addr >> 8;
      b[2] = addr & 255;
      b.set(data, 3);
      bus.send(new Uint8Array([WREN]), cs);
      bus.send(b, cs);
      return true;
    },
  };
}

/** Whether a part answers at `cs`: its status register reads with the reserved bits 4-6 clear (nothing there reads 0xFF). */
export function spiFramAnswers(bus: SpiBus, cs: string): boolean {
  return !(bus.send(new Uint8Array([RDSR, 0]), cs)[1] & 0x70);
}
