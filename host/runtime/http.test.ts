import { test } from "node:test";
import assert from "node:assert/strict";
import { captured } from "./testHelpers.ts";
import { RealClock } from "./clock.ts";

test("createServer: Espruino req/res shapes over Node http (device port 80 mapped to a free port)", async () => {
  const { rt, out } = captured({ clock: new RealClock(), mapHttpPort: () => 0 });
  try {
    rt.execute(`
      require("http").createServer(function (req, res) {
        var body = "";
        req.on("data", function (d) { body += d; });
        req.on("close", function () {
          res.writeHead(201, { "Content-Type": "text/plain" });
          res.write(req.method + " " + req.url + " " + req.headers["X-Meter"] + " ");
          res.end(body + " " + typeof req.read);
        });
      }).listen(80);`);
    const port = await rt.http.boundPort(80);
    const r = await fetch("http://127.0.0.1:" + port + "/energy?x=1", { method: "POST", body: "abc", headers: { "X-Meter": "m1" } });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get("content-type"), "text/plain");
    assert.equal(await r.text(), "POST /energy?x=1 m1 abc function");
    assert.equal(out(), "");
  } finally {
    await rt.dispose();
  }
});

test("without a 'data' listener the body is buffered for read()/available()", async () => {
  const { rt } = captured({ clock: new RealClock(), mapHttpPort: () => 0 });
  try {
    rt.execute(`
      require("http").createServer(function (req, res) {
        req.on("close", function () { var n = req.available(); res.end(n + ":" + req.read() + ":" + req.available()); });
      }).listen(8080);`);
    const port = await rt.http.boundPort(8080);
    const r = await fetch("http://127.0.0.1:" + port + "/", { method: "POST", body: "hello" });
    assert.equal(await r.text(), "5:hello:0");
  } finally {
    await rt.dispose();
  }
});

test("an exception in a request handler prints Uncaught and the server keeps serving", async () => {
  const { rt, out } = captured({ clock: new RealClock(), mapHttpPort: () => 0 });
  try {
    rt.execute(`var n = 0;
      require("http").createServer(function (req, res) {
        n++;
        if (n === 1) { res.end("x"); throw new Error("bad request " + n); }
        res.end("ok " + n);
      }).listen(80);`);
    const port = await rt.http.boundPort(80);
    await (await fetch("http://127.0.0.1:" + port + "/")).text();
    assert.equal(await (await fetch("http://127.0.0.1:" + port + "/")).text(), "ok 2");
    assert.equal(out(), "Uncaught Error: bad request 1\n");
  } finally {
    await rt.dispose();
  }
});

test("http.get: statusCode is a string, body arrives through 'data', then 'close'; errors give {code, message}", async () => {
  const { rt, out } = captured({ clock: new RealClock(), mapHttpPort: () => 0 });
  try {
    rt.execute(`require("http").createServer(function (req, res) { res.writeHead(200); res.end("pong"); }).listen(80);`);
    const port = await rt.http.boundPort(80);
    const done = new Promise<void>((resolve) => {
      rt.global.done = resolve;
    });
    rt.execute(`require("http").get("http://127.0.0.1:${port}/ping", function (res) {
        var b = "";
        res.on("data", function (d) { b += d; });
        res.on("close", function () { print(typeof res.statusCode, res.statusCode, b); done(); });
      });`);
    await done;
    assert.equal(out(), "string 200 pong\n");
    const failed = new Promise<void>((resolve) => { rt.global.failed = resolve; });
    rt.execute(`require("http").get("http://127.0.0.1:1/", function () {}).on("error", function (e) { print("err", typeof e.message, e.code); failed(); });`);
    await failed;
    assert.match(out(), /err string ECONNREFUSED\n$/);
  } finally {
    await rt.dispose();
  }
});

test("a port that cannot be bound prints an ERROR line and does not crash the host", async () => {
  const a = captured({ clock: new RealClock(), mapHttpPort: () => 0 });
  try {
    a.rt.execute(`require("http").createServer(function (req, res) { res.end("a"); }).listen(80);`);
    const port = await a.rt.http.boundPort(80);
    const b = captured({ clock: new RealClock(), mapHttpPort: () => port });
    try {
      b.rt.execute(`require("http").createServer(function (req, res) { res.end("b"); }).listen(80); print("still running");`);
      await assert.rejects(b.rt.http.boundPort(80), /EADDRINUSE/);
      await new Promise((r) => setTimeout(r, 10));
      assert.match(b.out(), /^still running\nERROR: http server for port 80 \(host port \d+\): listen EADDRINUSE/);
    } finally {
      await b.rt.dispose();
    }
  } finally {
    await a.rt.dispose();
  }
});

test("'drain' follows writeHead when nothing was written (Espruino's send buffer empties after the header text), once per empty buffer", async () => {
  const { rt } = captured({ clock: new RealClock(), mapHttpPort: () => 0 });
  try {
    rt.execute(`
      require("http").createServer(function (req, res) {
        var drains = 0;
        res.on("drain", function () {
          drains++;
          if (drains === 1) res.write("first ");
          else res.end("then " + drains);
        });
        res.writeHead(200, { "Content-Type": "text/plain" });
      }).listen(80);`);
    const port = await rt.http.boundPort(80);
    // the body starts on the headers' drain, and the write's own drain ends it: 2 drains, not 3
    assert.equal(await (await fetch("http://127.0.0.1:" + port + "/")).text(), "first then 2");
  } finally {
    await rt.dispose();
  }
});
