/**
 * SPI NOR flash port (issue 16): the aggregator's Winbond W25Q32JV (4 MB, 256-byte
 * program pages, 4 KB erase sectors, 100 000 erase cycles per sector), where its
 * history lives (modules/persist/norSlots.ts) and, later, staged updates and web assets
 * (the areas: tools/firmware/flashMap.ts NOR_AREAS). Device: Espruino's SPI
 * (ports/device/spiNor.ts, the W25Q command set); host: a simulated part with the same
 * semantics (host/runtime/nor.ts). One contract suite runs on both
 * (modules/ports/contracts/norContract.ts).
 *
 * NOR semantics the callers must respect: an erase sets a whole sector to 0xFF; a
 * program can only clear bits (the result is old AND new), so a byte is written once
 * between erases; a program stays inside one 256-byte page (the part wraps to the
 * page's start, which this port refuses instead). A power cut in a program leaves some
 * of its bits cleared, in an erase some of the sector's bits set: callers commit a
 * record with a last separate program (norSlots.ts).
 */
/** W25Q32JV geometry (datasheet rev. F, 6.2 / 8.2). */
export const NOR_PAGE_BYTES = 256;
export const NOR_SECTOR_BYTES = 4096;
export const W25Q32_BYTES = 4 * 1024 * 1024;
/** JEDEC ID (0x9F): manufacturer 0xEF (Winbond), memory type 0x40 (SPI mode), capacity 0x16 (2^22 B). */
export const W25Q32_JEDEC_ID = 0xef4016;
/** Erase cycles per sector the datasheet guarantees (and 20 years' retention). */
export const NOR_ERASE_CYCLES = 100000;

export interface NorPort {
  /** Capacity in bytes. */
  readonly sizeBytes: number;
  /** Manufacturer << 16 | type << 8 | capacity (0x9F); 0xFFFFFF when nothing answers. */
  jedecId(): number;
  /** `n` bytes from `addr`; throws an Error naming the range when outside the part, or when the bus fails. */
  read(addr: number, n: number): Uint8Array;
  /**
   * Programs `data` at `addr` (bits can only be cleared) and waits until the part is
   * done; false when the bus failed or the part stayed busy. Throws when the bytes are
   * outside the part or cross a 256-byte page.
   */
  program(addr: number, data: Uint8Array): boolean;
  /** Erases the 4 KB sector starting at `addr` (aligned, else throws) to 0xFF and waits; false as program(). */
  erase(addr: number): boolean;
}

/** Throws unless [addr, addr + n) lies inside a part of `size` bytes. */
export function checkNorRange(addr: number, n: number, size: number): void {
  if (!(addr >= 0 && n >= 0 && addr + n <= size && addr === Math.floor(addr))) {
    throw new Error("NOR range " + addr + "+" + n + " outside 0.." + size);
  }
}

/** Throws unless a program of `n` bytes at `addr` stays in one page and in the part. */
export function checkNorProgram(addr: number, n: number, size: number): void {
  checkNorRange(addr, n, size);
  if (n > 0 && Math.floor(addr / NOR_PAGE_BYTES) !== Math.floor((addr + n - 1) / NOR_PAGE_BYTES)) {
    throw new Error("NOR program " + addr + "+" + n + " crosses a " + NOR_PAGE_BYTES + "-byte page: split it");
  }
}

/** Throws unless `addr` starts a sector of the part. */
export function checkNorSector(addr: number, size: number): void {
  checkNorRange(addr, NOR_SECTOR_BYTES, size);
  if (addr % NOR_SECTOR_BYTES) throw new Error("NOR erase at " + addr + ": not the start of a " + NOR_SECTOR_BYTES + "-byte sector");
}
