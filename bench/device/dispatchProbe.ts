/**
 * npx tsx bench/device/dispatchProbe.ts --espruino DIR [--n1 1000 --n2 201000]
 *
 * The interpreter's part of the meter's C path of a CAN frame, which bench/ota/cortexM
 * cannot count (it has no Espruino): dispatchProbe.c, linked with the Thumb-2 rig's own
 * objects of the interpreter (build/device/thumb-m3/obj, made by `npm run bench:device --
 * --rig thumb`; the Linux port's main.o left out), run by qemu-arm with the rig's plugin.
 * Per frame: jswrap_ota.c's lookup of the OTA state on CAN1; per CAN event: the event
 * pushed from the interrupt and popped by the idle loop, jswrap_can.c's lookups of CAN1 in
 * the root and of its SecOC state, mn_ota_service's of the OTA state (not the rest of the main
 * loop's turn: the Linux port's jshIdle and timers are not the chip's). With the root as
 * build/meter.js leaves it (prelude and bundle evaluated). Each figure is
 * (I(N2) - I(N1)) / (N2 - N1) minus the empty loop's; the bundle's evaluation varies from
 * run to run by up to ~3 M instructions (the wall clock, random numbers), hence the
 * 200 000 iterations between the two runs.
 * Never downloads; CI does not run it. README: bench/ota/README.md.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { scriptFor } from "./harness.ts";
import { buildThumbRig } from "./thumbInterpreter.ts";

const ROOT = resolve(new URL("../..", import.meta.url).pathname);
const HERE = new URL(".", import.meta.url).pathname;

function objects(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...objects(p));
    else if (e.endsWith(".o") && !p.endsWith(join("targets", "linux", "main.o"))) out.push(p);
  }
  return out;
}

function main(): void {
  const argv = process.argv.slice(2);
  const arg = (k: string, d?: string) => { const i = argv.indexOf(k); return i >= 0 ? argv[i + 1] : d; };
  const tree = arg("--espruino");
  if (!tree) throw new Error("--espruino DIR is required (an Espruino tree at RELEASE_2V29)");
  const n1 = Number(arg("--n1", "1000")), n2 = Number(arg("--n2", "201000"));
  const out = join(ROOT, "build", "device", "thumb-m3");
  const rig = buildThumbRig(resolve(tree), out, 2, false);
  const gen = join(out, "gen");
  const dir = mkdtempSync(join(tmpdir(), "meternet-probe-"));
  try {
    // the rig's compile flags (MNBENCH_THUMB_M3.py and Espruino's Makefile for it)
    const t = resolve(tree);
    const cflags = ["-std=gnu99", "-mthumb", "-march=armv7-r", "-mtune=cortex-m3", "-mfix-cortex-m3-ldrd", "-mfloat-abi=soft", "-Os", "-fno-common",
      "-fno-exceptions", "-fdata-sections", "-ffunction-sections", "-fmerge-all-constants", "-flto=auto", "-fno-fat-lto-objects",
      "-DNO_ASSERT", "-DRELEASE", "-DMNBENCH_THUMB_M3", "-DUSE_X86_CDECL", "-DSPIFLASH_BASE=0", "-DSPIFLASH_LENGTH=FLASH_SAVED_CODE_LENGTH",
      "-DUSE_DEBUGGER", "-DUSE_TAB_COMPLETE", "-DUSE_HEATSHRINK", "-DUSE_NET", "-DUSE_NETWORK_JS", "-DUSE_CRYPTO", "-DUSE_SHA256", "-DUSE_AES",
      "-DLINUX", "-DUSB", "-DESPR_DEFINES_ON_COMMANDLINE", `-I${t}`, `-I${join(t, "targets")}`, `-I${join(t, "src")}`, `-I${gen}`, `-I${join(t, "targets", "linux")}`];
    const libgcc = execFileSync("arm-none-eabi-gcc", ["-mthumb", "-march=armv7", "-mfloat-abi=soft", "-print-libgcc-file-name"], { encoding: "utf8" }).trim();
    const probe = join(dir, "probe");
    execFileSync("arm-linux-gnueabi-gcc", [...cflags, "-c", join(HERE, "dispatchProbe.c"), "-o", join(dir, "probe.o")]);
    execFileSync("arm-linux-gnueabi-gcc", ["-mthumb", "-march=armv7-r", "-mtune=cortex-m3", "-mfloat-abi=soft", "-static", "-Wl,--gc-sections", "-Os", "-flto=auto",
      "-o", probe, join(dir, "probe.o"), ...objects(join(out, "obj")), "-Wl,--whole-archive", libgcc, "-Wl,--no-whole-archive", "-lm", "-lpthread", "-lc"], { stdio: ["ignore", "ignore", "ignore"] });
    const script = join(dir, "meter.js");
    const files = { "meternet.json": { role: "meter", address: 1, keyHex: "000102030405060708090a0b0c0d0e0f", name: "bench" } };
    // the bundle's timers on the harness's virtual clock, which nothing advances here: no timer runs
    writeFileSync(script, scriptFor({ drive: "requests", bundle: join(ROOT, "build/meter.js"), files }, 1));
    // (qemu-arm with the plugin now and then dies at exit before the count is written: run again, up to 3 times;
    // from an empty Storage each run is the same to the instruction)
    const count = (mode: string, n: number): { insns: number; line: string } => {
      let r = "";
      for (let attempt = 0; attempt < 3; attempt++) {
        rmSync(join(dir, "espruino.flash"), { force: true }); // every run from an empty Storage (cwd: the Linux port's espruino.flash)
        r = spawnSync("sh", ["-c", `'${rig.qemu}' -plugin '${rig.plugin}' '${probe}' '${script}' ${mode} ${n} 2>&1 | grep @@`], { cwd: dir, encoding: "utf8" }).stdout;
        const m = /@@INSNS (\d+)/.exec(r), p = /@@PROBE .*/.exec(r);
        if (m && p) return { insns: Number(m[1]), line: p[0] };
      }
      throw new Error(`probe ${mode} ${n} gave no count in 3 runs:\n${r}`);
    };
    const per = (mode: string): number => {
      const a = count(mode, n1), b = count(mode, n2);
      const x = (b.insns - a.insns) / (n2 - n1);
      console.log(`  ${mode}: ${a.insns} (N=${n1}) ${b.insns} (N=${n2}) -> ${x.toFixed(1)} per iteration; ${b.line}`);
      return x;
    };
    console.log(`the interpreter's part of a CAN frame's C path on the Thumb-2 rig (${rig.interpreter}'s objects):`);
    const none = per("none"), frame = per("frame") - none, event = per("event") - none;
    const queue = per("queue") - none;
    const lookups = event - queue;
    console.log(`\nper chunk frame: the OTA state's lookup on CAN1: ${frame.toFixed(0)} instructions`);
    console.log(`per CAN event: push, pop and dispatch ${queue.toFixed(0)}, the lookups of CAN1 in the root and of its SecOC and OTA states ${lookups.toFixed(0)}`);
    // (not here: the rest of the main loop's turn around the event, jshIdle and jsiIdle's timers: the Linux
    // port's differ from the chip's and run on the wall clock: 2.7 k at 2 000 events, 12 k at 200 000)
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
