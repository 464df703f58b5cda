/**
 * `npm start -- --ota WHAT@S`: script updates of every meter during a simulator run
 * (issue 18), through the aggregator's HTTP API as `meternet ota` sends them
 * (host/cli/otaClient.ts). WHAT is a bundle file, or:
 *   changed   the meter bundle the run started with plus a line `var otaVersion = N`
 *             (N = 2, 3, ... per update): the meters switch, run it in trial, confirm;
 *   crash     a bundle that throws at start: the meters switch, never confirm, and the
 *             boot record reverts each at its trial deadline (host/sim/meterBoot.ts: the board's C boot hook).
 * Each update starts once S seconds of device time have run and the previous one is
 * over; its outcome per meter (switched, confirmed, reverted with the reason) is what the
 * aggregator's API says once each switched meter's boot report is final (the client waits
 * through the aggregator's watch) and goes into the run's JSON summary (`ota`).
 */
import { readFileSync } from "node:fs";
import type { SimNetwork } from "./network.ts";
import { otaUpdate, otaTargetText } from "../cli/otaClient.ts";
import { tokenise, isPretokenised } from "../../tools/build/pretokenise.js";

export interface OtaStep { what: string; atS: number }

/** "changed@60" -> {what: "changed", atS: 60}; throws on anything else. */
export function parseOtaStep(v: string | undefined): OtaStep {
  const m = /^(.+)@(\d+(?:\.\d+)?)$/.exec(v ?? "");
  if (!m) throw new Error("--ota needs WHAT@SECONDS: changed@60, crash@200 or FILE@S");
  return { what: m[1], atS: Number(m[2]) };
}

export interface OtaOutcome {
  what: string;
  bytes: number;
  startedAtS: number;
  /** Device seconds from the start to every meter's final report (the transfer, the restart, the trial). */
  transferS: number;
  switched: number;
  failed: string[];
  confirmed: number;
  reverted: { address: number; reason: string }[];
  error?: string;
}

const code = (meterBundle: string, text: string) => (isPretokenised(meterBundle) ? tokenise(text) : text);

/** The image for a step (latin1 bytes, as Storage holds them). */
export function otaImage(step: OtaStep, meterBundle: string, n: number): Uint8Array {
  let s: string;
  if (step.what === "changed") s = meterBundle + code(meterBundle, "\nvar otaVersion = " + (n + 2) + ";\n");
  else if (step.what === "crash") s = code(meterBundle, "throw new Error('ota: this script fails at start (npm start --ota crash)');\n") + meterBundle;
  else return new Uint8Array(readFileSync(step.what));
  return new Uint8Array(Buffer.from(s, "latin1"));
}

/** Runs the steps in order on a running network; resolves with each outcome. */
export async function runOtaPlan(net: SimNetwork, steps: OtaStep[], o: { password: string; host: string; speed: number; log: (l: string) => void }): Promise<OtaOutcome[]> {
  const sleepDevice = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(5, ms / o.speed)));
  const nowS = () => net.clock.nowMs() / 1000;
  const meters = net.nodes.filter((x) => x.meter);
  const out: OtaOutcome[] = [];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    while (nowS() < step.atS) await sleepDevice(500);
    const bytes = otaImage(step, net.o.meterBundle, i);
    const r: OtaOutcome = { what: step.what, bytes: bytes.length, startedAtS: Math.round(nowS()), transferS: 0, switched: 0, failed: [], confirmed: 0, reverted: [] };
    o.log(`ota: update ${i + 1} (${step.what}, ${bytes.length} B) of ${meters.length} meters at ${r.startedAtS} s`);
    try {
      const host = o.host === "0.0.0.0" ? "127.0.0.1" : o.host;
      const s = await otaUpdate({ base: `http://${host}:${net.httpPort}/`, user: "admin", password: o.password, bytes, wait: sleepDevice, log: o.log });
      r.transferS = Math.round(nowS() - r.startedAtS);
      for (const t of s.meters) {
        if (t.state === "failed") { r.failed.push(otaTargetText(t)); continue; }
        r.switched++;
        if (t.state === "confirmed") r.confirmed++;
        else if (t.state === "reverted") r.reverted.push({ address: t.a, reason: t.cause || "?" });
        else r.failed.push(otaTargetText(t) + ": no boot report");
      }
      o.log(`ota: update ${i + 1}: ${r.switched} switched, ${r.confirmed} confirmed, ${r.reverted.length} reverted` + (r.failed.length ? ", failed: " + r.failed.join(", ") : ""));
    } catch (e) {
      r.error = (e as Error).message;
      o.log(`ota: update ${i + 1} FAILED: ${r.error}`);
    }
    out.push(r);
  }
  return out;
}
