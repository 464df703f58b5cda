/**
 * Part (b) of the timing rig: Espruino's Linux build cross-compiled as Cortex-M3 Thumb-2
 * code (board file MNBENCH_THUMB_M3.py: arm-linux-gnueabi-gcc, -mthumb -march=armv7-r
 * -mtune=cortex-m3 -mfloat-abi=soft -Os, LTO, static, 8000 variables of 13 bytes), run by
 * Debian's qemu-user 7.2 (`qemu-arm`, dynamically linked: it loads TCG plugins; the static
 * qemu-arm-static does not) with our plugin insnCount.c counting guest instructions.
 * Built outside the Espruino tree into build/device/thumb-m3/; rebuilt only when missing
 * or with --rebuild. Never downloads: the tools come from Debian packages.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { linkInto } from "../../tools/firmware/espruinoTree.ts";

const HERE = new URL(".", import.meta.url).pathname;
export const THUMB_BOARD = "MNBENCH_THUMB_M3";

export interface ThumbRig { interpreter: string; plugin: string; qemu: string }

function which(cmd: string): string | undefined {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** What is missing for the Thumb rig, with the Debian package that brings it. */
export function thumbRigProblems(): string[] {
  const p: string[] = [];
  if (!which("arm-linux-gnueabi-gcc")) p.push("arm-linux-gnueabi-gcc: apt-get install -y gcc-arm-linux-gnueabi libc6-dev-armel-cross");
  if (!which("arm-none-eabi-gcc")) p.push("arm-none-eabi-gcc (its thumb/v7/nofp libgcc): apt-get install -y gcc-arm-none-eabi");
  if (!which("qemu-arm")) p.push("qemu-arm (dynamic, with plugin support): apt-get install -y qemu-user");
  if (!which("cc")) p.push("cc (for the plugin): apt-get install -y gcc");
  return p;
}

/** arm-none-eabi's profile-free Thumb-2 soft-float libgcc (its double helpers are the v7-m ones). */
function libgccV7(): string {
  const path = execFileSync("arm-none-eabi-gcc", ["-mthumb", "-march=armv7", "-mfloat-abi=soft", "-print-libgcc-file-name"], { encoding: "utf8" }).trim();
  if (!path.includes("thumb/v7/nofp")) throw new Error(`arm-none-eabi-gcc gave ${path}, not the thumb/v7/nofp multilib`);
  return path;
}

/** `big`: MNBENCH_THUMB_M3_BIG (30 000 variables of 15 bytes) for the aggregator, whose script does not fit 16 000. */
export function buildThumbRig(treeDir: string, outDir: string, jobs: number, rebuild: boolean, big = false): ThumbRig {
  const problems = thumbRigProblems();
  if (problems.length) throw new Error(`the Thumb rig needs:\n  ${problems.join("\n  ")}`);
  mkdirSync(join(outDir, "gen"), { recursive: true });
  const plugin = join(outDir, "insnCount.so");
  if (!existsSync(plugin) || rebuild) execFileSync("cc", ["-shared", "-fPIC", "-O2", "-Wall", "-o", plugin, join(HERE, "insnCount.c")]);
  const binary = join(outDir, "espruino");
  if (!existsSync(binary) || rebuild) {
    linkInto(join(treeDir, "boards", `${THUMB_BOARD}.py`), join(HERE, `${THUMB_BOARD}.py`));
    if (big) linkInto(join(treeDir, "boards", `${THUMB_BOARD}_BIG.py`), join(HERE, `${THUMB_BOARD}_BIG.py`));
    const board = big ? `${THUMB_BOARD}_BIG` : THUMB_BOARD;
    const args = ["-n", "10", "make", `BOARD=${board}`, "RELEASE=1", "PYTHON=python3", `-j${jobs}`,
      `GENDIR=${join(outDir, "gen")}`, `OBJDIR=${join(outDir, "obj")}`, `BINDIR=${outDir}`, `LIBGCC_V7M=${libgccV7()}`];
    const env = { ...process.env };
    delete env.DEFINES;
    delete env.LDFLAGS;
    console.log(`building the Thumb-2 interpreter: cd ${treeDir} && nice ${args.join(" ")}`);
    const r = spawnSync("nice", args, { cwd: treeDir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0 || !existsSync(binary)) {
      throw new Error(`building ${board} failed:\n${(r.stdout + r.stderr).split("\n").slice(-25).join("\n")}`);
    }
  }
  return { interpreter: binary, plugin, qemu: which("qemu-arm")! };
}
