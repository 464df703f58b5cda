/**
 * Host model of the aggregator's SPI NOR flash (Winbond W25Q32JV, 4 MB) for tests and
 * the simulator: NOR semantics (erase sets a 4 KB sector to 0xFF, a program can only
 * clear bits, a page program wraps inside its 256-byte page as the part does), busy
 * times on a virtual clock, erase counters per sector (wear), power cuts in the middle
 * of a program or an erase, and Espruino's SPI object speaking the W25Q commands
 * (`norSpi`), so the device driver (modules/ports/device/spiNor.ts) runs against it
 * unchanged and its bytes on the wire are checked.
 *
 * Busy times (datasheet rev. F, 9.6, typical): page program tPP 0.4 ms, sector erase
 * tSE 45 ms. The clock (`timeUs`) moves with each SPI transfer (8 bits per byte at
 * `clockHz` plus `callUs` of JavaScript per call) and with the NorPort methods' busy
 * times; a command other than a status read while busy is ignored by the part and
 * counted in `busyViolations` (a driver that does not wait shows there).
 *
 * Power cuts: `armCut(k, kept)` makes program-or-erase number k from now (0 = the next)
 * stop part-way and cut power: a program keeps only its first `kept` bytes, an erase
 * sets only the last `kept` bytes of the sector to 0xFF (the record header at the
 * sector's start survives with its data half gone: the hard case for a reader). That
 * operation and every later call throw PowerCut until `powerOn()`.
 */
import { NorPort, NOR_PAGE_BYTES, NOR_SECTOR_BYTES, W25Q32_BYTES, W25Q32_JEDEC_ID, checkNorRange, checkNorProgram, checkNorSector } from "../../modules/ports/nor.ts";
import { PowerCut } from "./fram.ts";

export { PowerCut };

export const W25Q_PAGE_PROGRAM_US = 400;
export const W25Q_SECTOR_ERASE_US = 45000;

export class NorModel implements NorPort {
  readonly bytes: Uint8Array;
  /** Erases per sector since construction (wear). */
  readonly erases: Uint32Array;
  programs = 0;
  bytesProgrammed = 0;
  powered = true;
  /** Virtual time, us, and when the part is next idle. */
  timeUs = 0;
  busyUntilUs = 0;
  /** Commands sent while busy (the part ignores them). */
  busyViolations = 0;
  private cutIn = -1;
  private cutKeep = 0;

  constructor(readonly sizeBytes = W25Q32_BYTES, readonly jedec = W25Q32_JEDEC_ID) {
    this.bytes = new Uint8Array(sizeBytes).fill(0xff);
    this.erases = new Uint32Array(sizeBytes / NOR_SECTOR_BYTES);
  }

  armCut(opIndex: number, bytesKept: number): void {
    this.cutIn = opIndex;
    this.cutKeep = bytesKept;
  }

  powerOn(): void {
    this.powered = true;
    this.cutIn = -1;
    this.busyUntilUs = this.timeUs;
  }

  get busy(): boolean {
    return this.timeUs < this.busyUntilUs;
  }

  jedecId(): number {
    this.on("jedecId");
    return this.jedec;
  }

  read(addr: number, n: number): Uint8Array {
    this.on("read");
    checkNorRange(addr, n, this.sizeBytes);
    return this.bytes.slice(addr, addr + n);
  }

  program(addr: number, data: Uint8Array): boolean {
    checkNorProgram(addr, data.length, this.sizeBytes);
    this.programRaw(addr, data);
    this.timeUs = this.busyUntilUs;
    return true;
  }

  erase(addr: number): boolean {
    checkNorSector(addr, this.sizeBytes);
    this.eraseRaw(addr);
    this.timeUs = this.busyUntilUs;
    return true;
  }

  /** Sectors not all 0xFF (what the simulator saves between runs). */
  usedSectors(): number[] {
    const out: number[] = [];
    for (let s = 0; s < this.erases.length; s++) {
      const b = this.bytes.subarray(s * NOR_SECTOR_BYTES, (s + 1) * NOR_SECTOR_BYTES);
      if (b.some((x) => x !== 0xff)) out.push(s);
    }
    return out;
  }

  /** A page program as the part does it: the address wraps inside its page. */
  programRaw(addr: number, data: Uint8Array): void {
    this.on("program");
    const page = addr - (addr % NOR_PAGE_BYTES);
    let n = data.length;
    const cut = this.takeCut();
    if (cut && this.cutKeep < n) n = this.cutKeep;
    for (let i = 0; i < n; i++) {
      const a = page + ((addr - page + i) % NOR_PAGE_BYTES);
      this.bytes[a] &= data[i];
    }
    this.bytesProgrammed += n;
    if (cut) this.cutNow("during program " + this.programs + " at " + addr + ", " + n + " of " + data.length + " bytes");
    this.programs++;
    this.busyUntilUs = this.timeUs + W25Q_PAGE_PROGRAM_US;
  }

