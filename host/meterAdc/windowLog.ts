/**
 * METERNET_WINDOW_LOG=FILE: every window a host MeterADC delivers (its raw kernel
 * struct, the rate it reports, the JavaScript fields) and the metering chain's output
 * for it, one JSON line each, appended to FILE. For comparing two versions of the
 * sampler bit for bit (same seed, same windows): record a run before and after a
 * change and `cmp` the files. Off (null) when the variable is not set.
 */
import { appendFileSync } from "node:fs";

let next = 0;

function plain(x: unknown): unknown {
  if (ArrayBuffer.isView(x)) return Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString("hex");
  if (Array.isArray(x)) return x.map(plain);
  if (x && typeof x === "object") {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(x).sort()) o[k] = plain((x as Record<string, unknown>)[k]);
    return o;
  }
  return x;
}

/** A log for one started sampler (its lines carry the sampler's number), or null. */
export function windowLog(): { window(w: object): void; chain(out: object): void } | null {
  const file = process.env.METERNET_WINDOW_LOG;
  if (!file) return null;
  const id = next++;
  const line = (kind: string, x: object): void => appendFileSync(file, JSON.stringify({ id, kind, x: plain(x) }) + "\n");
  return { window: (w) => line("window", w), chain: (out) => line("chain", out) };
}
