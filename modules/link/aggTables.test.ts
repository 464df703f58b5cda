import { test } from "node:test";
import assert from "node:assert/strict";
import { securePlan, securedCodec, planCounters } from "../can/secured.ts";
import { toHex } from "../can/hex.ts";
import { CMD_DISCONNECT as NODE_DISCONNECT, CMD_RECONNECT as NODE_RECONNECT } from "../can/meterNode.ts";
import { AGG_PLAN_HEX, AGG_CODEC_HEX, AGG_RX_COUNTERS, AGG_TX_COUNTERS, hexBytes } from "./aggTables.ts";
import { CMD_DISCONNECT, CMD_RECONNECT } from "./aggregatorLink.ts";

test("the aggregator's SecOC tables are those the message table gives (else paste the printed literals into aggTables.ts)", () => {
  assert.equal(AGG_PLAN_HEX, toHex(securePlan("aggregator")), "AGG_PLAN_HEX = " + JSON.stringify(toHex(securePlan("aggregator"))));
  assert.equal(AGG_CODEC_HEX, toHex(securedCodec()), "AGG_CODEC_HEX = " + JSON.stringify(toHex(securedCodec())));
  assert.deepEqual({ rx: AGG_RX_COUNTERS, tx: AGG_TX_COUNTERS }, planCounters("aggregator"));
  assert.deepEqual(hexBytes(AGG_PLAN_HEX), securePlan("aggregator"));
  assert.deepEqual([CMD_DISCONNECT, CMD_RECONNECT], [NODE_DISCONNECT, NODE_RECONNECT]);
});
