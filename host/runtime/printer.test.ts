import { test } from "node:test";
import assert from "node:assert/strict";
import { captured } from "./testHelpers.ts";

// Every expected string below is what print() wrote on the Espruino 2v29 interpreter.

test("print joins arguments with spaces and formats values as Espruino's pretty JSON", () => {
  const { rt, out } = captured();
  rt.execute(`print("obj", {a:1,b:[1,2],c:"x"}, [1,"a"], new Uint8Array([1,2]), undefined, null, 1.5);`);
  assert.equal(out(), 'obj { "a": 1, \n  "b": [ 1, 2 ], \n  "c": "x"\n } [ 1, \n  "a"\n ] new Uint8Array([1, 2]) undefined null 1.5\n');
});

test("nested values, long objects, empty containers, zero buffers", () => {
  const { rt, out } = captured();
  rt.execute(`print({a:{b:1}}, [[1,2],[3]], {a:1,b:2,c:3,d:4,e:5,f:6,g:7});
    print([]); print({});
    print(true, new Uint8Array(3), new Uint8Array([1,2]).buffer);`);
  assert.equal(out(),
    '{ \n  "a": { "b": 1 }\n } [ \n  [ 1, 2 ], \n  [ 3 ]\n ] { "a": 1, "b": 2, "c": 3, "d": 4, \n  "e": 5, "f": 6, "g": 7 }\n' +
    "[  ]\n{  }\n" +
    "true new Uint8Array(3) new Uint8Array([1, 2]).buffer\n");
});

test("console.log is print; an Error prints as 'Error: Error: x'", () => {
  const { rt, out } = captured();
  rt.execute(`console.log("a", 1); print(new Error("x"));`);
  assert.equal(out(), "a 1\nError: Error: x\n");
});

test("uncaught exceptions at top level print 'Uncaught <error>' and later statements do not run", () => {
  const { rt, out } = captured();
  assert.equal(rt.execute(`print("1"); throw new Error("boom"); print("2");`), false);
  assert.equal(out(), "1\nUncaught Error: boom\n");
  rt.execute(`throw "just a string";`);
  assert.match(out(), /Uncaught just a string\n$/);
});
