/**
 * Web benchmark (npm run bench:web): the device handler served on Node with the fake
 * site and the built app, in a child process, against 127.0.0.1 only.
 *  1. autocannon, 50 connections for BENCH_S seconds (default 20) each: GET /api/state
 *     (what the dashboard polls) and GET / (the stored app's index, gzipped).
 *     Prints requests/s, latency and errors; non-2xx or errors fail the run.
 *  2. The first page load of the app in chromium (cold cache) and a reload (warm):
 *     requests and bytes transferred (CDP encodedDataLength: headers and body as sent).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { chromium } from "playwright-core";

const seconds = +(process.env.BENCH_S ?? 20);
const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./devServer.ts", import.meta.url)), "0"], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise<number>((resolve, reject) => {
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (d: string) => { const m = /127\.0\.0\.1:(\d+)/.exec(d); if (m) resolve(+m[1]); });
  child.on("exit", (c) => reject(new Error("server exited " + c)));
});
let bad = 0;

async function firstLoad(base: string) {
  const dir = mkdtempSync(join(tmpdir(), "meternet-bench-"));
  const ctx = await chromium.launchPersistentContext(dir, { executablePath: "/usr/bin/chromium", headless: true, viewport: { width: 1280, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const cdp = await ctx.newCDPSession(page);
    await cdp.send("Network.enable");
    let requests = 0, bytes = 0, cached = 0;
    const urls: string[] = [];
    cdp.on("Network.requestWillBeSent", (e) => { requests++; urls.push(new URL(e.request.url).pathname); });
    cdp.on("Network.loadingFinished", (e) => { bytes += e.encodedDataLength; });
    cdp.on("Network.requestServedFromCache", () => { cached++; });
    const measure = async (go: () => Promise<unknown>) => {
      requests = 0; bytes = 0; cached = 0; urls.length = 0;
      const t0 = performance.now();
      await go();
      await page.waitForSelector("main table");
      await page.waitForLoadState("networkidle");
      return { requests, bytes, cached, ms: Math.round(performance.now() - t0), urls: urls.join(" ") };
    };
    const cold = await measure(() => page.goto(base + "/"));
    const warm = await measure(() => page.reload());
    return { cold, warm };
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  for (const path of ["/api/state", "/"]) {
    const r = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 50, duration: seconds });
    bad += r.errors + r.timeouts + r.non2xx;
    console.log(`GET ${path}, 50 connections, ${seconds} s: ${r.requests.total} requests, ${r.requests.average.toFixed(0)} req/s, ` +
      `latency p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms max ${r.latency.max} ms, ${(r.throughput.average / 1024).toFixed(0)} KiB/s, ` +
      `errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}`);
  }
  const f = await firstLoad(`http://127.0.0.1:${port}`);
  for (const [k, v] of Object.entries(f)) {
    console.log(`first page load of the app (dashboard), ${k === "cold" ? "cold cache" : "reload, warm cache"}: ${v.requests} requests, ${v.bytes} bytes transferred` +
      `${v.cached ? ", " + v.cached + " from cache" : ""}, ${v.ms} ms: ${v.urls}`);
  }
  process.exitCode = bad ? 1 : 0;
} finally {
  child.kill();
}
