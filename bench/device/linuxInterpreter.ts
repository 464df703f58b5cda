/**
 * The x86-64 proxy interpreter: Espruino's Linux build from the user's tree with our
 * board file MNBENCH_LINUX64.py (RELEASE=1, -Os, 20 000 variables, the images'
 * libraries), built outside the tree into build/device/linux64/. Rebuilt only when the
 * binary is missing or --rebuild is given.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { linkInto } from "../../tools/firmware/espruinoTree.ts";

const HERE = new URL(".", import.meta.url).pathname;
export const BOARD = "MNBENCH_LINUX64";

/**
 * `switched`: the variant with what the meternet images compile out (MNBENCH_LINUX64_SWITCHED.py
 * takes the switch lines and blacklist from boards/STM32F107/METERNET_F107.py).
 */
export function buildLinuxInterpreter(treeDir: string, outDir: string, jobs: number, rebuild: boolean, switched = false): string {
  const binary = join(outDir, "espruino");
  if (existsSync(binary) && !rebuild) return binary;
  const board = switched ? `${BOARD}_SWITCHED` : BOARD;
  linkInto(join(treeDir, "boards", `${BOARD}.py`), join(HERE, `${BOARD}.py`));
  if (switched) {
    linkInto(join(treeDir, "boards", `${board}.py`), join(HERE, `${board}.py`));
    linkInto(join(treeDir, "boards", "METERNET_F107.py"), join(HERE, "../../boards/STM32F107/METERNET_F107.py"));
    linkInto(join(treeDir, "libs", "meternet"), join(HERE, "../../boards/STM32F107")); // the blacklist file
  }
  mkdirSync(join(outDir, "gen"), { recursive: true });
  const args = ["-n", "10", "make", `BOARD=${board}`, "RELEASE=1", "PYTHON=python3", `-j${jobs}`,
    `GENDIR=${join(outDir, "gen")}`, `OBJDIR=${join(outDir, "obj")}`, `BINDIR=${outDir}`];
  const env = { ...process.env };
  delete env.DEFINES;
  delete env.LDFLAGS;
  console.log(`building the proxy interpreter: cd ${treeDir} && nice ${args.join(" ")}`);
  const r = spawnSync("nice", args, { cwd: treeDir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0 || !existsSync(binary)) {
    throw new Error(`building ${board} failed:\n${(r.stdout + r.stderr).split("\n").slice(-25).join("\n")}`);
  }
  return binary;
}
