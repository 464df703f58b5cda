/**
 * bench/ota: an OTA update of the real build/meter.js over the bit-timed CAN bus at
 * 125 kbit/s while the aggregator polls all 63 meters (the simulator's largest bus:
 * addresses 1..63), both ends running the boards' C (boards/STM32F107/ota through the
 * meterOta addon, host/canbus/otaAttach.ts) beside the real bundles.
 *
 *   npm run build && npm run bench:ota [-- --targets 1,8,63 --loss 0,1,5 --lossy 8]
 *
 * Per row: the meters updated (each its own manifest), frames lost (per lossy meter,
 * independently, OTA frames only: as a meter whose receive FIFO overflows loses them;
 * `--lossy` meters among the targets), then
 * - total time from start to every target switched (manifests, rounds, status, commits);
 * - the wire time of one copy: the chunk frames of the image alone, back to back;
 * - rounds and chunk frames sent (copies of the image);
 * - bus load during the update (all traffic) and the OTA frames' share;
 * - polls during the update: sent, answered, late (answer more than the link's 50 ms
 *   deadline after the remote frame, from the bus trace), missed (the C link's count);
 * - receive FIFO overruns at the meters.
 * The first row is the poll cycle alone over the same kind of span, for comparison.
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { SimNetwork } from "../../host/sim/network.ts";
import type { BusTraceEvent } from "../../host/canbus/bus.ts";
import { frameLayout } from "../../host/canbus/frameBits.ts";
import { dataFrame, type CanFrame } from "../../modules/can/frame.ts";
import { attachOtaAggregator, attachOtaMeter, type OtaMeterHandle } from "../../host/canbus/otaAttach.ts";
import { secocAddon } from "../../host/native/secoc.ts";
import { OTA_PH_DONE, OTA_T_SWITCHED, otaCauseName } from "../../host/native/ota.ts";
import { norStage } from "../../host/native/otaStage.ts";
import { NorModel } from "../../host/runtime/nor.ts";
import { AGC_MISSED, AGC_SENT, AGC_ANSWERED, AGC_RETRIED, AGC_COUNT } from "../../modules/link/linkPort.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const DEADLINE_MS = 50; // modules/link/aggregatorLink.ts DEADLINE_MS
const METERS = 63;
const MASTER = new Uint8Array(16).fill(0x42);

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

/** Bus time of the image's chunk frames sent once, back to back (with stuffing, EOF and IFS). */
export function copyWireMs(image: Uint8Array, tag: number, bitUs: number): number {
  let bits = 0;
  for (let i = 0, off = 0; off < image.length; i++, off += 6) {
    const d = new Uint8Array(8).fill(0xff);
    d[0] = i >> 6;
    d[1] = tag;
    d.set(image.subarray(off, Math.min(off + 6, image.length)), 2);
    bits += frameLayout(dataFrame(0x780 | (i & 63), d)).slotBits;
  }
  return (bits * bitUs) / 1000;
}

interface Span {
  busyUs: number;
  otaBusyUs: number;
  polls: number;
  late: number;
  maxLatencyMs: number;
}

interface Row {
  label: string;
  targets: number;
  lossPct: number;
  lossy: number;
  totalMs: number;
  wireMs: number;
  rounds: number;
  chunkFrames: number;
  chunks: number;
  busLoadPct: number;
  otaSharePct: number;
  sent: number;
  answered: number;
  late: number;
  retried: number;
  missed: number;
  maxLatencyMs: number;
  overruns: number;
  failed: string[];
}

function isOta(f: CanFrame): boolean {
  return !f.extended && f.id >= 0x700 && f.id < 0x7c0;
}

