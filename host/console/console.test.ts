/**
 * The console line discipline and REPL formatting against bytes measured on the
 * Espruino 2v29 Linux interpreter (/work/scratch/espruino-build/src/bin/espruino, stdin
 * piped one line per 150 ms, output read with `cat -A`). Where a test says "measured",
 * the expected string is what that interpreter printed for the same input.
 * Differences that are by design (device build, not Linux) are named in the test:
 * - Ctrl-C: the Linux build prints "Press Ctrl-C again to exit"; the device (EMBEDDED)
 *   clears the input line (jsiLoop), which is what we emulate.
 * - The banner starts with "\x1B[?7l" on non-Linux boards (jsiSemiInit).
 * - Espruino follows "Uncaught ..." with a stack trace ("    at REPL (:1:1)", the line,
 *   a caret); we print only the first line, and V8's messages where Espruino's differ
 *   (except `"x" is not defined`, which we reword).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConsoleDevice, BANNER, SAVED_STATE_MARKER } from "./index.ts";
import { formatReplValue } from "./replFormat.ts";
import { formatEspruinoNumber } from "./espruinoNumber.ts";
import { countBrackets } from "./bracketCount.ts";

const tick = () => new Promise<void>((r) => setImmediate(r));

async function device(): Promise<{ dev: ConsoleDevice; take: () => string; type: (s: string) => Promise<string> }> {
  let out = "";
  const dev = new ConsoleDevice({ onConsoleBytes: (b) => { out += b.toString("latin1"); } });
  dev.powerOn();
  await tick();
  const take = () => { const s = out; out = ""; return s; };
  const type = async (s: string) => { dev.input(s); await tick(); return take(); };
  return { dev, take, type };
}

test("power-on prints the banner and the prompt", async () => {
  const { dev, take } = await device();
  assert.equal(take(), BANNER.replace(/\n/g, "\r\n") + ">");
  await dev.close();
});

// The CLI chooses throttled or unthrottled writes from process.env.CONSOLE; the TCP
// console must answer as the 2v29 Linux interpreter's --telnet console does (measured:
// process.env.CONSOLE there is "Telnet"), or the CLI behaves differently against it.
test("process.env.CONSOLE is \"Telnet\", as on the real interpreter's TCP console (measured)", async () => {
  const { dev, take, type } = await device();
  take();
  assert.equal(await type("process.env.CONSOLE\n"), "process.env.CONSOLE\r\n=\"Telnet\"\r\n>");
  await dev.close();
});

test("echo, =result and prompt (measured)", async () => {
  const { dev, take, type } = await device();
  take();
  assert.equal(await type("1+2\n"), "1+2\r\n=3\r\n>");
  assert.equal(await type("var a={b:1,c:\"x\"}\n"), "var a={b:1,c:\"x\"}\r\n={ b: 1, \r\n  c: \"x\"\r\n }\r\n>");
  assert.equal(await type("\"hi\"\n"), "\"hi\"\r\n=\"hi\"\r\n>");
  assert.equal(await type("[1,2,{a:3}]\n"), "[1,2,{a:3}]\r\n=[ 1, 2, \r\n  { a: 3 }\r\n ]\r\n>");
  assert.equal(await type("\n"), "\r\n>");
  // \r\n counts as one Enter
  assert.equal(await type("2*3\r\n"), "2*3\r\n=6\r\n>");
  await dev.close();
});

test("open brackets continue the line with ':' (measured), ESC LF adds a newline (measured)", async () => {
  const { dev, take, type } = await device();
  take();
  assert.equal(await type("function f(){\n return 1;\n}\n"), "function f(){\r\n: return 1;\r\n:}\r\n=function () { ... }\r\n>");
  assert.equal(await type("function g(){\x1B\x0Areturn 2;\x1B\x0A}\n"), "function g(){\r\n:return 2;\r\n:}\r\n=function () { ... }\r\n>");
  assert.equal(await type("if (1) {\nprint(5)}\n"), "if (1) {\r\n:print(5)}\r\n5\r\n=undefined\r\n>");
  assert.equal(await type("g()\n"), "g()\r\n=2\r\n>");
  await dev.close();
});

test("DLE turns echo off for one line (measured)", async () => {
  const { dev, take, type } = await device();
  take();
  assert.equal(await type("\x10print(\"hi\")\n"), "hi\r\n>");
  assert.equal(await type("\x10var z=1\n"), "");
  assert.equal(await type("\x10print(\"<\",\"<<\",JSON.stringify({a:1}),\">>\",\">\")\n"), "< << {\"a\":1} >> >\r\n>");
  assert.equal(await type("z\n"), "z\r\n=1\r\n>");
  await dev.close();
});

test("echo(0) and echo(1) (measured)", async () => {
  const { dev, take, type } = await device();
  take();
  assert.equal(await type("echo(0)\n"), "echo(0)\r\n");
  assert.equal(await type("4+4\n"), "");
  assert.equal(await type("print(\"p\")\n"), "p\r\n");
  assert.equal(await type("echo(1)\n"), "=undefined\r\n>");
  await dev.close();
});

test("backspace and cursor keys (backspace measured)", async () => {
  const { dev, take, type } = await device();
  take();
  assert.equal(await type("12\x08\x083\n"), "12\x08 \x08\x08 \x083\r\n=3\r\n>");
  // insert before "+": jsiAppendStringToInputLine reprints the rest, backs up, then echoes the char
  assert.equal(await type("1+\x1B[D4"), "1+\x1B[D4+ \x08\x08\x084");
  assert.equal(await type("\x1B[F5\n"), "+5\r\n=19\r\n>");
  await dev.close();
});

test("history with up/down, Enter inside a line (measured)", async () => {
  const { dev, take, type } = await device();
  take();
  await type("1+1\n");
  await type("2+2\n");
  assert.equal(await type("\x1B[A\x1B[A\n"), "\x1B[J2+2\x1B[D\x1B[D\x1B[D\x1B[J1+1\r\n=2\r\n>");
  assert.equal(await type("\x1B[A\x1B[B\x1B[B\n"), "\x1B[J1+1\x1B[D\x1B[D\x1B[D\x1B[J\x1B[J\r\n>");
  // up on an edited line moves between its lines (none here); Enter before the end splits it
  assert.equal(await type("ab\x1B[A\x1B[Dc\n"), "ab\x1B[Dcb \x08\x08\x08c\x1B[J\r\n:b\x1B[D");
  assert.equal(dev.console.line, "ac\nb");
  await dev.close();
});

test("ESC [ n d line numbers are swallowed (measured)", async () => {
  const { dev, take, type } = await device();
  take();
  assert.equal(await type("\"ab"), "\"ab");
  assert.equal(await type("\x1B[5dc\"\n"), "c\"\r\n=\"abc\"\r\n>");
  await dev.close();
});

test("Ctrl-C clears the input line (device build), output over the prompt (measured)", async () => {
  const { dev, take, type } = await device();
  take();
  assert.equal(await type("abc\x03"), "abc\x1B[D\x1B[D\x1B[D\r\x1B[J>");
  assert.equal(dev.console.line, "");
  assert.equal(await type("\x03"), "", "Ctrl-C on an empty line prints nothing on the device");
  assert.equal(await type("setTimeout(function(){print(\"tick\")},100)\n"), "setTimeout(function(){print(\"tick\")},100)\r\n=1\r\n>");
  dev.runtime.advance(200);
  await tick();
  assert.equal(take(), "\r\x1B[Jtick\r\n>");
  // with a half-typed line, it is removed and typed again after the output
  await type("ab");
  dev.runtime.eval("setTimeout(function(){print(\"t2\")},10)");
  dev.runtime.advance(20);
  await tick();
  assert.equal(take(), "\x1B[D\x1B[D\r\x1B[Jt2\r\n>ab");
  await dev.close();
});

test("errors print 'Uncaught ...' without =value (first line measured)", async () => {
  const { dev, take, type } = await device();
  take();
  assert.equal(await type("foo\n"), "foo\r\nUncaught ReferenceError: \"foo\" is not defined\r\n>");
  assert.equal(await type("throw new Error(\"boom\")\n"), "throw new Error(\"boom\")\r\nUncaught Error: boom\r\n>");
  // an unfinished string runs at once so that it can report its error (brackets = 0)
  const s = await type("\"ab\n");
  assert.match(s, /^"ab\r\nUncaught SyntaxError: .*\r\n>$/);
  // process.on('uncaughtException') takes it instead
  await type("\x10process.on('uncaughtException', function(e){ print('caught', e.message); })\n");
  assert.equal(await type("throw new Error(\"x\")\n"), "throw new Error(\"x\")\r\ncaught x\r\n>");
  await dev.close();
});

test("reset() prints the banner once the line is done (measured on Linux, plus \\x1B[?7l)", async () => {
  const { dev, take, type } = await device();
  take();
  await type("var keep = 1\n");
  assert.equal(await type("reset()\n"), "reset()\r\n=undefined\r\n" + BANNER.replace(/\n/g, "\r\n") + ">");
  assert.match(await type("keep\n"), /Uncaught ReferenceError: "keep" is not defined/);
  // the CLI's DLE reset: no =undefined, the banner still comes
  assert.equal(await type("\x10reset();\n"), BANNER.replace(/\n/g, "\r\n") + ">");
  await dev.close();
});

test("save() keeps the state across reset/load and power-on; refuses over a foreign .bootcde (measured)", async () => {
  const { dev, take, type } = await device();
  take();
  await type("var x=42\n");
  await type("function twice(v){\n return 2*v;\n}\n");
  const saved = await type("save()\n");
  assert.match(saved, /^save\(\)\r\n=undefined\r\nCompacting Flash\.\.\.\r\nCalculating Size\.\.\.\r\nWriting\.\.\r\nCompressed \d+ bytes to \d+\r\n>$/);
  const f = dev.runtime.flash.find(".bootcde");
  assert.ok(f, "save() wrote .bootcde");
  const text = Buffer.from(dev.runtime.flash.read(f.dataAddr, f.size)).toString("latin1");
  assert.ok(text.startsWith(SAVED_STATE_MARKER));
  assert.equal(await type("reset()\n").then((s) => s.includes("espruino.com")), true);
  assert.match(await type("x\n"), /is not defined/);
  assert.match(await type("load()\n"), /^load\(\)\r\n=undefined\r\nLoading \d+ bytes from flash\.\.\.\r\n>$/);
  assert.equal(await type("twice(x)\n"), "twice(x)\r\n=84\r\n>");
  // a second save() after changes replaces the first
  await type("x=1\n");
  await type("save()\n");
  dev.powerOn();
  await tick();
  assert.match(take(), /^Loading \d+ bytes from flash\.\.\.\r\n/);
  assert.equal(await type("twice(x)\n"), "twice(x)\r\n=2\r\n>");
  // code saved by the IDE/CLI (SAVE_ON_SEND) must be removed first, as on 2v29
  await type("require(\"Storage\").write(\".bootcde\",\"var y=7;print('boot')\")\n");
  assert.equal(await type("save()\n"), "save()\r\nUncaught Error: Cannot save: .bootcde file already exists. Please remove it first.\r\n>");
  assert.equal(await type("load()\n"), "load()\r\n=undefined\r\nboot\r\n>");
  assert.equal(await type("y\n"), "y\r\n=7\r\n>");
  await dev.close();
});

function hostOffset(d: Date): string {
  const off = -d.getTimezoneOffset();
  const two = (n: number) => String(n).padStart(2, "0");
  return (off < 0 ? "-" : "+") + two(Math.floor(Math.abs(off) / 60)) + two(Math.abs(off) % 60);
}

test("=value formatting (measured)", () => {
  class Foo { a = 1; }
  const cases: Array<[unknown, string]> = [
    ["a\nb\t\x01b\x015", "\"a\\nb\\t\\1b\\x015\""],
    ["0123456789012345678901234567890123456789012345678901234567890123456789", "\"012345678901234567890123456\" ... \"345678901234567890123456789\""],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], "[ 1, 2, 3, 4, 5,  ... 16, 17, 18, 19, 20 ]"],
    [new Uint8Array([1, 2, 3]), "new Uint8Array([1, 2, 3])"],
    [new Float32Array(3), "new Float32Array(3)"],
    [undefined, "undefined"],
    [null, "null"],
    [new Error("x"), "Error: Error: x"],
    [new Foo(), "Foo: { a: 1 }"],
    [{ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, "x-y": 7 }, "{ a: 1, b: 2, c: 3, d: 4, \n  e: 5, f: 6, \"x-y\": 7 }"],
    [function (a: number, b: number) { return a + b; }, "function (a,b) { ... }"],
    [Math.sin, "function () { [native code] }"],
    [[undefined, null, "s", { a: { b: { c: 1 } } }], "[ undefined, null, \n  \"s\", \n  { \n    a: { \n      b: { c: 1 }\n     }\n   }\n ]"],
    [true, "true"],
    [["x"], "[ \n  \"x\"\n ]"],
    // measured with Espruino's time zone 0; the host's own offset is shown in its place
    [new Date(2026, 10, 24, 9, 5, 7), "Date: Tue Nov 24 2026 09:05:07 GMT" + hostOffset(new Date(2026, 10, 24, 9, 5, 7))],
    [/ab+c/g, "RegExp: { \n  source: \"ab+c\", \n  flags: \"g\", \n  lastIndex: 0 }"],
    [new DataView(new ArrayBuffer(2)), "DataView: { \n  buffer: new ArrayBuffer(2), \n  byteOffset: 0, byteLength: 2 }"],
    [{ get x() { return 1; }, y: 2 }, "{ y: 2 }"],
    [[, 1], "[ undefined, 1 ]"],
    [Object.create(null), "{  }"],
    [new Uint8Array([1, 2, 3]).buffer, "new Uint8Array([1, 2, 3]).buffer"],
    [{ toString: function () { return "T"; } }, "{ \n  toString: function () { ... }\n }"],
    [[function () {}], "[ \n  function () {}\n ]"],
    [() => 1, "function () { ... }"],
    ["\xe9", "\"\\xE9\""],
    [(Promise.reject(new Error("x")).catch(() => undefined), new Promise(() => undefined)), "Promise: { state: 0 }"],
  ];
  for (const [v, want] of cases) assert.equal(formatReplValue(v), want);
});

test("numbers as Espruino prints them (measured)", () => {
  const cases: Array<[number, string]> = [
    [0.1 + 0.2, "0.3"], [1 / 3, "0.33333333333"], [1e21, "10e+20"], [-0, "0"], [NaN, "NaN"],
    [1e-7, "1e-7"], [123.456, "123.456"], [1e300, "1e+300"], [3.14159, "3.14159"], [-2.5, "-2.5"],
    [0.000123, "0.000123"], [2147483648, "2147483648"],
  ];
  for (const [v, want] of cases) assert.equal(formatEspruinoNumber(v), want, String(v));
});

test("bracket counting follows jsiCountBracketsInInput", () => {
  assert.equal(countBrackets("function f(){"), 1);
  assert.equal(countBrackets("if (1) {\nprint(5)}"), 0);
  assert.equal(countBrackets("\"ab"), 0, "unfinished string: run now so it errors");
  assert.ok(countBrackets("/* x") >= 1000, "unfinished comment: keep reading");
  assert.ok(countBrackets("`abc") >= 1000, "unfinished template literal: keep reading");
  assert.equal(countBrackets("x = \"{\""), 0, "brackets in strings do not count");
  assert.equal(countBrackets(")("), -1, "stops at a closing bracket without opener");
});
