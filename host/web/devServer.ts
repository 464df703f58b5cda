/**
 * Serves the aggregator's API and the built browser app (build/web, `npm run build`)
 * on Node with the fake site, for the browser test, the load test and people:
 * `npx tsx host/web/devServer.ts [port]` (default 8080).
 * Prints "listening on http://127.0.0.1:PORT" when ready.
 */
import { serve } from "./nodeAdapter.ts";
import { makeSite, PASSWORD } from "./fakeSite.ts";

export async function startDevServer(port: number, nowS = Math.floor(Date.now() / 1000), opts: Parameters<typeof makeSite>[1] = {}) {
  const site = makeSite(nowS, opts);
  // a reading per meter every 60 s of real time (the history is per minute too), decisions every second
  let fed = nowS;
  const tick = setInterval(() => {
    const t = Math.floor(Date.now() / 1000);
    site.setNow(t);
    if (t - fed >= 60) { fed = t; site.feed(t); }
    site.agg.tick(t);
  }, 1000);
  tick.unref();
  const s = await serve(site.server.handle, port);
  return Object.assign(site, s);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await startDevServer(+(process.argv[2] ?? 8080));
  console.log(`listening on http://127.0.0.1:${s.port} (user admin, password "${PASSWORD}")`);
}
