/**
 * One firmware image through Espruino's own make, with everything it writes kept
 * outside the tree: generated sources, objects, ELF, bin and the link map go to
 * build/firmware/<IMAGE>/ (Espruino's GENDIR, OBJDIR and BINDIR), so images build
 * side by side without `make clean`, and a rebuild only recompiles what changed.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface MakeOptions {
  treeDir: string;
  board: string;
  outDir: string;
  jobs: number;
  /** Extra make variables (NAME=value), e.g. USE_DEBUGGER=0 for a measurement. */
  makeVars?: string[];
  /** Files whose content decides the build (board files, blacklists): when any changed since
   * the last build in outDir, its generated sources and objects are deleted first. Espruino's
   * make regenerates the wrapper table only when its scripts or sources change, not when the
   * board's defines or blacklist do, and recompiles nothing when only flags change. */
  inputs?: string[];
}

function fingerprint(o: MakeOptions): string {
  const h = createHash("sha256");
  h.update(JSON.stringify([o.board, o.makeVars ?? []]));
  for (const f of [...(o.inputs ?? [])].sort()) h.update(f + "\0" + (existsSync(f) ? readFileSync(f) : "absent") + "\0");
  return h.digest("hex");
}

export interface MadeImage { elf: string; bin: string; map: string; log: string }

function findOne(dir: string, ext: string): string | undefined {
  const f = readdirSync(dir).find((n) => n.endsWith(ext) && n.startsWith("espruino_"));
  return f && join(dir, f);
}

/** Runs make; resolves with the image's files, rejects with the end of the log. */
export function makeImage(o: MakeOptions): Promise<MadeImage> {
  const gen = join(o.outDir, "gen");
  const stamp = join(o.outDir, "inputs.sha256");
  const print = fingerprint(o);
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== print) {
    rmSync(gen, { recursive: true, force: true });
    rmSync(join(o.outDir, "obj"), { recursive: true, force: true });
  }
  mkdirSync(gen, { recursive: true }); // the Makefile writes gen/CURRENT_BOARD.make before anything else
  const map = join(o.outDir, `${o.board}.map`);
  const log = join(o.outDir, "make.log");
  const args = ["-n", "10", "make", `BOARD=${o.board}`, "RELEASE=1", "PYTHON=python3", `-j${o.jobs}`,
    `GENDIR=${gen}`, `OBJDIR=${join(o.outDir, "obj")}`, `BINDIR=${o.outDir}`, ...(o.makeVars ?? [])];
  // LDFLAGS from the environment: the Makefile sets it with ?= and appends with +=, so
  // the link map flag survives (a command-line LDFLAGS would replace all of them).
  const env: NodeJS.ProcessEnv = { ...process.env, LDFLAGS: `-Winline -g -Wl,-Map,${map}` };
  delete env.DEFINES; // the image is what its board file says, nothing from the caller's shell
  return new Promise((resolvePromise, reject) => {
    const out = createWriteStream(log);
    out.write(`# cd ${o.treeDir} && LDFLAGS='${env.LDFLAGS}' nice ${args.join(" ")}\n`);
    const child = spawn("nice", args, { cwd: o.treeDir, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on("error", reject);
    child.on("close", (code) => {
      out.end(() => {
        const elf = existsSync(o.outDir) ? findOne(o.outDir, ".elf") : undefined;
        const bin = existsSync(o.outDir) ? findOne(o.outDir, ".bin") : undefined;
        // Espruino's scripts/check_size.sh fails the make when the bin is over the code
        // area, after writing it: that is a size to report, not a build failure.
        const overCodeArea = code !== 0 && /FAIL - size of \d+ is over \d+ bytes/.test(readFileSync(log, "utf8"));
        if ((code !== 0 && !overCodeArea) || !elf || !bin) {
          const tail = readFileSync(log, "utf8").split("\n").slice(-25).join("\n");
          reject(new Error(`make for ${o.board} failed (exit ${code}); the end of ${log}:\n${tail}`));
          return;
        }
        writeFileSync(stamp, print);
        resolvePromise({ elf, bin, map, log });
      });
    });
  });
}
