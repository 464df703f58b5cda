import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dataFrame, remoteFrame, type CanFrame } from "../../modules/can/frame.ts";
import { CAN_OK } from "../../modules/can/controller.ts";
import { RealClock } from "../runtime/clock.ts";
import { VirtualCanBus } from "./bus.ts";
import { BxcanModel } from "./bxcanModel.ts";
import { linkToClock } from "./clockLink.ts";
import { runControllerContract } from "./controllerContract.ts";
import { SlcanClientController } from "./slcanClient.ts";
import { serialLink, tcpLink } from "./slcanLinks.ts";
import { startSlcanTcpServer } from "./slcanTcpServer.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function realTimeBus() {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const link = linkToClock(bus.scheduler, new RealClock());
  const server = await startSlcanTcpServer(bus, 0);
  return {
    bus,
    server,
    close: async () => {
      await server.close();
      link.detach();
    },
  };
}

// The same contract as the bxCAN model, through SLCAN over TCP to the virtual bus.
runControllerContract("SLCAN client over TCP", async () => {
  const rt = await realTimeBus();
  const client = new SlcanClientController(await tcpLink("127.0.0.1", rt.server.port));
  return {
    ctl: client,
    peer: new BxcanModel(rt.bus, "peer"),
    bitrate: 125000,
    settle: (ms: number) => sleep(ms + 40),
    close: async () => {
      client.close();
      await rt.close();
    },
  };
});

test("serial mode: SlcanClientController through a pseudo-terminal and the serialport binding", async () => {
  const rt = await realTimeBus();
  const meter = new BxcanModel(rt.bus, "meter");
  meter.start(125000);
  meter.addFilter({ mode: "list", extended: false, ids: [0x1c5], fifo: 0 });
  meter.setAutoReply(dataFrame(0x1c5, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), false);
  const bridge = spawn("/usr/bin/python3", [fileURLToPath(new URL("./ptyBridge.py", import.meta.url)), String(rt.server.port)], { stdio: ["pipe", "pipe", "inherit"] });
  try {
    const ttyPath = await new Promise<string>((resolve, reject) => {
      bridge.stdout.once("data", (d: Buffer) => resolve(d.toString().trim()));
      bridge.once("exit", (c) => reject(new Error("pty bridge exited with " + c)));
    });
    assert.match(ttyPath, /^\/dev\/pts\/\d+$/);
    const client = new SlcanClientController(await serialLink(ttyPath));
    const got: CanFrame[] = [];
    client.onFrame((f) => got.push(f));
    assert.equal(client.start(125000), CAN_OK);
    client.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 });
    client.addFilter({ mode: "mask", extended: true, id: 0, mask: 0, fifo: 1 });
    await sleep(100);
    assert.equal(client.send(remoteFrame(0x1c5, 8)), CAN_OK);
    assert.equal(client.send(dataFrame(0x1abcdef, new Uint8Array([9]), true)), CAN_OK);
    for (let i = 0; i < 50 && got.length < 1; i++) await sleep(20);
    assert.equal(got.length, 1);
    assert.deepEqual([got[0].id, got[0].rtr, Array.from(got[0].data)], [0x1c5, false, [1, 2, 3, 4, 5, 6, 7, 8]]);
    assert.equal(client.counters().txFrames, 2, "both frames acknowledged by the adapter");
    assert.equal(meter.counters().autoReplies, 1);
    client.pollStatus();
    await sleep(50);
    assert.equal(client.state(), "error-active");
    client.close();
  } finally {
    bridge.stdin.end();
    bridge.kill();
    await rt.close();
  }
});
