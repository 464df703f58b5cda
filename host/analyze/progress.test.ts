import { test } from "node:test";
import assert from "node:assert/strict";
import { progressReporter } from "./progress.ts";

test("progress: nothing in the first second or to a non-terminal; then at most every 250 ms on one line, cleared at the end", () => {
  let t = 0;
  const out: string[] = [];
  const tty = { isTTY: true, write: (s: string) => out.push(s) };
  const p = progressReporter(tty, () => t);
  t = 500;
  p.update("scan", 10, 100);
  assert.deepEqual(out, []);
  t = 1200;
  p.update("scan", 40, 100);
  t = 1300;
  p.update("scan", 50, 100);
  t = 1500;
  p.update("kernel", 20, 100);
  assert.deepEqual(out, ["\r\x1b[Kmeternet analyze: reading the record (pass 1 of 2) 40 %, 1 s", "\r\x1b[Kmeternet analyze: measuring (pass 2 of 2) 20 %, 2 s"]);
  p.end();
  assert.equal(out[out.length - 1], "\r\x1b[K");
  const pipe: string[] = [];
  const q = progressReporter({ isTTY: false, write: (s: string) => pipe.push(s) }, () => t);
  t = 5000;
  q.update("scan", 1, 2);
  q.end();
  assert.deepEqual(pipe, []);
});