async function main(): Promise<void> {
  const targetsList = arg("--targets", "1,8,63").split(",").map(Number);
  const losses = arg("--loss", "0,1,5").split(",").map(Number);
  const lossyCount = Number(arg("--lossy", "8"));
  // the stored (pretokenised) bundle: what a meter's Storage holds and its 22 528-byte slot is for
  const image = new Uint8Array(readFileSync(root + "build/stored/meter.js"));
  // the aggregator sends from its NOR, as on the board: the image staged there in 1 KB pieces
  // by the board's C (otaNorImage.c over w25q.c, on the NOR model), each chunk read back from it
  const staged = norStage(new NorModel());
  let st = staged.stageBegin(0, 65536, image.length);
  for (let at = 0; st >= 0 && at < image.length; at += 1024) st = staged.stageWrite(at, Buffer.from(image.subarray(at, at + 1024)).toString("latin1"));
  if (st !== image.length) throw new Error("staging on the NOR model failed: " + st);
  const net = new SimNetwork({
    meters: METERS, speed: 1, masterKey: MASTER, aggregatorBundle: readFileSync(root + "build/aggregator.js", "utf8"),
    meterBundle: readFileSync(root + "build/stored/meter.js", "latin1"), httpPort: 0, slcanPort: -1, epochMs: Date.UTC(2026, 5, 21, 9, 0),
    startOfDayS: 11 * 3600, dipsPerSlot: 0, output: () => {}, siteData: false, cogenerator: false, otaBinding: false,
  });
  const bus = net.bus;
  const meters = net.nodes.filter((n) => n.meter);
  const agg = net.aggregator.can;
  // the bus trace: poll latency (remote frame start -> answer end) and OTA bus time
  let span: Span | null = null;
  const remoteAt = new Map<number, number>();
  bus.onTrace((e: BusTraceEvent) => {
    if (!span) return;
    span.busyUs += e.endUs - e.startUs;
    if (isOta(e.frame)) span.otaBusyUs += e.endUs - e.startUs;
    if (e.kind !== "frame") return;
    if (e.frame.rtr) remoteAt.set(e.frame.id, e.startUs);
    else if (remoteAt.has(e.frame.id)) {
      const ms = (e.endUs - (remoteAt.get(e.frame.id) as number)) / 1000;
      remoteAt.delete(e.frame.id);
      span.polls++;
      if (ms > DEADLINE_MS) span.late++;
      if (ms > span.maxLatencyMs) span.maxLatencyMs = ms;
    }
  });
  const linkCounts = () => {
    const c = new Uint32Array(AGC_COUNT);
    agg.linkCounters(c);
    return c;
  };
  const overruns = () => meters.reduce((s, n) => s + n.can.counters().rxOverruns, 0);
  const stored = new Map<number, number>(); // each meter's persisted security counter
  const rows: Row[] = [];
  console.log(`bench/ota: ${cpus().length} x ${cpus()[0].model}, node ${process.version}, load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  console.log(`image: build/stored/meter.js, ${image.length} B, ${Math.ceil(image.length / 6)} chunks of 6 B; bus 125 kbit/s; the aggregator polls ${METERS} meters throughout (build/aggregator.js, C link)`);
  try {
    await net.start();
    net.clock.advance(6000); // every meter synchronised and polled

    const measure = (label: string, run: () => { done: boolean; extra?: Partial<Row> }, limitMs: number): Row => {
      span = { busyUs: 0, otaBusyUs: 0, polls: 0, late: 0, maxLatencyMs: 0 };
      remoteAt.clear();
      const c0 = linkCounts();
      const o0 = overruns();
      const t0 = bus.scheduler.nowUs();
      let r = run();
      while (!r.done) {
        if ((bus.scheduler.nowUs() - t0) / 1000 > limitMs) throw new Error(label + ": not done after " + limitMs + " ms of device time");
        net.clock.advance(20);
        r = run();
      }
      const totalMs = (bus.scheduler.nowUs() - t0) / 1000;
      const c1 = linkCounts();
      const s = span as Span;
      span = null;
      const row: Row = {
        label, targets: 0, lossPct: 0, lossy: 0, totalMs, wireMs: 0, rounds: 0, chunkFrames: 0, chunks: 0,
        busLoadPct: (100 * s.busyUs) / (totalMs * 1000), otaSharePct: (100 * s.otaBusyUs) / (totalMs * 1000),
        sent: c1[AGC_SENT] - c0[AGC_SENT], answered: c1[AGC_ANSWERED] - c0[AGC_ANSWERED], late: s.late,
        retried: c1[AGC_RETRIED] - c0[AGC_RETRIED], missed: c1[AGC_MISSED] - c0[AGC_MISSED], maxLatencyMs: s.maxLatencyMs, overruns: overruns() - o0, failed: [],
      };
      return Object.assign(row, r.extra || {});
    };

    // the poll cycle alone, 6 s
    let until = 0;
    rows.push(measure("polls only", () => ({ done: (until += 20) > 6000 }), 7000));

    let tag = 1;
    for (const lossPct of losses) {
      for (const n of targetsList) {
        const targets = meters.slice(0, Math.min(n, meters.length));
        const lossy = lossPct > 0 ? targets.slice(0, Math.min(lossyCount, targets.length)).map((m) => m.name) : [];
        const counter = Math.max(0, ...targets.map((m) => stored.get(m.meter!.address) || 0)) + 1;
        tag = (tag + 1) & 0xff;
        const handles: OtaMeterHandle[] = targets.map((m) => attachOtaMeter(bus, m.can, {
          key: secocAddon().meterKey(MASTER, m.meter!.address), address: m.meter!.address, image: 1,
          storedCounter: stored.get(m.meter!.address) || 0,
        }));
        // independent losses per lossy meter: the rule's receiver list is chosen per frame
        let seed = 1234 + lossPct * 7 + n;
        const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
        const droppedBy: string[] = [];
        const rule = { count: Infinity, receivers: droppedBy, match: (f: CanFrame) => {
          if (!isOta(f) || lossy.length === 0) return false;
          droppedBy.length = 0;
          for (const name of lossy) if (rnd() < lossPct / 100) droppedBy.push(name);
          return droppedBy.length > 0;
        } };
        if (lossy.length) bus.dropFrames(rule);
        const a = attachOtaAggregator(bus, agg, {
          bytes: { staged: staged.image, norAddress: 0, size: image.length }, masterKey: MASTER, addresses: targets.map((m) => m.meter!.address), version: 100 + tag, counter, image: 1, tag, autoCommit: true,
        });
        let lastRound = 0;
        const row = measure(`${targets.length} meter${targets.length > 1 ? "s" : ""}`, () => {
          if (process.env.OTA_TRACE) {
            const c = a.native.counters();
            if (c[1] !== lastRound) {
              lastRound = c[1];
              const t = a.native.targets();
              const lacking: string[] = [];
              for (let i = 0; i < t.length; i += 5) if (t[i + 3] < t[i + 4]) lacking.push(t[i] + ":" + t[i + 1] + ":" + (t[i + 4] - t[i + 3]));
              console.log(`round ${c[1]} at ${(bus.scheduler.nowUs() / 1e6).toFixed(2)} s: ${c[0]} chunk frames so far; lacking (address:state:chunks) ${lacking.join(" ")}`);
            }
          }
          if (a.native.phase() < OTA_PH_DONE) return { done: false };
          const c = a.native.counters();
          const t = a.native.targets();
          const failed: string[] = [];
          for (let i = 0; i < t.length; i += 5) if (t[i + 1] !== OTA_T_SWITCHED) failed.push(t[i] + ": " + otaCauseName(t[i + 2]));
          return { done: true, extra: { targets: targets.length, lossPct, lossy: lossy.length, rounds: c[1], chunkFrames: c[0], chunks: c[7], wireMs: copyWireMs(image, tag, bus.bitUs), failed } };
        }, 120000);
        rule.count = 0; // the rule stays in the bus's list but matches nothing more
        lossy.length = 0;
        a.detach();
        for (const h of handles) h.detach();
        for (const m of targets) stored.set(m.meter!.address, counter);
        rows.push(row);
        // let the poll cycle settle between rows
        net.clock.advance(1000);
      }
    }
  } finally {
    await net.stop();
  }
  console.log("");
  console.log("| update | loss | total s | one copy on the wire s | total / one copy | total / 1 meter's | rounds | chunk frames (copies) | bus load | OTA share | polls sent / answered | late > 50 ms | retried | missed | max poll latency ms | FIFO overruns | not switched |");
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  const single = rows.find((r) => r.targets === 1 && r.lossPct === 0);
  for (const r of rows) {
    const loss = r.lossPct ? `${r.lossPct} % on ${r.lossy}` : "-";
    const copy = r.wireMs ? (r.wireMs / 1000).toFixed(2) : "-";
    const ratio = r.wireMs ? (r.totalMs / r.wireMs).toFixed(2) : "-";
    const frames = r.chunks ? `${r.chunkFrames} (${(r.chunkFrames / r.chunks).toFixed(3)})` : "-";
    const vsOne = r.targets && single ? (r.totalMs / single.totalMs).toFixed(2) : "-";
    console.log(`| ${r.label} | ${loss} | ${(r.totalMs / 1000).toFixed(2)} | ${copy} | ${ratio} | ${vsOne} | ${r.rounds || "-"} | ${frames} | ${r.busLoadPct.toFixed(1)} % | ${r.otaSharePct.toFixed(1)} % | ${r.sent} / ${r.answered} | ${r.late} | ${r.retried} | ${r.missed} | ${r.maxLatencyMs.toFixed(1)} | ${r.overruns} | ${r.failed.length ? r.failed.join(", ") : "none"} |`);
  }
  console.log("\nOne copy on the wire: the image's chunk frames alone, back to back. Polls keep about 40 % of the bus, so a");
  console.log("transfer beside them takes longer than one copy; per-meter unicast would send the image once per meter (63 copies).");
  const bad = rows.filter((r) => r.failed.length > 0);
  if (bad.length) {
    console.error("FAILED: some targets were not switched");
    process.exitCode = 1;
  }
}

await main();
