// needs-apt: python3-can
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dataFrame, remoteFrame, type CanFrame } from "../../modules/can/frame.ts";
import { RealClock } from "../runtime/clock.ts";
import { VirtualCanBus } from "./bus.ts";
import { BxcanModel } from "./bxcanModel.ts";
import { linkToClock } from "./clockLink.ts";
import { startSlcanTcpServer } from "./slcanTcpServer.ts";

const PY = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./slcanRoundTrip.py", import.meta.url));

function pythonCanPresent(): string | null {
  try {
    execFileSync(PY, ["-c", "import can, serial"], { stdio: "pipe" });
    return null;
  } catch {
    return "Debian's python3-can is missing: run `apt-get install -y python3-can` (as root), then rerun this test";
  }
}

test("python-can (Debian python3-can, slcan over socket://) round-trips data and remote frames, standard and extended", async () => {
  const missing = pythonCanPresent();
  assert.equal(missing, null, missing ?? "");

  const bus = new VirtualCanBus({ bitrate: 125000 });
  const link = linkToClock(bus.scheduler, new RealClock());
  const meter = new BxcanModel(bus, "meter");
  meter.start(125000);
  meter.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 });
  meter.addFilter({ mode: "mask", extended: true, id: 0, mask: 0, fifo: 1 });
  meter.setAutoReply(dataFrame(0x123, new Uint8Array([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])), false);
  const seen: CanFrame[] = [];
  meter.onFrame((f) => {
    seen.push(f);
    if (f.rtr && f.extended && f.id === 0x1234567) meter.send(dataFrame(f.id, new Uint8Array([0xca, 0xfe, 0x00, f.dlc]), true));
    if (!f.rtr && !f.extended && f.id === 0x321) {
      meter.send(dataFrame(0x322, f.data.slice().reverse()));
      meter.send(remoteFrame(0x456, 2));
      meter.send(remoteFrame(0x1abcdef0, 5, true));
    }
    if (!f.rtr && f.extended && f.id === 0x18ff1234) meter.send(dataFrame(0x18ff1235, f.data.map((b) => 255 - b), true));
  });
  const server = await startSlcanTcpServer(bus, 0);
  try {
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(PY, [SCRIPT, String(server.port)], { timeout: 30000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
      });
    });
    assert.equal(out.code, 0, "python side failed:\n" + out.stdout + out.stderr);
    assert.match(out.stdout, /^6 passed, 0 failed$/m);
    // What the virtual node saw arrived with the flags python-can set.
    const desc = seen.map((f) => (f.rtr ? "r" : "d") + (f.extended ? "x" : "s") + f.id.toString(16));
    assert.deepEqual(desc, ["rx1234567", "ds321", "dx18ff1234"]);
    assert.equal(meter.counters().autoReplies, 1, "the std remote frame was answered by the slot, not the app");
  } finally {
    await server.close();
    link.detach();
  }
});
