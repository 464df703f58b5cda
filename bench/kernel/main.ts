/**
 * Cost of the meter kernel (boards/STM32F107/kernel) in Cortex-M3 instructions,
 * measured under qemu-system-arm -M lm3s6965evb -icount: the bench (costBench.c)
 * is cross-compiled with the device flags (-mcpu=cortex-m3 -mthumb -Os), feeds 4 s
 * of 12.8 kHz pairs (12.78 kHz for the retuned 60 Hz row) in 64-pair DMA blocks and
 * times every feed call with SysTick,
 * which -icount turns into an instruction counter (calibrated on a loop of known
 * length). QEMU counts instructions, not cycles: the cycle column multiplies by an
 * assumed CPI (cycles per instruction) for a Cortex-M3 at 72 MHz with 2 flash wait
 * states and the prefetch buffer: 1.0 is the floor, 1.5 a conservative estimate.
 *
 * Then prints the kernel-level accuracy on the reference's test set (accuracy.ts,
 * through the Node addon).
 *
 * Run: npm run bench:kernel   (needs gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { accuracyTable } from "./accuracy.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const kernelDir = join(root, "boards/STM32F107/kernel");
const meteringDir = join(root, "boards/STM32F107/metering");
const meteringSources = ["mtAggregate.c", "mtCalibration.c", "mtChain.c", "mtEnergy.c", "mtProfile.c", "mtReading.c", "mtRetune.c", "mtSqrt.c", "mtVoltageEvents.c"];
const cpuHz = 72e6;
const budgetShare = 0.1;

interface Variant { label: string; defines: string[] }
const variants: Variant[] = [
  { label: "50 Hz system, 10 cycles, 1024 points (device build)", defines: [] },
  { label: "60 Hz system, 12 cycles, 2048 points", defines: ["-DMK_FFT_N_MAX=2048", "-DNOMINAL=60", "-DSIGNAL_HZ=59.7"] },
  // the rate a retuned 60 Hz meter uses (213 pairs per cycle, about 12 800 Hz)
  { label: "60 Hz system, 12 cycles, 2048 points", defines: ["-DMK_FFT_N_MAX=2048", "-DNOMINAL=60", "-DSIGNAL_HZ=59.7", "-DFS=12780u"] },
];
/** Instructions per second the budget allows: 10 % of 72 MHz at CPI 1.5. */
const budgetInsnPerS = (budgetShare * cpuHz) / 1.5;

function measure(dir: string, v: Variant, index: number): Record<string, number> {
  const elf = join(dir, `cost${index}.elf`);
  execFileSync("arm-none-eabi-gcc", [
    "-mcpu=cortex-m3", "-mthumb", "-Os", "-std=c99", "-Wall", "-Wextra", "-Werror", "-D_DEFAULT_SOURCE",
    "-ffunction-sections", "-fdata-sections", "--specs=rdimon.specs", "-nostartfiles",
    "-T", join(kernelDir, "test/m3/lm3s6965.ld"), "-Wl,--gc-sections", `-I${kernelDir}`, `-I${meteringDir}`, ...v.defines,
    "-o", elf,
    join(kernelDir, "meterKernel.c"), join(kernelDir, "harmonicFft.c"), join(kernelDir, "meterKernelTables.c"), join(kernelDir, "test/testSignal.c"),
    join(root, "bench/kernel/costBench.c"), join(kernelDir, "test/m3/startup.c"),
    ...meteringSources.map((f) => join(meteringDir, f)), "-lm",
  ]);
  const out = execFileSync("qemu-system-arm", [
    "-M", "lm3s6965evb", "-cpu", "cortex-m3", "-nographic", "-monitor", "none", "-serial", "none",
    "-semihosting-config", "enable=on,target=native", "-icount", "shift=4", "-kernel", elf,
  ], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 120_000 });
  const values: Record<string, number> = {};
  for (const line of out.split("\n")) {
    const m = /^(\w+)=([-\d.]+)$/.exec(line.trim());
    if (m) values[m[1]] = Number(m[2]);
  }
  if (!("insnPerPair" in values)) throw new Error(`bench output without figures:\n${out}`);
  return values;
}

