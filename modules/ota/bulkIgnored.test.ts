// A node that is not listening for an update (the co-generator, a meter's bundle before
// its otaListen, a firmware without OTA) meets the broadcast chunks on the bus: their low
// six bits are a chunk index, so every 64th lands on its own address. MeterNode ignores
// the bulk class uncounted (a chunk is nobody's attack); any other unknown function to it
// is still counted as unknownId.
import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeAes } from "../../host/ports/aes.ts";
import { MemoryKvStore } from "../../host/ports/kvStore.ts";
import { loopbackPorts } from "../can/testing/loopbackPorts.ts";
import { securedController } from "../../host/canbus/secocLayer.ts";
import { TestNetwork } from "../can/testing/network.ts";
import { dataFrame } from "../can/frame.ts";
import { otaChunkId, canId, FN_OTA_REQUEST } from "../can/idPlan.ts";
import { CAN_OK } from "../can/controller.ts";
import { rejectTotal } from "../can/rejects.ts";

test("chunks addressed by their index to a node not listening are ignored, uncounted; other unknown functions still counted", () => {
  const lb = loopbackPorts(nodeAes(), () => new MemoryKvStore(), () => {}, securedController);
  const sender = lb.ports.newController("ota sender");
  const net = new TestNetwork(lb.ports, [1, 2]);
  for (let w = 0; w < 2; w++) { net.publish(w); net.run(1000, 5); }
  const before = rejectTotal(net.meters[0].rejects);
  for (let k = 0; k < 256; k++) {
    assert.equal(sender.send(dataFrame(otaChunkId(k), new Uint8Array([k >> 6, 7, 1, 2, 3, 4, 5, 6]))), CAN_OK);
    lb.ports.advance(1);
  }
  lb.ports.advance(20);
  assert.equal(rejectTotal(net.meters[0].rejects), before, "4 of the 256 chunks carry index & 63 = 1: none counted");
  assert.equal(sender.send(dataFrame(canId(FN_OTA_REQUEST, 1), new Uint8Array([0x02, 0, 0, 0, 0, 0, 0, 0]))), CAN_OK);
  lb.ports.advance(20);
  assert.equal(net.meters[0].rejects.unknownId, before + 1, "an OTA request to a meter without the OTA link is still counted");
});
