// Runs the C measurement kernel (boards/STM32F107/kernel, the same source as the
// device) over a block of interleaved ADC codes and returns its windows as
// KernelWindow objects. Backend: the Node addon (host/native, build/Release/
// meterKernel.node from `npm install`) when it is built; otherwise kernelHarness.c,
// compiled once with the system gcc into a cache directory and run as a child
// process (same kernel source, same integer arithmetic, MK_FFT_N_MAX=2048 as the
// addon). METERNET_KERNEL=harness forces the harness (used to cross-check both).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { KernelConfig, KernelWindow } from "../../modules/metering/kernelWindow.ts";

const here = dirname(fileURLToPath(import.meta.url));
const boardDir = join(here, "../../boards/STM32F107");
const kernelDir = join(boardDir, "kernel");
const sources = [join(here, "kernelHarness.c"), join(kernelDir, "meterKernel.c"), join(kernelDir, "harmonicFft.c"), join(kernelDir, "meterKernelTables.c"), join(boardDir, "adc/windowView.c")];

function harnessPath(): string {
  const h = createHash("sha256");
  for (const f of [...sources, join(kernelDir, "meterKernel.h"), join(kernelDir, "harmonicFft.h"), join(kernelDir, "meterKernelTables.h"), join(boardDir, "adc/windowView.h")]) h.update(readFileSync(f));
  const dir = join(tmpdir(), "meternet-kernel");
  const exe = join(dir, "harness-" + h.digest("hex").slice(0, 16));
  if (existsSync(exe)) return exe;
  mkdirSync(dir, { recursive: true });
  const r = spawnSync("gcc", ["-O2", "-std=c99", "-DMK_FFT_N_MAX=2048", "-DMK_RING=1024", "-I", kernelDir, "-I", boardDir, ...sources, "-lm", "-o", exe], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`cannot build the kernel harness with gcc: ${r.error?.message ?? r.stderr}`);
  return exe;
}

const ARRAYS = { u8: Uint8Array, u16: Uint16Array, f32: Float32Array, f64: Float64Array };

/**
 * A harness line as a KernelWindow: its tokens are windowView.c's names (name=value,
 * name:type=HEX of the typed array's bytes), so no field layout is known here.
 */
export function parseHarnessLine(line: string, sampleRateHz: number): KernelWindow {
  const w: Record<string, unknown> = { sampleRateHz };
  for (const tok of line.split(" ").slice(1)) {
    const eq = tok.indexOf("=");
    const name = tok.slice(0, eq), value = tok.slice(eq + 1);
    const colon = name.indexOf(":");
    if (colon < 0) {
      w[name] = Number(value);
      continue;
    }
    const bytes = Buffer.from(value, "hex");
    const Ctor = ARRAYS[name.slice(colon + 1) as keyof typeof ARRAYS];
    const copy = new Uint8Array(bytes); // aligned for the wider views
    w[name.slice(0, colon)] = new Ctor(copy.buffer, 0, copy.length / Ctor.BYTES_PER_ELEMENT);
  }
  return w as unknown as KernelWindow;
}

const addonPath = join(here, "../../build/Release/meterKernel.node");

/** Which backend runKernel uses: the Node addon when built, else the gcc harness. */
export function kernelBackend(): "addon" | "harness" {
  return process.env.METERNET_KERNEL === "harness" || !existsSync(addonPath) ? "harness" : "addon";
}

let addonModule: typeof import("../native/kernel.ts") | undefined;

/** Loads the addon's TypeScript wrapper once (top-level await keeps runKernel synchronous). */
if (kernelBackend() === "addon") addonModule = await import("../native/kernel.ts");

/** Feeds the addon in DMA-sized blocks, taking windows after each (its queue is short). */
function runAddonSync(codes: Uint16Array, cfg: KernelConfig): KernelWindow[] {
  const k = new addonModule!.MeterKernel(cfg);
  const out: KernelWindow[] = [];
  const block = 2 * 256;
  for (let s = 0; s < codes.length; s += block) {
    k.feed(codes.subarray(s, Math.min(codes.length, s + block)));
    for (const w of k.takeWindows()) out.push(w);
  }
  // End of the record: the window still open comes out as KERNEL_FLAG_PARTIAL.
  k.flush();
  for (const w of k.takeWindows()) out.push(w);
  return out;
}

/**
 * All windows of a block of interleaved codes [v0, i0, v1, i1, ...] fed from kernel start;
 * the last may be the window open at the end of the codes, flagged KERNEL_FLAG_PARTIAL
 * (mk_flush: Urms(1/2) values and sums only).
 */
export function runKernel(codes: Uint16Array, cfg: KernelConfig): KernelWindow[] {
  if (addonModule && process.env.METERNET_KERNEL !== "harness") {
    try {
      return runAddonSync(codes, cfg);
    } catch (e) {
      throw new Error(`kernel: ${(e as Error).message}`);
    }
  }
  return runHarness(codes, cfg);
}

/**
 * A kernel fed block by block (a record streamed through analyze): feed the interleaved
 * codes as they come, then finish() for all windows, the last possibly PARTIAL (as
 * runKernel). With onWindow, each window goes there as soon as the kernel gives it and
 * finish() returns none: the addon then keeps only its window queue, so memory does not
 * grow with the record. The harness backend (no addon) collects the codes and runs once
 * at the end.
 */
export function kernelStream(cfg: KernelConfig, onWindow?: (w: KernelWindow) => void): { feed(codes: Uint16Array): void; finish(): KernelWindow[] } {
  const kept: KernelWindow[] = [];
  const out = onWindow ? { push: onWindow } : kept;
  if (addonModule && process.env.METERNET_KERNEL !== "harness") {
    let k: InstanceType<typeof addonModule.MeterKernel>;
    try {
      k = new addonModule.MeterKernel(cfg);
    } catch (e) {
      throw new Error(`kernel: ${(e as Error).message}`);
    }
    const block = 2 * 256;
    return {
      feed(codes) {
        for (let s = 0; s < codes.length; s += block) {
          k.feed(codes.subarray(s, Math.min(codes.length, s + block)));
          for (const w of k.takeWindows()) out.push(w);
        }
      },
      finish() {
        k.flush();
        for (const w of k.takeWindows()) out.push(w);
        return kept;
      },
    };
  }
  const parts: Uint16Array[] = [];
  return {
    feed(codes) {
      parts.push(codes.slice());
    },
    finish() {
      const all = new Uint16Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) (all.set(p, o), (o += p.length));
      const ws = runHarness(all, cfg);
      if (!onWindow) return ws;
      for (const w of ws) onWindow(w);
      return kept;
    },
  };
}

/** The same kernel through the gcc-built child process (no addon needed). */
export function runHarness(codes: Uint16Array, cfg: KernelConfig): KernelWindow[] {
  const exe = harnessPath();
  const args = [cfg.sampleRateHz, cfg.nominalHz, cfg.cycles ?? 0, cfg.vMidLsb ?? 0, cfg.hysteresisLsb ?? 0, cfg.fitHalfWidth ?? 0].map(String);
  const r = spawnSync(exe, args, { input: Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength), maxBuffer: 1 << 30, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`kernel: ${r.stderr.trim() || r.error?.message || "failed"}`);
  return r.stdout.split("\n").filter((l) => l.startsWith("W ")).map((l) => parseHarnessLine(l, cfg.sampleRateHz));
}
