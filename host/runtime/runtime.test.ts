import { test } from "node:test";
import assert from "node:assert/strict";
import { captured } from "./testHelpers.ts";
import { rejectionListener } from "./rejections.ts";

test("a small bundle runs end to end: prints, timers over an hour of virtual time, result", () => {
  const { rt, out, clock } = captured();
  const bundle = `class e{constructor(t){this.n=0,this.t=t}tick(){this.n++}}const t=new e(print);
    let r=0;const i=setInterval(()=>{t.tick();if(t.n===3600){clearInterval(i);print("ticks",t.n,"at",getTime());result=true}},1000);
    print("started");`;
  assert.equal(rt.execute(bundle, "bundle.js"), true);
  clock.advance(3600 * 1000);
  assert.equal(out(), "started\nticks 3600 at 3600\n");
  assert.equal(rt.global.result, true);
  assert.equal(rt.timerCount(), 0);
});

test("what Espruino lacks is missing (Map, Symbol, Array.from, substr...); strictBuiltins:false keeps it", () => {
  const { rt } = captured();
  assert.equal(rt.eval("typeof Map + typeof Set + typeof Symbol + typeof Reflect + typeof Proxy"), "undefinedundefinedundefinedundefinedundefined");
  assert.equal(rt.eval("typeof Array.from + typeof Object.freeze + typeof Math.trunc + typeof ''.substr + typeof Promise.prototype.finally"), "undefinedundefinedundefinedundefinedundefined");
  assert.throws(() => rt.eval("new Map()"), /Map is not defined/);
  assert.equal(rt.eval("var s=0; for (const x of [1,2,3]) s+=x; s"), 6); // for...of works without Symbol
  const loose = captured({ strictBuiltins: false });
  assert.equal(loose.rt.eval("typeof Map"), "function");
});

test("global is the global object; process.env, process.version and process.memory()", () => {
  const { rt } = captured({ env: { SERIAL: "abc" } });
  assert.equal(rt.eval("global === this && global.print === print"), true);
  assert.equal(rt.eval("process.env.VERSION + ' ' + process.version + ' ' + process.env.SERIAL"), "2v29 2v29 abc");
  const m = rt.eval("process.memory()") as { free: number; usage: number; total: number; blocksize: number };
  assert.equal(m.total, 3600);
  assert.equal(m.free + m.usage, 3600);
  assert.equal(m.blocksize, 13);
  const before = m.usage;
  rt.execute("let big = new Float32Array(500);");
  const after = (rt.eval("process.memory()") as { usage: number }).usage;
  // measured on the 32-bit 13-byte-JsVar build: E.getSizeOf(new Float32Array(500)) is 157 (view,
  // ArrayBuffer, 2000 bytes as a flat string of 154); plus the name "big" and, first used now, the
  // built-in classes Float32Array and ArrayBufferView (8 + 9)
  assert.ok(after - before >= 158 && after - before <= 180, "estimate grew by " + (after - before));
});

test("require: built-in and injected modules; an unknown module throws Espruino's message", () => {
  const { rt } = captured({ modules: { CAN: { bitrate: 125000 }, Fresh: () => ({ made: 1 }) } });
  assert.equal(rt.eval(`require("CAN").bitrate`), 125000);
  assert.equal(rt.eval(`require("Fresh").made`), 1);
  assert.equal(rt.eval(`typeof require("Storage").write + typeof require("crypto").AES + typeof require("http").createServer`), "functionobjectfunction");
  assert.throws(() => rt.eval(`require("nope")`), /^Error: Module "nope" not found$/);
});

test("injected globals (native hooks) are available to the program and survive reset()", () => {
  let made = 0;
  const { rt } = captured({ globals: () => { made++; return { MeterADC: class { read() { return 42; } } }; } });
  assert.equal(rt.eval("new MeterADC().read()"), 42);
  rt.reset();
  assert.equal(rt.eval("new MeterADC().read()"), 42);
  assert.equal(made, 2);
});

test("reset() from the program happens once the code has finished; timers and variables are gone", () => {
  const { rt, out, clock } = captured();
  rt.execute(`var a = 1; setInterval(function(){ print("tick"); }, 10); E.on("kill", function(){ print("kill"); }); reset(); a = 2; print("still here", a);`);
  assert.equal(out(), "still here 2\nkill\n");
  assert.equal(rt.eval("typeof a"), "undefined");
  clock.advance(100);
  assert.equal(out(), "still here 2\nkill\n");
});

