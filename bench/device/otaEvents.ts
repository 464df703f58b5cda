/**
 * What a meter's JavaScript sees of a real transfer, taken from the C that runs it on the
 * chip: boards/STM32F107/ota's otaAggLink.c sends an image to otaMeterLink.c (both through
 * the meterOta addon, behind bxCAN models on the bit-timed 125 kbit/s bus: host/canbus/otaAttach.ts),
 * and every event the meter's link hands to JavaScript (CAN1.onOta in jswrap_ota.c:
 * start, progress, verdict, end) is recorded with the chunks the meter held when it fired
 * and the bus time. The timing rig (harness.ts `ota`) replays this list on the real
 * interpreter at a chosen chunk rate, so the events, their order, their arguments and
 * how often progress fires are the C's, never written down a second time.
 */
import { VirtualCanBus } from "../../host/canbus/bus.ts";
import { BxcanModel } from "../../host/canbus/bxcanModel.ts";
import { attachOtaAggregator, attachOtaMeter, type OtaMeterHandle, otaMeterModel } from "../../host/canbus/otaAttach.ts";
import { OTA_EV_END, OTA_EV_PROGRESS, OTA_EV_START, OTA_EV_VERDICT, OTA_PH_DONE } from "../../host/native/ota.ts";
import { secocAddon } from "../../host/native/secoc.ts";

export interface OtaEvent {
  /** OTA_EV_* (otaMeterLink.h MN_OTA_EV_*). */
  type: number;
  a: number;
  b: number;
  /** Chunks the meter held when the event fired (otaReceiver.h `have`). */
  have: number;
  /** Bus time since the update started, ms. */
  busMs: number;
}

export interface OtaTransfer {
  /** Chunks of the image (6 bytes each). */
  chunks: number;
  /** Chunk frames the aggregator sent (one copy: as many as chunks). */
  chunkFrames: number;
  events: OtaEvent[];
  /** Bus time from the start to the end event, ms. */
  busMs: number;
}

const MASTER = new Uint8Array(16).fill(0x42);
/** The update's manifest: the meter held counter 4, the update carries 5 (any pair above the floor). */
export const OTA_COUNTER = 5;
export const OTA_VERSION = 7;

/**
 * One meter (address 1, 50 Hz image) updated to `image` by the aggregator's C, lossless, auto-commit:
 * the events its JavaScript gets, in order. Throws unless the update switched.
 */
export function otaTransferEvents(image: Uint8Array): OtaTransfer {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const agg = new BxcanModel(bus, "aggregator");
  agg.start(125000);
  const model = otaMeterModel(bus, 1);
  const events: OtaEvent[] = [];
  const t0 = bus.scheduler.nowUs();
  let meter: OtaMeterHandle | null = null;
  meter = attachOtaMeter(bus, model, {
    key: secocAddon().meterKey(MASTER, 1), address: 1, image: 1, storedCounter: OTA_COUNTER - 1,
    onEvent: (type, a, b) => events.push({ type, a, b, have: meter ? meter.native.info()[1] : 0, busMs: (bus.scheduler.nowUs() - t0) / 1000 }),
  });
  const sender = attachOtaAggregator(bus, agg, { bytes: image, masterKey: MASTER, addresses: [1], version: OTA_VERSION, counter: OTA_COUNTER, image: 1, tag: 0x31, autoCommit: true });
  while (sender.native.phase() < OTA_PH_DONE) {
    if (bus.scheduler.nowUs() - t0 > 120e6) throw new Error("otaTransferEvents: the update did not end in 120 s of bus time");
    bus.scheduler.advanceBy(10000);
  }
  const end = events[events.length - 1];
  if (!end || end.type !== OTA_EV_END || end.a !== 0) throw new Error("otaTransferEvents: the meter did not switch: " + JSON.stringify(events.slice(-3)));
  const counters = sender.native.counters();
  sender.detach();
  meter.detach();
  return { chunks: Math.ceil(image.length / 6), chunkFrames: counters[0], events, busMs: end.busMs };
}

/** [ms after the start, type, a, b] per event, the chunks arriving at `chunksPerS` from the start event on; end: the bus's delay after the verdict. */
export function otaSchedule(t: OtaTransfer, chunksPerS: number): number[][] {
  const verdict = t.events.find((e) => e.type === OTA_EV_VERDICT);
  return t.events.map((e) => {
    let ms = (e.have * 1000) / chunksPerS;
    if (e.type === OTA_EV_START) ms = 0;
    if (e.type === OTA_EV_END && verdict) ms = (verdict.have * 1000) / chunksPerS + (e.busMs - verdict.busMs);
    return [ms, e.type, e.a, e.b];
  });
}

export interface OtaPlan {
  /** otaSchedule at the rate: [ms after atMs, type, a, b]. */
  schedule: number[][];
  /** Device time of the start event: mid 6th window, once the bundle's boot has settled (as the rig's meter rows, from window 5). */
  atMs: number;
  /** Windows N1 < N2 both inside the transfer (after the start, before the verdict): only progress events fall between. */
  n1: number;
  n2: number;
  /** Progress events between the ends of windows n1 and n2. */
  progressInSpan: number;
  /** The C's progress interval at the rate (every progressStep chunks), and progress events per window. */
  progressEveryMs: number;
  progressPerWindow: number;
  /** Windows that hold the whole update: start to the restart 200 ms after the end event (meterOta.ts). */
  nWhole: number;
}

/** Where the rig's runs fall in a transfer replayed at chunksPerS with windows of windowMs. */
export function otaPlan(t: OtaTransfer, chunksPerS: number, windowMs: number): OtaPlan {
  const schedule = otaSchedule(t, chunksPerS);
  const atMs = 5.5 * windowMs;
  const verdict = schedule.find((e) => e[1] === OTA_EV_VERDICT);
  const end = schedule[schedule.length - 1];
  const progress = schedule.filter((e) => e[1] === OTA_EV_PROGRESS);
  if (!verdict || progress.length < 2) throw new Error("otaPlan: the transfer has no verdict or fewer than 2 progress events");
  const n1 = Math.ceil(atMs / windowMs) + 1;
  const n2 = Math.floor((atMs + verdict[0]) / windowMs);
  const progressInSpan = progress.filter((e) => atMs + e[0] > n1 * windowMs && atMs + e[0] <= n2 * windowMs).length;
  if (n2 - n1 < 2 || progressInSpan < 1) throw new Error(`otaPlan: at ${chunksPerS} chunks/s the transfer spans too few windows (${n1}..${n2}) to measure`);
  const progressEveryMs = (progress[progress.length - 1][0] - progress[0][0]) / (progress.length - 1);
  return {
    schedule, atMs, n1, n2, progressInSpan, progressEveryMs, progressPerWindow: windowMs / progressEveryMs,
    nWhole: Math.ceil((atMs + end[0] + 200) / windowMs) + 2,
  };
}
