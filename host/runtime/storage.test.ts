import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { captured } from "./testHelpers.ts";
import { FlashArea } from "./flashArea.ts";

// Expected strings and sizes were measured on the Espruino 2v29 Linux interpreter.

test("write with a size reserves the file; later writes at offsets fill it (Espruino's own example)", () => {
  const { rt } = captured();
  rt.execute(`var f = require("Storage");`);
  assert.equal(rt.eval(`f.write("a","Hello",0,14)`), true);
  assert.equal(rt.eval(`JSON.stringify(f.read("a"))`), JSON.stringify("Hello" + "\xff".repeat(9)));
  rt.eval(`f.write("a"," ",5); f.write("a","World!!!",6)`);
  assert.equal(rt.eval(`f.read("a")`), "Hello World!!!");
  rt.eval(`f.write("a"," ",0)`);
  assert.equal(rt.eval(`f.read("a")`), " ");
});

test("write errors are exceptions with Espruino's messages", () => {
  const { rt } = captured();
  rt.execute(`var f = require("Storage"); f.write("a","Hello",0,14);`);
  assert.throws(() => rt.eval(`f.write("a","X",2)`), /^Error: File already written with different data$/);
  assert.throws(() => rt.eval(`f.write("nofile","X",5)`), /^Error: Unable to find or create file$/);
  assert.throws(() => rt.eval(`f.write("a","0123456789",10)`), /^Error: Too much data for file size$/);
  assert.throws(() => rt.eval(`f.write("z","")`), /^Error: Can't create zero length file$/);
  assert.equal(rt.eval(`f.write("n","x",-1)`), false);
  assert.equal(rt.eval(`(function(){ try { f.write("nofile","X",5) } catch (e) { return e instanceof Error } })()`), true);
});

test("a full flash area refuses the file; trash is compacted away when that makes room", () => {
  const { rt, out } = captured({ flashBytes: 256 });
  rt.execute(`var f = require("Storage");`);
  assert.throws(() => rt.eval(`f.write("big", "x", 0, 1000)`), /Unable to find or create file/);
  rt.eval(`f.write("a", "x".repeat(100)); f.write("b", "y".repeat(60))`); // 132 + 92 = 224 of 256
  assert.equal(rt.eval(`f.getFree()`), 32);
  assert.throws(() => rt.eval(`f.write("c", "z".repeat(20))`), /Unable to find or create file/);
  rt.eval(`f.erase("a")`);
  assert.equal(rt.eval(`f.write("c", "z".repeat(20))`), true);
  assert.equal(out(), "Compacting...\n");
  assert.deepEqual([...(rt.eval(`f.list()`) as string[])], ["b", "c"]);
  assert.equal(rt.eval(`f.read("b")`), "y".repeat(60));
});

test("getStats and getFree count 32-byte headers and 4-byte padding; erase makes trash (measured)", () => {
  const { rt } = captured({ flashBytes: 262144 });
  rt.execute(`var s = require("Storage");
    s.write("a","Hello",0,14);
    s.writeJSON("j",{a:1,"b-c":[1,2],s:"x",u:undefined,f:function(){}});
    s.write("bad","{a:");
    s.write("123456789012345678901234567890","long");`);
  assert.equal(rt.eval(`JSON.stringify(s.getStats())`), '{"totalBytes":262144,"freeBytes":261968,"fileBytes":176,"fileCount":4,"trashBytes":0,"trashCount":0}');
  assert.equal(rt.eval(`s.getFree()`), 261968);
  rt.eval(`s.erase("a")`);
  assert.equal(rt.eval(`JSON.stringify(s.getStats())`), '{"totalBytes":262144,"freeBytes":261968,"fileBytes":128,"fileCount":3,"trashBytes":48,"trashCount":1}');
  rt.eval(`s.compact()`);
  assert.equal(rt.eval(`s.getStats().trashCount + "," + s.getFree()`), "0," + (262144 - 128));
});

test("names are truncated to 28 characters; list() keeps flash order and filters by regex", () => {
  const { rt } = captured();
  rt.execute(`var s = require("Storage"); s.write("t","1"); s.write("123456789012345678901234567890","long"); s.write("q","2");`);
  assert.deepEqual([...(rt.eval(`s.list()`) as string[])], ["t", "1234567890123456789012345678", "q"]);
  assert.deepEqual([...(rt.eval(`s.list(/^[qt]/)`) as string[])], ["t", "q"]);
  assert.equal(rt.eval(`s.read("1234567890123456789012345678XYZ")`), "long");
  assert.equal(rt.eval(`s.read("nope")`), undefined);
});

test("writing identical content again is a no-op returning true", () => {
  const { rt } = captured();
  rt.execute(`var s = require("Storage"); s.write("q","abc");`);
  const before = rt.eval(`s.getFree()`);
  assert.equal(rt.eval(`s.write("q","abc")`), true);
  assert.equal(rt.eval(`s.getFree()`), before);
  rt.eval(`s.write("q","abd")`);
  assert.equal(rt.eval(`s.getStats().trashCount`), 1);
});

test("writeJSON drops quotes on identifier keys, skips functions/undefined; readJSON parses it back", () => {
  const { rt } = captured();
  rt.execute(`var s = require("Storage"); s.writeJSON("j",{a:1,"b-c":[1,2],s:"x",u:undefined,f:function(){}});`);
  assert.equal(rt.eval(`s.read("j")`), '{a:1,"b-c":[1,2],s:"x"}');
  assert.equal(rt.eval(`JSON.stringify(s.readJSON("j"))`), '{"a":1,"b-c":[1,2],"s":"x"}');
  assert.equal(rt.eval(`s.readJSON("j") instanceof Object`), true);
  assert.equal(rt.eval(`s.readJSON("missing")`), undefined);
});

test("readJSON of bad JSON throws a SyntaxError (measured wording) unless noExceptions", () => {
  const { rt } = captured();
  rt.execute(`var s = require("Storage"); s.write("bad","{a:"); s.write("bad2","{a 1}");`);
  assert.throws(() => rt.eval(`s.readJSON("bad")`), /^SyntaxError: Expecting valid value, got EOF$/);
  assert.throws(() => rt.eval(`s.readJSON("bad2")`), /^SyntaxError: Got INT expected ':'$/);
  assert.equal(rt.eval(`s.readJSON("bad", true)`), undefined);
});

test("arrays are written as bytes, typed arrays as their bytes, objects as JSON; readArrayBuffer returns bytes", () => {
  const { rt } = captured();
  rt.execute(`var s = require("Storage");
    s.write("arr", [65, 66, 256 + 67]);
    s.write("f32", new Float32Array([1]));
    s.write("obj", {a: 1});`);
  assert.equal(rt.eval(`s.read("arr")`), "ABC");
  assert.equal(rt.eval(`new Float32Array(s.readArrayBuffer("f32"))[0]`), 1);
  assert.equal(rt.eval(`s.readArrayBuffer("arr") instanceof ArrayBuffer`), true);
  assert.equal(rt.eval(`s.read("obj")`), '{"a":1}');
  assert.equal(rt.eval(`s.read("arr", 1, 1)`), "B");
});

test("eraseAll empties the area", () => {
  const { rt } = captured();
  rt.execute(`var s = require("Storage"); s.write("a","1"); s.eraseAll();`);
  assert.deepEqual([...(rt.eval(`s.list()`) as string[])], []);
  assert.equal(rt.eval(`s.getFree()`), 4096);
});

test("the flash image persists to a file between runtimes; a size mismatch is refused", () => {
  const dir = mkdtempSync(join(tmpdir(), "flash-"));
  try {
    const path = join(dir, "flash.bin");
    const one = captured({ storagePath: path, flashBytes: 1024 });
    one.rt.execute(`require("Storage").write("keep", "me");`);
    assert.equal(statSync(path).size, 1024);
    const two = captured({ storagePath: path, flashBytes: 1024 });
    assert.equal(two.rt.eval(`require("Storage").read("keep")`), "me");
    assert.throws(() => new FlashArea(2048, path), /is 1024 bytes, expected 2048/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the chip's Storage per role (tools/firmware/flashMap.ts): the meter's bundle slot and configuration fit with 25 % free, one byte more than Storage does not", async () => {
  const { chipStorageBytes } = await import("./flashArea.ts");
  const { slotsOf } = await import("../../tools/firmware/flashMap.ts");
  assert.equal(chipStorageBytes("meter"), 47104);
  assert.equal(chipStorageBytes("aggregator"), 61440);
  const { rt } = captured({ flashBytes: chipStorageBytes("meter") });
  const slot = (n: string) => slotsOf("meter").find((s) => s.name === n)!.bytes;
  rt.execute(`var f = require("Storage");`);
  assert.equal(rt.eval(`f.write(".bootcde", "x", 0, ${slot("bundle")})`), true);
  assert.equal(rt.eval(`f.write("meternet.json", "y", 0, ${slot("config")})`), true);
  const free = rt.eval(`f.getFree()`) as number;
  assert.ok(free >= 0.25 * chipStorageBytes("meter"), `free ${free}`);
  // what is left is all there is: a file of it plus its header does not fit
  assert.throws(() => rt.eval(`f.write("more", "z", 0, ${free})`), /Unable to find or create file/);
  assert.equal(rt.eval(`f.write("more", "z", 0, ${free - 32})`), true);
});
