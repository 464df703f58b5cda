/**
 * Host model of the meter's I2C FRAM (Fujitsu MB85RC64TA, 8 KB) for tests and the
 * simulator: a byte array that survives the device's resets and reboots (it belongs to
 * the board, not to the runtime), can lose power after any write or in the middle of
 * one, and answers Espruino's I2C calls (`framI2c`) with the part's protocol, so the
 * device driver (modules/ports/device/fram.ts) runs against it unchanged.
 *
 * Power cuts: `armCut(k, kept)` makes write number k from now (0 = the next one) store
 * only its first `kept` bytes (kept >= its length: all of it) and then cuts power:
 * that write and every later call throw PowerCut until `powerOn()`. The part stores
 * bytes as they are clocked in (no write delay, no page buffer), so a torn write
 * leaves a prefix of the new bytes and the old ones after it.
 */
import { FramPort, checkRange } from "../../modules/ports/fram.ts";

export class PowerCut extends Error {
  constructor(what: string) {
    super("power cut (" + what + ")");
    this.name = "PowerCut";
  }
}

export const MB85RC64_BYTES = 8192;
/** 7-bit I2C address with A2 = A1 = A0 = 0. */
export const MB85RC64_I2C_ADDRESS = 0x50;

export class FramModel implements FramPort {
  readonly bytes: Uint8Array;
  /** Completed writes since construction, and bytes written (wear counters). */
  writes = 0;
  bytesWritten = 0;
  /** Per-byte write counts (wear per address). */
  readonly wear: Uint32Array;
  powered = true;
  /** Writes left before the armed cut (-1: none), and how many bytes of that write survive. */
  private cutIn = -1;
  private cutKeep = 0;

  constructor(readonly sizeBytes = MB85RC64_BYTES, fill = 0) {
    this.bytes = new Uint8Array(sizeBytes).fill(fill);
    this.wear = new Uint32Array(sizeBytes);
  }

  armCut(writeIndex: number, bytesKept: number): void {
    this.cutIn = writeIndex;
    this.cutKeep = bytesKept;
  }

  powerOn(): void {
    this.powered = true;
    this.cutIn = -1;
  }

  read(addr: number, n: number): Uint8Array {
    if (!this.powered) throw new PowerCut("read while off");
    checkRange(addr, n, this.sizeBytes);
    return this.bytes.slice(addr, addr + n);
  }

  write(addr: number, data: Uint8Array): boolean {
    if (!this.powered) throw new PowerCut("write while off");
    checkRange(addr, data.length, this.sizeBytes);
    let n = data.length;
    const cut = this.cutIn === 0;
    if (this.cutIn >= 0) this.cutIn--;
    if (cut && this.cutKeep < n) n = this.cutKeep;
    for (let i = 0; i < n; i++) {
      this.bytes[addr + i] = data[i];
      this.wear[addr + i]++;
    }
    this.bytesWritten += n;
    if (cut) {
      this.powered = false;
      throw new PowerCut("during write " + this.writes + " at " + addr + ", " + n + " of " + data.length + " bytes stored");
    }
    this.writes++;
    return true;
  }
}

type I2cData = number | string | ArrayLike<number>;

function flatten(parts: I2cData[]): number[] {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === "number") out.push(p & 255);
    else if (typeof p === "string") for (let i = 0; i < p.length; i++) out.push(p.charCodeAt(i) & 255);
    else for (let i = 0; i < p.length; i++) out.push(Number(p[i]) & 255);
  }
  return out;
}

/**
 * Espruino's I2C object (setup, writeTo, readFrom) with the FRAM at `address` on it:
 * a write sets the part's address latch from its first two bytes and stores the rest
 * (wrapping at the end of the array, as the part does); a read continues from the
 * latch. Another address gets Espruino's error for a missing acknowledge. Host errors
 * are made in the program's realm by the caller when it needs `instanceof Error`.
 */
export function framI2c(model: FramModel, address = MB85RC64_I2C_ADDRESS) {
  let latch = 0;
  let isSetup = false;
  const need = (a: unknown) => {
    const addr = typeof a === "object" && a !== null ? (a as { address: number }).address : (a as number);
    if (!isSetup) throw new Error("I2C device not set up: call setup() first");
    if (addr !== address) throw new Error("I2C Error: Timeout (start)");
  };
  return {
    setup(_opts?: unknown): void { isSetup = true; },
    writeTo(a: unknown, ...data: I2cData[]): void {
      need(a);
      const b = flatten(data);
      if (b.length < 2) {
        if (b.length === 1) latch = ((b[0] << 8) | (latch & 255)) % model.sizeBytes;
        return;
      }
      latch = ((b[0] << 8) | b[1]) % model.sizeBytes;
      const payload = new Uint8Array(b.slice(2));
      // one write per transfer (wrapping at the end of the array)
      const first = Math.min(payload.length, model.sizeBytes - latch);
      if (payload.length) model.write(latch, payload.subarray(0, first));
      if (first < payload.length) model.write(0, payload.subarray(first));
      latch = (latch + payload.length) % model.sizeBytes;
    },
    readFrom(a: unknown, n: number): Uint8Array {
      need(a);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = model.read(latch, 1)[0];
        latch = (latch + 1) % model.sizeBytes;
      }
      return out;
    },
  };
}
