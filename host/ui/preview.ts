/**
 * npx tsx host/ui/preview.ts [--port 8090]
 *
 * The meter's touchscreen UI on the host, in a browser: the screen as a PNG refreshed once a
 * second, a click on it is a touch (press and release at that pixel, through the UI's
 * calibration). Driven by the fixture data with a live reading (the voltage and power move
 * each second). Not yet the simulator's meters: their runtimes have no LCD (modules/ui/README.md).
 */
import { createServer } from "node:http";
import { hostUi } from "./createUi.ts";
import { fixtureView } from "./fixtureView.ts";
import { ScriptedTouch } from "./scriptedTouch.ts";

export function startPreview(port: number): { close: () => void; url: string; ui: import("../../modules/ui/meterUi.ts").MeterUi } {
  const v = fixtureView();
  const { ui, display } = hostUi(v, [], { timeoutS: 0 });
  const touch = new ScriptedTouch(ui);
  let k = 0;
  const timer = setInterval(() => {
    k++;
    v.utcS += 1;
    v.reading = Object.assign({}, v.reading!, { vRmsV: 231.42 + Math.sin(k / 5), pW: 1391.7 + 40 * Math.sin(k / 7), tS: v.reading!.tS + 1 });
    ui.update(v);
  }, 1000);
  const page = `<!doctype html><meta charset="utf-8"><title>meter screen</title>
<body style="background:#333;color:#ddd;font:14px sans-serif">
<p>meter-3: its 320x240 touchscreen (click = touch)</p>
<img id="s" src="/screen.png" width="640" height="480" style="image-rendering:pixelated;cursor:pointer">
<script>
const img = document.getElementById("s");
function refresh() { img.src = "/screen.png?" + Date.now(); }
img.addEventListener("click", (e) => {
  const r = img.getBoundingClientRect();
  const x = Math.floor((e.clientX - r.left) * 320 / r.width), y = Math.floor((e.clientY - r.top) * 240 / r.height);
  fetch("/touch?x=" + x + "&y=" + y, { method: "POST" }).then(refresh);
});
setInterval(refresh, 1000);
</script>`;
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    if (u.pathname === "/screen.png") {
      res.writeHead(200, { "content-type": "image/png", "cache-control": "no-store" });
      res.end(display.png());
    } else if (u.pathname === "/touch" && req.method === "POST") {
      const x = Number(u.searchParams.get("x")), y = Number(u.searchParams.get("y"));
      if (!(x >= 0 && x < 320 && y >= 0 && y < 240)) { res.writeHead(400); res.end("x 0..319 and y 0..239 expected\n"); return; }
      touch.tap(x, y);
      res.writeHead(204);
      res.end();
    } else if (u.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(page);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  server.listen(port, "127.0.0.1");
  return { ui, url: `http://127.0.0.1:${port}/`, close: () => { clearInterval(timer); server.close(); } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf("--port");
  const p = startPreview(i > 0 ? Number(process.argv[i + 1]) : 8090);
  console.log("meter screen preview: " + p.url);
}
