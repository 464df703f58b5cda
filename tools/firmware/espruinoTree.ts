/**
 * The Espruino source tree the user supplies: which version it is, whether the tools
 * its build needs are here, and our board folder linked into it. Never downloads: a
 * missing tree, tag or tool is an error that says what to run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync, symlinkSync, unlinkSync } from "node:fs";
import { join, resolve } from "node:path";

export const EXPECTED_TAG = "RELEASE_2V29";
export const EXPECTED_JS_VERSION = "2v29";

export interface TreeVersion {
  /** JS_VERSION of src/jsutils.h, e.g. "2v29". */
  jsVersion: string;
  /** Tag exactly at HEAD, or undefined (not a git tree, or between tags). */
  tagAtHead?: string;
  /** `git describe --tags` (e.g. RELEASE_2V29-3-gabc1234), when it is a git tree. */
  describe?: string;
  /** Commits since the newest RELEASE_ tag, as Espruino's Makefile counts them (it names the binary 2v29.N when N > 0). */
  commitsSinceRelease?: number;
}

function git(dir: string, args: string[]): string | undefined {
  const r = spawnSync("git", ["-C", dir, ...args], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function readTreeVersion(dir: string): TreeVersion {
  const header = join(dir, "src", "jsutils.h");
  if (!existsSync(join(dir, "Makefile")) || !existsSync(header)) {
    throw new Error(`${dir} is not an Espruino source tree (no Makefile or src/jsutils.h). Get one with:\n` +
      `  git clone --branch ${EXPECTED_TAG} --depth 1 https://github.com/espruino/Espruino.git`);
  }
  const m = /#define JS_VERSION "([^"]+)"/.exec(readFileSync(header, "utf8"));
  const v: TreeVersion = { jsVersion: m ? m[1] : "unknown" };
  const tags = git(dir, ["tag", "--points-at", "HEAD"]);
  if (tags !== undefined) {
    v.tagAtHead = tags.split("\n").find((t) => t.startsWith("RELEASE_"));
    v.describe = git(dir, ["describe", "--tags"]);
    // The Makefile's own rule: newest RELEASE_ tag by name, then commits since it.
    const latest = (git(dir, ["tag"]) ?? "").split("\n").filter((t) => t.startsWith("RELEASE_")).sort().pop();
    const n = latest ? git(dir, ["rev-list", "--count", `${latest}..HEAD`]) : undefined;
    if (n !== undefined) v.commitsSinceRelease = Number(n);
  }
  return v;
}

/** Empty when the tree is RELEASE_2V29, else one line saying what was found. */
export function versionProblem(v: TreeVersion): string {
  if (v.jsVersion !== EXPECTED_JS_VERSION) {
    return `the tree is Espruino ${v.jsVersion} (src/jsutils.h), not ${EXPECTED_JS_VERSION}: ` +
      `git -C DIR checkout ${EXPECTED_TAG}`;
  }
  if (v.describe !== undefined && v.tagAtHead !== EXPECTED_TAG) {
    return `HEAD is ${v.describe}, not the tag ${EXPECTED_TAG}` +
      (v.commitsSinceRelease ? ` (the binaries would be named 2v29.${v.commitsSinceRelease})` : "") +
      `: git -C DIR checkout ${EXPECTED_TAG}, or pass --any-version to build it anyway`;
  }
  return "";
}

export function describeVersion(v: TreeVersion): string {
  if (v.describe === undefined) return `Espruino ${v.jsVersion} (not a git tree: version from src/jsutils.h only)`;
  return `Espruino ${v.jsVersion}, ${v.tagAtHead ?? v.describe}`;
}

function have(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

/** What is missing to build an ARM image, as install commands; empty when all is there. */
export function missingTools(): string[] {
  const out: string[] = [];
  if (!have("make")) out.push("make: apt-get install -y make");
  if (!have("python3")) out.push("python3: apt-get install -y python3 (Espruino's scripts; Debian has no `python`, the build passes PYTHON=python3)");
  if (!have("git")) out.push("git: apt-get install -y git (Espruino's Makefile names the build from git)");
  if (!have("arm-none-eabi-gcc")) {
    out.push("arm-none-eabi-gcc: apt-get install -y gcc-arm-none-eabi libnewlib-arm-none-eabi");
  } else {
    // gcc-arm-none-eabi alone links nothing: the C library is a separate Debian package.
    const r = spawnSync("arm-none-eabi-gcc", ["-mcpu=cortex-m3", "-mthumb", "--specs=nano.specs", "-print-file-name=libc_nano.a"], { encoding: "utf8" });
    const path = r.stdout.trim();
    if (r.status !== 0 || !path.startsWith("/") || !existsSync(path)) {
      out.push("newlib (the ARM C library, libc_nano.a): apt-get install -y libnewlib-arm-none-eabi");
    }
  }
  return out;
}

/**
 * Links `target` at `linkPath` with an absolute path (a relative link breaks as soon as
 * the tree or the checkout moves). Replaces an existing link; refuses to replace a real
 * file or folder, which would be the user's.
 */
export function linkInto(linkPath: string, target: string): "created" | "kept" | "replaced" {
  const abs = realpathSync(resolve(target));
  let existed = false;
  try {
    const st = lstatSync(linkPath);
    if (!st.isSymbolicLink()) {
      throw new Error(`${linkPath} exists and is not a symbolic link: move it away, the build links ${abs} there`);
    }
    if (readlinkSync(linkPath) === abs) return "kept";
    unlinkSync(linkPath);
    existed = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  symlinkSync(abs, linkPath);
  return existed ? "replaced" : "created";
}

/** Links our board folder as libs/meternet and each board file into boards/, as the board README describes. */
export function linkBoard(treeDir: string, boardDir: string, boardFiles: string[]): string[] {
  const lines = [`libs/meternet -> ${realpathSync(boardDir)}: ${linkInto(join(treeDir, "libs", "meternet"), boardDir)}`];
  for (const f of boardFiles) {
    lines.push(`boards/${f}: ${linkInto(join(treeDir, "boards", f), join(boardDir, f))}`);
  }
  return lines;
}
