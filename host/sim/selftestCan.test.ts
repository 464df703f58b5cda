// The selftest bundle (build/selftest.js) in the host runtime with a CAN1: the CAN
// controller contract's solo checks (modules/can/testing/controllerChecks.ts, run by
// modules/can/controller.kat.ts) pass on the BxcanModel hook, are skipped visibly
// without a CAN1 (test/runAll.ts's step 4 runs the bundle so), and fail, naming the
// behaviour, on a CAN1 that breaks one. On the real interpreter with the prelude:
// test/realInterpreter/runSelftest.ts (not in CI).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runBundle } from "../runtime/runBundle.ts";
import type { EspruinoRuntime } from "../runtime/index.ts";
import { VirtualCanBus, BxcanModel } from "../canbus/index.ts";
import { soloChecks } from "../../modules/can/testing/controllerChecks.ts";
import type { CanFrame } from "../../modules/can/frame.ts";
import { canHookFactory } from "./canHook.ts";

const bundlePath = fileURLToPath(new URL("../../build/selftest.js", import.meta.url));
const skip = !existsSync(bundlePath) && "run npm run build first";

type Hook = (rt: EspruinoRuntime) => Record<string, unknown>;

async function selftest(can: Hook | null): Promise<{ passed: boolean; lines: string[]; counts: number[] }> {
  let text = "";
  const r = await runBundle({
    code: readFileSync(bundlePath, "utf8"),
    runtime: { output: (t) => { text += t; }, globals: can ? (rt) => ({ CAN1: can(rt) }) : undefined },
  });
  const lines = text.trim().split("\n");
  const m = /^(\d+) passed, (\d+) failed$/.exec(lines[lines.length - 1]);
  assert.ok(m, "closing line: " + lines[lines.length - 1]);
  return { passed: r.passed, lines, counts: [Number(m[1]), Number(m[2])] };
}

function lonelyCan1(): Hook {
  // Alone on its bus: the checks never need another node.
  const hook = canHookFactory(new BxcanModel(new VirtualCanBus({ bitrate: 125000 }), "selftest"));
  return (rt) => hook(rt) as unknown as Record<string, unknown>;
}

test("the selftest bundle runs the CAN checks on CAN1 in the host runtime, and skips them, saying so, without one", { skip }, async () => {
  const none = await selftest(null);
  assert.equal(none.passed, true);
  assert.deepEqual(none.lines.filter((l) => /^(SKIP|FAIL)/.test(l)), ["SKIP CAN1 controller contract: CAN1 not found (firmware built without the CAN hook)"]);
  const can = await selftest(lonelyCan1());
  assert.deepEqual(can.lines.filter((l) => /^(SKIP|FAIL)/.test(l)), []);
  assert.equal(can.passed, true);
  assert.deepEqual(can.counts, [none.counts[0] + soloChecks().length, 0]);
});

test("a CAN1 with one behaviour broken fails the selftest with that behaviour's check", { skip }, async () => {
  const base = lonelyCan1();
  // An auto-reply slot that takes extended frames (the C refuses them: canDriver.c).
  const broken: Hook = (rt) => {
    const can = base(rt) as { setAutoReply: (f: CanFrame, once: boolean) => number };
    const real = can.setAutoReply;
    can.setAutoReply = (f, once) => (f && f.extended ? 0 : real(f, once));
    return can as unknown as Record<string, unknown>;
  };
  const r = await selftest(broken);
  assert.equal(r.passed, false);
  assert.deepEqual(r.counts[1], 1);
  assert.deepEqual(r.lines.filter((l) => /^FAIL/.test(l)), [
    "FAIL CAN1 auto-reply: standard data frames only, one slot per identifier, 16 slots, then CAN_ENOSPC; clearAutoReply frees its slot: setAutoReply(extended frame): got 0, expected -22",
  ]);
});
