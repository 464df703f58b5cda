/**
 * Espruino's SPI object with an SPI FRAM (Fujitsu MB85RS256B's commands: 0x06 write
 * enable, 0x05 status, 0x03 read, 0x02 write, two address bytes) at chip select `cs`,
 * over a FramModel (host/runtime/fram.ts: its power cuts and wear counters), and every
 * other chip select handed to `other` (the aggregator's SPI1: the W25Q model, norSpi).
 * A write without write enable is ignored, as by the part, and counted.
 */
import type { FramModel } from "./fram.ts";

type Spi = { setup(o?: unknown): void; send(d: unknown, nss?: unknown): unknown; write?(...a: unknown[]): void };

export function framSpi(model: FramModel, cs: string, other: Spi) {
  let wel = false;
  const counts = { ignored: 0 };
  return {
    counts,
    setup(o?: unknown): void { other.setup(o); },
    send(data: unknown, nss?: unknown): unknown {
      if (String(nss) !== cs) return other.send(data, nss);
      const out = data as Uint8Array;
      const r = new Uint8Array(out.length).fill(0);
      const op = out[0], addr = (out[1] << 8) | out[2];
      if (op === 0x06) wel = true;
      else if (op === 0x05) r[1] = wel ? 2 : 0;
      else if (op === 0x03) r.set(model.read(addr, out.length - 3), 3);
      else if (op === 0x02) {
        if (!wel) counts.ignored++;
        else model.write(addr, out.subarray(3));
        wel = false;
      }
      return r;
    },
    write(...a: unknown[]): void { if (other.write) other.write(...a); },
  };
}
