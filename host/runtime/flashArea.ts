/**
 * The saved-code flash area as Espruino lays it out (src/jsflash.c, 2v29), kept as
 * a byte image so sizes, free space and "already written" checks come out as on the
 * device:
 *
 *   [header 32 B: u32 size (flags in the top 8 bits) + 28 B zero-padded name]
 *   [data, padded to 4 B]  ... repeated; erased flash reads 0xFF.
 *
 * Files are appended after the last one; erasing a file zeroes the first 4 bytes of
 * its name (it becomes trash until compact()). Names longer than 28 bytes are
 * truncated, as jsfNameFromVar does. Simplification: Espruino also keeps files from
 * straddling a page that already holds data; on a freshly compacted area (the usual
 * case) the result is the same, so pages are not modelled.
 *
 * The image can be persisted to a file: it is loaded at construction and written
 * after every change.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { roleStorageBytes, type Role } from "../../tools/firmware/flashMap.ts";

export const JSF_HEADER_BYTES = 32;
export const JSF_MAX_NAME_BYTES = 28;
export const JSF_ALIGNMENT = 4;
const UNSET_SIZE = 0xffffffff;

export interface FlashFile {
  /** Address of the header within the area. */
  headerAddr: number;
  dataAddr: number;
  size: number;
  flags: number;
  name: string;
  erased: boolean;
}

export interface FlashStats {
  totalBytes: number;
  freeBytes: number;
  fileBytes: number;
  fileCount: number;
  trashBytes: number;
  trashCount: number;
}

export function alignUp(n: number): number {
  return (n + JSF_ALIGNMENT - 1) & ~(JSF_ALIGNMENT - 1);
}

/** Name bytes as Espruino stores them: the first 28 bytes of the string. */
export function flashName(name: string): string {
  let s = "";
  for (let i = 0; i < name.length && s.length < JSF_MAX_NAME_BYTES; i++) s += String.fromCharCode(name.charCodeAt(i) & 0xff);
  return s;
}

export class FlashArea {
  readonly image: Uint8Array;

  constructor(readonly sizeBytes: number, private readonly path?: string) {
    if (!(sizeBytes >= JSF_HEADER_BYTES * 2) || sizeBytes % JSF_ALIGNMENT) {
      throw new RangeError("FlashArea: size must be a multiple of 4 and at least 64 bytes, got " + sizeBytes);
    }
    this.image = new Uint8Array(sizeBytes).fill(0xff);
    if (path && existsSync(path)) {
      const saved = readFileSync(path);
      if (saved.length !== sizeBytes) {
        throw new Error("Flash image " + path + " is " + saved.length + " bytes, expected " + sizeBytes + " (delete it or pass the matching size)");
      }
      this.image.set(saved);
    }
  }

  /** Every header in order, trash included. */
  files(): FlashFile[] {
    const out: FlashFile[] = [];
    const dv = new DataView(this.image.buffer, this.image.byteOffset, this.image.byteLength);
    let addr = 0;
    while (addr + JSF_HEADER_BYTES <= this.sizeBytes) {
      const word = dv.getUint32(addr, true);
      if (word === UNSET_SIZE) break;
      const size = word & 0xffffff;
      let name = "";
      for (let i = 0; i < JSF_MAX_NAME_BYTES; i++) {
        const c = this.image[addr + 4 + i];
        if (c === 0) break;
        name += String.fromCharCode(c);
      }
      const erased = dv.getUint32(addr + 4, true) === 0;
      out.push({ headerAddr: addr, dataAddr: addr + JSF_HEADER_BYTES, size, flags: word >>> 24, name, erased });
      addr = alignUp(addr + JSF_HEADER_BYTES + size);
    }
    return out;
  }

  find(name: string): FlashFile | undefined {
    const n = flashName(name);
    return this.files().find((f) => !f.erased && f.name === n);
  }

  /** Address just past the last file (where the next one goes). */
  endAddr(): number {
    const f = this.files();
    const last = f[f.length - 1];
    return last ? alignUp(last.dataAddr + last.size) : 0;
  }

  stats(): FlashStats {
    const s: FlashStats = { totalBytes: this.sizeBytes, freeBytes: 0, fileBytes: 0, fileCount: 0, trashBytes: 0, trashCount: 0 };
    for (const f of this.files()) {
      const bytes = alignUp(f.size) + JSF_HEADER_BYTES;
      if (f.erased) { s.trashBytes += bytes; s.trashCount++; } else { s.fileBytes += bytes; s.fileCount++; }
    }
    s.freeBytes = this.sizeBytes - this.endAddr();
    return s;
  }

  /** Appends a header for a blank file; returns it, or undefined when it does not fit. */
  create(name: string, size: number, flags = 0): FlashFile | undefined {
    const addr = this.endAddr();
    if (addr + JSF_HEADER_BYTES + alignUp(size) > this.sizeBytes) return undefined;
    const dv = new DataView(this.image.buffer, this.image.byteOffset, this.image.byteLength);
    dv.setUint32(addr, (size | (flags << 24)) >>> 0, true);
    const n = flashName(name);
    for (let i = 0; i < JSF_MAX_NAME_BYTES; i++) this.image[addr + 4 + i] = i < n.length ? n.charCodeAt(i) : 0;
    this.persist();
    return { headerAddr: addr, dataAddr: addr + JSF_HEADER_BYTES, size, flags, name: n, erased: false };
  }

  isErased(addr: number, length: number): boolean {
    for (let i = addr; i < addr + length; i++) if (this.image[i] !== 0xff) return false;
    return true;
  }

  write(addr: number, bytes: Uint8Array): void {
    this.image.set(bytes, addr);
    this.persist();
  }

  read(addr: number, length: number): Uint8Array {
    return this.image.slice(addr, addr + length);
  }

  markErased(file: FlashFile): void {
    this.image.fill(0, file.headerAddr + 4, file.headerAddr + 8);
    this.persist();
  }

  /** Moves live files together and frees the trash; returns the bytes freed. */
  compact(): number {
    const before = this.endAddr();
    const live = this.files().filter((f) => !f.erased).map((f) => this.image.slice(f.headerAddr, alignUp(f.dataAddr + f.size)));
    this.image.fill(0xff);
    let addr = 0;
    for (const chunk of live) {
      this.image.set(chunk, addr);
      addr += chunk.length;
    }
    this.persist();
    return before - addr;
  }

  eraseAll(): void {
    this.image.fill(0xff);
    this.persist();
  }

  private persist(): void {
    if (this.path) writeFileSync(this.path, this.image);
  }
}

/**
 * Bytes of Storage the chip gives a role (tools/firmware/flashMap.ts: the pages its
 * firmware image leaves above the code area), so that the simulator's Storage runs out
 * where the chip's would. Every image of a role has the same Storage; a test checks it.
 */
export function chipStorageBytes(role: Role): number {
  return roleStorageBytes(role);
}
