/**
 * Load test of the dashboard (npm run bench:web): the handler served on Node with the
 * fake site in a child process, autocannon with 50 concurrent connections for 20 s
 * against 127.0.0.1 only. Prints requests/s, latency and errors; exits non-zero when
 * any request failed or answered other than 2xx. BENCH_S shortens the run.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const seconds = +(process.env.BENCH_S ?? 20);
const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./devServer.ts", import.meta.url)), "0"], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise<number>((resolve, reject) => {
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (d: string) => { const m = /127\.0\.0\.1:(\d+)/.exec(d); if (m) resolve(+m[1]); });
  child.on("exit", (c) => reject(new Error("server exited " + c)));
});
try {
  const r = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: 50, duration: seconds });
  const bad = r.errors + r.timeouts + r.non2xx;
  console.log(`dashboard, 50 connections, ${seconds} s: ${r.requests.total} requests, ${r.requests.average.toFixed(0)} req/s, ` +
    `latency p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms max ${r.latency.max} ms, ${(r.throughput.average / 1024).toFixed(0)} KiB/s, ` +
    `errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}`);
  process.exitCode = bad ? 1 : 0;
} finally {
  child.kill();
}