function flashBytes(dir: string): number {
  const srcs = ["meterKernel.c", "harmonicFft.c", "meterKernelTables.c"];
  const obj = srcs.map((f) => join(dir, f.replace(/\.c$/, ".o")));
  srcs.forEach((f, n) => execFileSync("arm-none-eabi-gcc", ["-mcpu=cortex-m3", "-mthumb", "-Os", "-std=c99", "-c", "-o", obj[n], join(kernelDir, f)]));
  const out = execFileSync("arm-none-eabi-size", obj, { encoding: "utf8" });
  let total = 0;
  for (const line of out.trim().split("\n").slice(1)) total += Number(line.trim().split(/\s+/)[0]) + Number(line.trim().split(/\s+/)[1]);
  return total;
}

function row(name: string, value: string): string {
  return `| ${name.padEnd(58)} | ${value.padStart(16)} |`;
}

const dir = mkdtempSync(join(tmpdir(), "kernel-bench-"));
const summary: string[] = [];
try {
  const flash = flashBytes(dir);
  variants.forEach((v, index) => {
    const r = measure(dir, v, index);
    const windowsPerS = r.nominalHz / (r.nominalHz === 50 ? 10 : 12);
    const insnPerS = r.insnPerPair * r.sampleRateHz + (r.insnPerWindowExtra + r.insnPerWindowMetering) * windowsPerS;
    const share = (cpi: number) => ((100 * insnPerS * cpi) / cpuHz).toFixed(2) + " %";
    console.log(`\nmeter kernel cost: ${v.label}, ${r.sampleRateHz} Hz pairs, signal ${r.signalHz} Hz with 8 % THD, ${r.windows} windows timed`);
    console.log(row("quantity", "value"));
    console.log(row("-".repeat(58), "-".repeat(16)));
    console.log(row("instructions per sample pair (no window end)", r.insnPerPair.toFixed(1)));
    console.log(row("extra instructions per window (2 real FFTs, groups, copy)", r.insnPerWindowExtra.toFixed(0)));
    console.log(row("metering chain per window (C, soft double), mean", r.insnPerWindowMetering.toFixed(0)));
    console.log(row("metering chain per window, worst", r.insnWorstWindowMetering.toFixed(0)));
    console.log(row(`instructions per second (${r.sampleRateHz} pairs/s, ${windowsPerS} windows/s)`, (insnPerS / 1e6).toFixed(3) + " M"));
    console.log(row("share of a 72 MHz Cortex-M3 at CPI 1.0", share(1)));
    console.log(row("share at CPI 1.5 (conservative estimate)", share(1.5)));
    console.log(row(`budget (${budgetShare * 100} %) met at CPI 1.5`, (insnPerS * 1.5) / cpuHz < budgetShare ? "yes" : "NO"));
    console.log(row("longest feed of a 64-pair block without window end, us", ((r.insnWorstPlainBlock * 1.5) / 72).toFixed(0)));
    console.log(row("longest feed of a 64-pair block with window end, us", ((r.insnWorstWindowBlock * 1.5) / 72).toFixed(0)));
    console.log(row("DMA half-buffer period (64 pairs), us", ((64 / r.sampleRateHz) * 1e6).toFixed(0)));
    console.log(row("kernel RAM, sizeof(mk_kernel_t), bytes", String(r.kernelRamBytes)));
    console.log(row("metering chain RAM, sizeof(mt_chain_t), bytes", String(r.meteringRamBytes)));
    if (index === 0) console.log(row("kernel flash (code + tables, -Os), bytes", String(flash)));
    summary.push(
      `${r.nominalHz} Hz/${r.fftN} at ${r.sampleRateHz} Hz: ${r.insnPerPair.toFixed(1)}/pair + ${(r.insnPerWindowExtra / 1e3).toFixed(0)} k/window + ${(r.insnPerWindowMetering / 1e3).toFixed(0)} k/window metering = ` +
        `${(insnPerS / 1e6).toFixed(2)} M (${insnPerS <= budgetInsnPerS ? "met" : "OVER"})`,
    );
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`\nbudget ${(budgetInsnPerS / 1e6).toFixed(1)} M instructions/s (${budgetShare * 100} % of 72 MHz at CPI 1.5): ${summary.join("; ")}`);

console.log("");
for (const line of accuracyTable()) console.log(line);
