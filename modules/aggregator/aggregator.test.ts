/**
 * What the resident bundle keeps as a number rather than a table (issue 16: each array
 * left at top level costs JsVars for the whole uptime) still agrees with the table the
 * pages use.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Aggregator, CO_STATES, CO_STATE_COUNT } from "./aggregator.ts";
import { config, memStorage } from "./testing/fixtures.ts";

test("setCogen takes every CO_STATES index and maps anything else to unknown", () => {
  assert.equal(CO_STATE_COUNT, CO_STATES.length);
  const a = new Aggregator(config(), memStorage(), { sendCommand: () => 0 });
  a.setCogen(CO_STATES.length - 1, 4000, 10);
  assert.equal(CO_STATES[a.coState], "fault");
  a.setCogen(CO_STATES.length, 4000, 20);
  assert.equal(a.coState, 0, "an unknown state is 'unknown'");
});
