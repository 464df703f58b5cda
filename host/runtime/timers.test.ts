import { test } from "node:test";
import assert from "node:assert/strict";
import { captured } from "./testHelpers.ts";

test("timer ids: last id + 1, 1 when empty, reused after the newest is cleared (measured: 1 2 3 3)", () => {
  const { rt } = captured();
  assert.equal(rt.eval("var t1=setTimeout(function(){},10), t2=setTimeout(function(){},10), t3=setTimeout(function(){},10); clearTimeout(t3); var t4=setTimeout(function(){},1); [t1,t2,t3,t4].join(' ')"), "1 2 3 3");
  rt.eval("clearTimeout()");
  assert.equal(rt.eval("setInterval(function(){}, 5)"), 1);
});

test("timers fire at due time in order of due time, then creation; getTime follows the clock", () => {
  const { rt, out, clock } = captured();
  rt.execute(`
    setTimeout(function(){ print("b", getTime()); }, 20);
    setTimeout(function(){ print("a", getTime()); }, 10);
    setTimeout(function(){ print("c", getTime()); }, 20);
  `);
  clock.advance(15);
  assert.equal(out(), "a 0.01\n");
  clock.advance(5);
  assert.equal(out(), "a 0.01\nb 0.02\nc 0.02\n");
  assert.equal(rt.timerCount(), 0);
});

test("setInterval keeps its grid and passes extra arguments; clearInterval stops it", () => {
  const { rt, out, clock } = captured();
  rt.execute(`var n=0; var id=setInterval(function(a,b){ n++; print(a+b, getTime()); if (n==3) clearInterval(id); }, 1000, "x", "y");`);
  clock.advance(10000);
  assert.equal(out(), "xy 1\nxy 2\nxy 3\n");
  assert.equal(rt.timerCount(), 0);
});

test("setTimeout below 0.1 ms (0, NaN, negative) runs after 0.1 ms", () => {
  const { rt, out, clock } = captured();
  rt.execute(`setTimeout(function(){print("zero")},0); setTimeout(function(){print("nan")},NaN); setTimeout(function(){print("neg")},-5);`);
  clock.advance(0.05);
  assert.equal(out(), "");
  clock.advance(0.05);
  assert.equal(out(), "zero\nnan\nneg\n");
});

test("string callbacks are evaluated in global scope", () => {
  const { rt, clock } = captured();
  rt.execute(`var hits = 0; setTimeout("hits++", 5);`);
  clock.advance(5);
  assert.equal(rt.eval("hits"), 1);
});

test("clearTimeout() with no argument clears every timer; clearTimeout(undefined) throws", () => {
  const { rt } = captured();
  rt.eval("setTimeout(function(){},10); setInterval(function(){},10)");
  assert.equal(rt.timerCount(), 2);
  assert.throws(() => rt.eval("clearTimeout(undefined)"), /clearTimeout\(undefined\) not allowed. Use clearTimeout\(\) instead/);
  assert.throws(() => rt.eval("clearInterval(undefined)"), /clearInterval\(undefined\) not allowed/);
  rt.eval("clearTimeout()");
  assert.equal(rt.timerCount(), 0);
});

test("clearTimeout and clearInterval share one table", () => {
  const { rt } = captured();
  rt.eval("var i = setInterval(function(){}, 10); clearTimeout(i)");
  assert.equal(rt.timerCount(), 0);
});

test("bad callbacks and intervals over 100 years throw Espruino's errors (as realm Errors)", () => {
  const { rt } = captured();
  assert.equal(rt.eval("try { setTimeout(5, 10) } catch (e) { (e instanceof Error) + ' ' + e.message }"), "true Function or String not supplied!");
  assert.throws(() => rt.eval("setTimeout(function(){}, 4e13)"), /Interval is too long \(>100 years\)/);
});

test("an exception in an interval prints 'Uncaught Error: ...' and the interval keeps running", () => {
  const { rt, out, clock } = captured();
  rt.execute(`var n = 0; setInterval(function(){ n++; throw new Error("boom " + n); }, 100);`);
  clock.advance(250);
  assert.equal(out(), "Uncaught Error: boom 1\nUncaught Error: boom 2\n");
  assert.equal(rt.timerCount(), 1);
});

test("process.on('uncaughtException') receives timer exceptions instead of the console", () => {
  const { rt, out, clock } = captured();
  rt.execute(`process.on('uncaughtException', function(e){ print("caught", e.message); }); setTimeout(function(){ throw new Error("x"); }, 1);`);
  clock.advance(1);
  assert.equal(out(), "caught x\n");
});

test("changeInterval re-arms one new period from now", () => {
  const { rt, out, clock } = captured();
  rt.execute(`var id = setInterval(function(){ print(getTime()); }, 1000);`);
  clock.advance(1500);
  rt.eval("changeInterval(id, 200)");
  clock.advance(450);
  assert.equal(out(), "1\n1.7\n1.9\n");
});

test("a timer set inside a callback counts from that callback's due time", () => {
  const { rt, out, clock } = captured();
  rt.execute(`setTimeout(function(){ setTimeout(function(){ print(getTime()); }, 10); }, 10);`);
  clock.advance(100);
  assert.equal(out(), "0.02\n");
});

test("promise jobs of a timer run after every timer due in the same pass (measured: t1 t2 p1)", () => {
  const { rt, out, clock } = captured();
  rt.execute(`setTimeout(function(){ print("t1"); Promise.resolve().then(function(){ print("p1"); }); }, 5);
    setTimeout(function(){ print("t2"); }, 5);`);
  clock.advance(5);
  assert.equal(out(), "t1\nt2\np1\n");
});

test("an uncaughtException handler that throws is reported, not looped", () => {
  const { rt, out, clock } = captured();
  rt.execute(`process.on('uncaughtException', function(e){ throw new Error("handler " + e.message); }); setTimeout(function(){ throw new Error("x"); }, 1);`);
  clock.advance(1);
  assert.equal(out(), "Uncaught Error: handler x\n");
});
