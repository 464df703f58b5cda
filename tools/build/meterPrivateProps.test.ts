// The meter bundle's property names shortened by terser (meterPrivateProps.js) must never
// include a name read from outside the bundle: the simulator reads meternet.status() and
// meternet.relayClosed, tests meternet.node.epoch(), the UI bundle link.node.rejects,
// link.node.address and link.can (app/meterUi/main.ts). Checked on build/meter.js as built.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { METER_PRIVATE_PROPS } from "./meterPrivateProps.js";
import { runScenario } from "../../host/runtime/accounting/jsVarHarness.ts";
import { SCENARIOS } from "../../host/runtime/accounting/scenarios.ts";

const READ_OUTSIDE = ["role", "address", "state", "windows", "can", "rejects", "commands", "relay", "errors", "relayActual", "syncsRefused", "txEpoch", "billing",
  "record", "writes", "fails", "back", "relayFrom", "relayClosed", "node", "epoch", "status", "counters", "autoReplies",
  "badMac", "stale", "length", "unknownId", "unsynced", "internal", "reading", "event", "aggregate"];

test("no name read from outside the meter bundle is in its shortened list", () => {
  for (const n of READ_OUTSIDE) assert.ok(!METER_PRIVATE_PROPS.includes(n), n + " is read outside build/meter.js");
  // the UI bundle's reads of the link, by name
  const ui = readFileSync(new URL("../../app/meterUi/main.ts", import.meta.url), "utf8");
  for (const m of ui.matchAll(/link\.(?:node\.)?([A-Za-z_]\w*)/g)) assert.ok(!METER_PRIVATE_PROPS.includes(m[1]), m[1] + " is read by app/meterUi/main.ts");
});

test("build/meter.js as built: meternet.status() keeps its keys, node.epoch() and relayClosed answer", async () => {
  let status: Record<string, unknown> = {}, epoch = NaN, relayClosed: unknown;
  await runScenario(SCENARIOS.find((s) => s.name === "meter")!, {
    atEnd: (rt) => {
      status = JSON.parse(String(rt.eval("JSON.stringify(meternet.status())")));
      epoch = Number(rt.eval("meternet.node.epoch()"));
      relayClosed = rt.eval("meternet.relayClosed");
    },
  });
  assert.deepEqual(Object.keys(status).sort(), ["address", "billing", "can", "commands", "errors", "rejects", "relay", "relayActual", "role", "state", "syncsRefused", "txEpoch", "windows"]);
  assert.deepEqual(Object.keys(status.rejects as object).filter((k) => k !== "who").sort(), ["badMac", "internal", "length", "stale", "unknownId", "unsynced"]);
  assert.deepEqual(Object.keys(status.billing as object).sort(), ["back", "fails", "record", "relayFrom", "writes"]);
  assert.ok(epoch >= 1, "node.epoch() " + epoch);
  assert.equal(relayClosed, true);
});