  eraseRaw(addr: number): void {
    this.on("erase");
    const s = addr - (addr % NOR_SECTOR_BYTES);
    const cut = this.takeCut();
    const from = cut ? NOR_SECTOR_BYTES - Math.min(this.cutKeep, NOR_SECTOR_BYTES) : 0;
    this.bytes.fill(0xff, s + from, s + NOR_SECTOR_BYTES);
    if (cut) this.cutNow("during the erase of sector " + s / NOR_SECTOR_BYTES + ", " + (NOR_SECTOR_BYTES - from) + " bytes erased");
    this.erases[s / NOR_SECTOR_BYTES]++;
    this.busyUntilUs = this.timeUs + W25Q_SECTOR_ERASE_US;
  }

  private on(what: string): void {
    if (!this.powered) throw new PowerCut(what + " while off");
  }

  private takeCut(): boolean {
    const cut = this.cutIn === 0;
    if (this.cutIn >= 0) this.cutIn--;
    return cut;
  }

  private cutNow(what: string): never {
    this.powered = false;
    throw new PowerCut(what);
  }
}

type SpiData = number | string | ArrayLike<number>;

function bytesOf(d: SpiData): Uint8Array {
  if (typeof d === "number") return new Uint8Array([d & 255]);
  if (typeof d === "string") return Uint8Array.from(d, (c) => c.charCodeAt(0) & 255);
  return Uint8Array.from(d as ArrayLike<number>, (x) => Number(x) & 255);
}

export interface NorSpiOptions {
  /** The chip-select pin the part is wired to (another pin selects nothing: MISO reads 0xFF). */
  cs: string;
  /** SPI clock, Hz (default 8 MHz). */
  clockHz?: number;
  /** JavaScript time per send() call on the device, us (default 20). */
  callUs?: number;
}

/**
 * Espruino's SPI object (setup, send, write) with the W25Q at `cs` on it. Every send()
 * is one command with CS low: 0x9F JEDEC ID, 0x05 status 1, 0x06 write enable, 0x04 write
 * disable, 0x03 read, 0x02 page program (<= 256 B, wraps in its page), 0x20 sector erase.
 * Program and erase without write enable are ignored (`ignored`), as by the part; so is
 * anything but a status read while busy (`model.busyViolations`). `wire` keeps the last
 * commands' bytes out, a run of status polls once (the test reads the driver's bytes on the wire there).
 */
export function norSpi(model: NorModel, o: NorSpiOptions) {
  const clockHz = o.clockHz || 8000000;
  const callUs = o.callUs === undefined ? 20 : o.callUs;
  let wel = false;
  let isSetup = false;
  const counts = { ignored: 0, unknown: 0 };
  const wire: number[][] = [];
  function transfer(out: Uint8Array, nss: unknown): Uint8Array {
    if (!isSetup) throw new Error("SPI device not set up: call setup() first");
    model.timeUs += callUs + (out.length * 8 * 1e6) / clockHz;
    const r = new Uint8Array(out.length).fill(0xff);
    if (String(nss) !== o.cs || !out.length) return r;
    // the last 64 commands (first 8 bytes each); consecutive status polls kept once
    const last = wire[wire.length - 1];
    if (!(out[0] === 0x05 && last && last[0] === 0x05)) wire.push(Array.from(out.subarray(0, 8)));
    if (wire.length > 64) wire.shift();
    if (!model.powered) throw new PowerCut("SPI while off");
    const op = out[0];
    const addr = ((out[1] << 16) | (out[2] << 8) | out[3]) % model.sizeBytes;
    if (op === 0x05) {
      for (let i = 1; i < r.length; i++) r[i] = (model.busy ? 1 : 0) | (wel ? 2 : 0);
      return r;
    }
    if (model.busy) {
      model.busyViolations++;
      return r;
    }
    if (op === 0x9f) {
      const id = [(model.jedec >> 16) & 255, (model.jedec >> 8) & 255, model.jedec & 255];
      for (let i = 1; i < r.length; i++) r[i] = i <= 3 ? id[i - 1] : 0xff;
    } else if (op === 0x06) wel = true;
    else if (op === 0x04) wel = false;
    else if (op === 0x03) {
      for (let i = 4; i < r.length; i++) r[i] = model.bytes[(addr + i - 4) % model.sizeBytes];
    } else if (op === 0x02 || op === 0x20) {
      if (!wel || out.length < 4) counts.ignored++;
      else if (op === 0x02) {
        // more than a page: the part keeps the last 256 bytes (datasheet 8.2.15)
        const data = out.subarray(Math.max(4, out.length - NOR_PAGE_BYTES));
        model.programRaw(addr, data);
      } else model.eraseRaw(addr);
      wel = false;
    } else counts.unknown++;
    return r;
  }
  return {
    counts,
    wire,
    setup(_opts?: unknown): void { isSetup = true; },
    send(data: SpiData, nss?: unknown): unknown {
      const r = transfer(bytesOf(data), nss);
      if (typeof data === "number") return r[0];
      if (typeof data === "string") return String.fromCharCode(...r);
      return r;
    },
    write(...args: SpiData[]): void {
      const nss = args.length > 1 && args[args.length - 1] === o.cs ? args.pop() : undefined;
      const parts = args.map(bytesOf);
      const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
      let off = 0;
      for (const p of parts) { all.set(p, off); off += p.length; }
      transfer(all, nss);
    },
  };
}
