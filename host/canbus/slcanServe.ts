/**
 * Serves a virtual CAN bus over SLCAN/TCP in wall-clock time, so third-party tools can
 * join it:
 *
 *   npx tsx host/canbus/slcanServe.ts --port 28001 [--bitrate 125000] [--answer 0x1c5=0102030405060708]
 *
 * `--answer ID=HEX` (repeatable) puts a virtual meter on the bus whose auto-reply slot
 * answers remote frames for ID with HEX, which is handy to try polling from python-can:
 *   can.Bus(interface="slcan", channel="socket://127.0.0.1:28001")
 */
import { dataFrame } from "../../modules/can/frame.ts";
import { RealClock } from "../runtime/clock.ts";
import { VirtualCanBus } from "./bus.ts";
import { BxcanModel } from "./bxcanModel.ts";
import { linkToClock } from "./clockLink.ts";
import { startSlcanTcpServer } from "./slcanTcpServer.ts";

function usage(msg: string): never {
  console.error(msg + "\nusage: slcanServe.ts --port N [--bitrate 125000] [--answer 0xID=HEXDATA ...]");
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let port = -1;
  let bitrate = 125000;
  const answers: { id: number; data: Uint8Array }[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = args[i + 1];
    if (a === "--port") port = Number(v);
    else if (a === "--bitrate") bitrate = Number(v);
    else if (a === "--answer") {
      const m = /^(0x[0-9a-f]+|\d+)=([0-9a-f]{0,16})$/i.exec(v ?? "");
      if (!m || m[2].length % 2) usage("bad --answer '" + v + "': expected ID=HEX, at most 8 bytes");
      const id = Number(m[1]);
      if (!(id >= 0 && id <= 0x7ff)) usage("--answer id " + m[1] + " is not an 11-bit identifier");
      answers.push({ id: id, data: Uint8Array.from(Buffer.from(m[2], "hex")) });
    } else usage("unknown argument '" + a + "'");
    i++;
  }
  if (!(port >= 0 && port <= 65535 && Math.floor(port) === port)) usage("--port must be 0..65535");
  const bus = new VirtualCanBus({ bitrate: bitrate });
  linkToClock(bus.scheduler, new RealClock());
  if (answers.length > 0) {
    const meter = new BxcanModel(bus, "virtual-meter");
    if (meter.start(bitrate) !== 0) usage("bit rate " + bitrate + " is not reachable by bxCAN");
    meter.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, rtr: true, fifo: 0 });
    for (const a of answers) meter.setAutoReply(dataFrame(a.id, a.data), false);
  }
  const server = await startSlcanTcpServer(bus, port);
  console.log("SLCAN endpoint for a virtual " + bitrate / 1000 + " kbit/s bus on 127.0.0.1:" + server.port + " (Ctrl-C stops)");
  process.on("SIGINT", () => {
    void server.close().then(() => process.exit(0));
  });
}

void main();
