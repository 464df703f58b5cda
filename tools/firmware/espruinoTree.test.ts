// The firmware command's checks of the tree it is given, on small fake trees: the version
// it reports, what it says when the tree is not RELEASE_2V29, and the links it makes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { linkInto, readTreeVersion, versionProblem } from "./espruinoTree.ts";

function fakeTree(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), "meternet-tree-"));
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "Makefile"), "# fake\n");
  writeFileSync(join(dir, "src", "jsutils.h"), `#define JS_VERSION "${version}"\n`);
  return dir;
}

function git(dir: string, ...args: string[]): void {
  const r = spawnSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@t", ...args], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
}

test("not an Espruino tree: says so and how to get one", () => {
  const dir = mkdtempSync(join(tmpdir(), "meternet-tree-"));
  try {
    assert.throws(() => readTreeVersion(dir), /not an Espruino source tree[\s\S]*git clone --branch RELEASE_2V29/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("a tree at the tag passes; one commit later or another version says what it found", () => {
  const dir = fakeTree("2v29");
  try {
    git(dir, "init", "-q");
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "release");
    git(dir, "tag", "RELEASE_2V29");
    assert.equal(versionProblem(readTreeVersion(dir)), "");
    writeFileSync(join(dir, "x"), "x");
    git(dir, "add", "x");
    git(dir, "commit", "-qm", "later");
    const later = readTreeVersion(dir);
    assert.equal(later.commitsSinceRelease, 1);
    assert.match(versionProblem(later), /^HEAD is RELEASE_2V29-1-g[0-9a-f]+, not the tag RELEASE_2V29 \(the binaries would be named 2v29\.1\)/);
    writeFileSync(join(dir, "src", "jsutils.h"), `#define JS_VERSION "2v30"\n`);
    assert.match(versionProblem(readTreeVersion(dir)), /^the tree is Espruino 2v30 \(src\/jsutils\.h\), not 2v29/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("links are absolute, an old link is replaced, a real folder is refused", () => {
  const dir = fakeTree("2v29");
  try {
    const target = join(dir, "ours");
    mkdirSync(target);
    const link = join(dir, "libs-meternet");
    assert.equal(linkInto(link, target), "created");
    assert.equal(readlinkSync(link), target);
    assert.equal(linkInto(link, target), "kept");
    rmSync(link);
    symlinkSync("../somewhere/else", link); // a relative link from an older checkout
    assert.equal(linkInto(link, target), "replaced");
    assert.equal(readlinkSync(link), target);
    const real = join(dir, "real");
    mkdirSync(real);
    assert.throws(() => linkInto(real, target), /exists and is not a symbolic link: move it away/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