test("code uploaded to .bootcde in 1 KB chunks (SAVE_ON_SEND) runs on load() and at power-on; reset() skips it", () => {
  const { rt, out, flash } = captured();
  const code = `var booted = (typeof booted === "undefined" ? 0 : booted) + 1; E.on("init", function(){ print("init"); }); print("boot code ran");` + " ".repeat(1500);
  rt.global.code = code;
  rt.execute(`var s = require("Storage"), total = code.length;
    for (var off = 0; off < total; off += 1024) s.write(".bootcde", code.slice(off, off + 1024), off, total);
    load();`);
  assert.equal(out(), "boot code ran\ninit\n");
  assert.equal(rt.eval("booted"), 1);
  rt.reset();
  assert.equal(rt.eval("typeof booted"), "undefined");
  rt.powerOn();
  assert.equal(rt.eval("booted"), 1);
  rt.reset(true);
  assert.equal(flash.find(".bootcde"), undefined);
  assert.match(out(), /boot code ran\ninit\n$/);
});

test("load(file) resets and evaluates that Storage file", () => {
  const { rt, out } = captured();
  rt.execute(`require("Storage").write("app.js", "print('app ' + typeof x)"); var x = 1; load("app.js");`);
  assert.equal(out(), "app undefined\n");
});

test("eval() shares the global scope (REPL) and throws the program's exceptions", () => {
  const { rt } = captured();
  rt.eval("var counter = 41");
  assert.equal(rt.eval("++counter"), 42);
  assert.throws(() => rt.eval("undefinedFunction()"), /undefinedFunction is not defined/);
});

test("invoke() runs host callbacks with Espruino's error handling; save() is refused", () => {
  const { rt, out } = captured();
  const fn = rt.eval("(function(v){ if (v) throw new Error('hook ' + v); print('ok'); })") as (...a: unknown[]) => unknown;
  assert.equal(rt.invoke(fn, [0]), true);
  assert.equal(rt.invoke(fn, [7]), false);
  assert.equal(out(), "ok\nUncaught Error: hook 7\n");
  assert.throws(() => rt.eval("save()"), /not emulated/);
});

test("dispose() stops timers", async () => {
  const { rt, clock, out } = captured();
  rt.execute(`setInterval(function(){ print("x"); }, 10);`);
  await rt.dispose();
  clock.advance(100);
  assert.equal(out(), "");
});

test("several runtimes share one virtual clock and stay in step", () => {
  const a = captured();
  const b = captured({ clock: a.clock });
  a.rt.execute(`setInterval(function(){ print("a", getTime()); }, 300);`);
  b.rt.execute(`setInterval(function(){ print("b", getTime()); }, 200);`);
  a.clock.advance(600);
  assert.equal(a.out(), "a 0.3\na 0.6\n");
  assert.equal(b.out(), "b 0.2\nb 0.4\nb 0.6\n");
});

test("process.memory() called by the program does not run promise jobs early", () => {
  const { rt, out } = captured();
  rt.execute(`Promise.resolve().then(function(){ print("job"); }); process.memory(); print("sync");`);
  assert.equal(out(), "sync\njob\n");
});

test("an unhandled promise rejection is printed as Espruino does and does not crash the host", async () => {
  // node:test counts every unhandled rejection as a failure: detach its listener meanwhile
  const others = process.listeners("unhandledRejection").filter((l) => l !== rejectionListener);
  const { rt, out } = captured();
  others.forEach((l) => process.off("unhandledRejection", l));
  try {
    rt.execute(`Promise.resolve().then(function(){ throw new Error("y"); }); print("ok");`);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(out(), "ok\nUncaught Error: Unhandled promise rejection: Error: y\n");
  } finally {
    others.forEach((l) => process.on("unhandledRejection", l));
    await rt.dispose();
  }
});

test("typed arrays and DataView behave as JavaScript specifies (Espruino implements them)", () => {
  const { rt } = captured();
  assert.equal(rt.eval(`var b = new ArrayBuffer(4); var d = new DataView(b); d.setUint16(0, 0x1234); d.setInt16(2, -2, true);
    var u = new Uint8Array(b); [u[0], u[1], u[2], u[3], d.getInt16(2, true), new Int16Array([70000])[0]].join()`), "18,52,254,255,-2,4464");
});

test("native hooks registered with onNativeKill are torn down at reset() and dispose()", async () => {
  const { rt, clock } = captured();
  let kills = 0;
  rt.onNativeKill(() => { kills++; });
  rt.execute("reset();", "t.js");
  clock.advance(1);
  assert.equal(kills, 1, "a reset runs the teardown once");
  rt.onNativeKill(() => { kills++; });
  await rt.dispose();
  assert.equal(kills, 2, "dispose runs the teardown registered after the reset");
});
