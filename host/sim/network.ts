/**
 * The simulated meter network: one aggregator and N meters, each an EspruinoRuntime
 * running its bundle unmodified, on one VirtualCanBus at 125 kbit/s, all driven by
 * one VirtualClock that a pacing loop advances at `speed` times wall-clock time.
 *
 * Host hooks per device: the global CAN1 = a BxcanModel on the bus (canHook.ts),
 * MeterADC = host/meterAdc's hook fed from the appliance's waveform
 * (waveformSource.ts), Date = the virtual clock (virtualDate.ts).
 * Configuration goes into each device's Storage before its bundle runs (nodeConfig.ts).
 */
import { VirtualClock, EspruinoRuntime } from "../runtime/index.ts";
import { chipStorageBytes } from "../runtime/flashArea.ts";
import type { RuntimeOptions } from "../runtime/runtime.ts";
import { VirtualCanBus, BxcanModel, startSlcanTcpServer, type SlcanTcpServer } from "../canbus/index.ts";
import { nodeAes } from "../ports/aes.ts";
import { applianceFor } from "./appliances.ts";
import { canHookFactory } from "./canHook.ts";
import { linkToClock } from "../canbus/clockLink.ts";
import { virtualDate } from "./virtualDate.ts";
import { hostMeterAdcClass, type AdcCounters } from "../meterAdc/hostMeterAdc.ts";
import { feedFor, WINDOW_S } from "./waveformSource.ts";
import { loadAppOntoDevice } from "../web/assets.ts";
import { loadSiteOntoDevice, siteUpload } from "../cli/uploadMeters.ts";
import { simMeters, meterConfig, aggregatorConfig, aggFile, type SimMeter } from "./nodeConfig.ts";
import { SimCogenerator } from "./cogenerator.ts";
import { SiteFeed } from "./siteFeed.ts";
import { SimMeterBoard } from "./meterBoard.ts";
import { NorModel, norSpi } from "../runtime/nor.ts";
import { FramModel } from "../runtime/fram.ts";
import { framSpi } from "../runtime/framSpi.ts";
import { AGG_FRAM_BYTES, AGG_FRAM_CS } from "../../modules/aggregator/stateOnFram.ts";
import { NOR_CS } from "../../modules/ports/device/norPins.ts";
import type { DeviceState } from "./deviceState.ts";
import type { TimeZone } from "../../modules/aggregator/localTime.ts";
import { meterOtaMethods, aggregatorOtaMethods } from "./otaCan1.ts";
import { MeterBoot } from "./meterBoot.ts";
import { RESET_POWER } from "../native/ota.ts";
import type { OtaAggHandle, OtaMeterHandle } from "../canbus/otaAttach.ts";

export interface SimOptions {
  meters: number;
  speed: number;
  masterKey: Uint8Array;
  aggregatorBundle: string;
  meterBundle: string;
  /** Host port of the aggregator's web server (device port 80); 0 = any free port. */
  httpPort: number;
  /** SLCAN TCP endpoint on the bus; -1 = none, 0 = any free port. */
  slcanPort: number;
  /** UTC ms that the clock's 0 stands for. */
  epochMs: number;
  /** Local (CET/CEST of the site) second of day at the clock's 0. */
  startOfDayS: number;
  /** Probability of a voltage dip per meter and 10-minute slot. */
  dipsPerSlot: number;
  /** Everything a device prints, by node name. */
  output: (node: string, text: string) => void;
  /** Builds each device around its runtime options (consoles.ts: with a TCP console); default: a bare runtime. */
  device?: DeviceFactory;
  /** Host address the web page binds to (default 127.0.0.1). */
  host?: string;
  /** agg.json "auth" (the administrator login, adminLogin.ts); absent: control stays locked. */
  auth?: object;
  /** Site data: prices, forecast, renewable reports and deferrable runs (siteFeed.ts); default true. */
  siteData?: boolean;
  /** A co-generator node on the bus at address meters + 1 (cogenerator.ts); default true when an address is free. */
  cogenerator?: boolean;
  /** Consecutive missed polls after which the aggregator marks a meter offline (agg.json; default 3). */
  offlineAfterMisses?: number;
  /**
   * The devices' flash and FRAM kept between runs (deviceState.ts, next to the key):
   * freshness continues, so frames of an earlier run are stale. Absent: new devices.
   */
  deviceState?: DeviceState;
  /**
   * Script updates (issue 18, otaCan1.ts, meterBoot.ts): a meter confirms a trial after
   * `otaConfirmS` of healthy running (meternet.json "otaConfirmS"; default 10 here), and
   * one not confirmed within `otaTrialDeadlineS` (default 30; the board's is 15 min) reverts.
   */
  otaConfirmS?: number;
  otaTrialDeadlineS?: number;
  /**
   * false: the devices' CAN1 has no OTA methods (a firmware without the binding), for a
   * harness that attaches the boards' OTA C itself (bench/ota); default true.
   */
  otaBinding?: boolean;
}

/** The site's time zone (CET/CEST), as agg.json says. */
export const SITE_TZ: TimeZone = { stdOffsetS: 3600, euDst: true };

/** A device: its runtime, and optionally a console server. */
export interface DeviceShell {
  runtime: EspruinoRuntime;
  listen?(port: number): Promise<number>;
  close(): Promise<void>;
}

export type DeviceFactory = (opts: RuntimeOptions) => DeviceShell;

function bareDevice(opts: RuntimeOptions): DeviceShell {
  const runtime = new EspruinoRuntime(opts);
  return { runtime, close: () => runtime.dispose() };
}

export interface SimNode {
  name: string;
  rt: EspruinoRuntime;
  shell: DeviceShell;
  can: BxcanModel;
  uncaught: number;
  lastLine: string;
  meter?: SimMeter;
  adc?: AdcCounters;
  feedKey?: string;
  /** A meter's FRAM and relay pins: they keep their state across the runtime's restarts. */
  board?: SimMeterBoard;
  /** The aggregator's SPI NOR (W25Q32JV, its history): keeps its bytes across restarts, and between runs (deviceState). */
  nor?: NorModel;
  /** The aggregator's SPI FRAM (MB85RS256B, its saved state: modules/aggregator/stateOnFram.ts): kept across restarts, not between runs. */
  aggFram?: FramModel;
  /** OTA: a meter's boot (the board's C boot hook, its NOR slots: meterBoot.ts) and its link while listening; the aggregator's update under way. */
  ota?: { hook?: MeterBoot; meter?: OtaMeterHandle | null; agg?: OtaAggHandle | null };
}

function storageWrite(rt: EspruinoRuntime, file: string, value: object): void {
  rt.eval(`require("Storage").write(${JSON.stringify(file)}, ${JSON.stringify(JSON.stringify(value))})`);
}

export class SimNetwork {
  readonly clock = new VirtualClock(0);
  readonly bus = new VirtualCanBus({ bitrate: 125000 });
  readonly nodes: SimNode[] = [];
  readonly aggregator: SimNode;
  slcan: SlcanTcpServer | undefined;
  httpPort = 0;
  /** Wall ms spent advancing the clock; virtual ms the pacing loop was behind at worst. */
  busyMs = 0;
  maxLagMs = 0;
  hostErrors: string[] = [];
  readonly meters: SimMeter[];
  cogen: SimCogenerator | undefined;
  feed: SiteFeed | undefined;
  private pacing: NodeJS.Timeout | undefined;
  private saver: NodeJS.Timeout | undefined;
  private wallStart = 0;
  private virtualStart = 0;
  private wallRun = 0;
  private virtual0 = 0;

  constructor(readonly o: SimOptions) {
    if (!(o.meters >= 1 && o.meters <= 63)) throw new Error("--meters must be 1..63 (6-bit CAN addresses, 0 unused)");
    linkToClock(this.bus.scheduler, this.clock);
    const aes = nodeAes();
    const meters = simMeters(Array.from({ length: o.meters }, (_, i) => applianceFor(i, 1)));
    this.meters = meters;
    // the co-generator takes the next address; a full bus (63 meters) leaves it out
    const cogenAddress = o.cogenerator !== false && o.meters < 63 ? o.meters + 1 : 0;
    this.aggregator = this.makeNode("aggregator", undefined);
    storageWrite(this.aggregator.rt, "meternet.json", aggregatorConfig(o.masterKey, cogenAddress ? [cogenAddress] : []));
    // agg.json without its meters, and the meter list onto the NOR, as `npm run upload -- --role aggregator` writes them (uploadMeters.ts)
    loadSiteOntoDevice(this.aggregator.rt, siteUpload(aggFile(meters, o.auth, o.offlineAfterMisses), []));
    // its transmit epoch continues from the last run (its application state starts anew)
    if (o.deviceState) o.deviceState.loadAggregator(this.aggregator.rt);
    // the route modules into Storage and the browser app's files onto the NOR, as
    // `npm run upload -- --role aggregator` puts them on a board (a kept NOR: only what changed)
    loadAppOntoDevice(this.aggregator.rt);
    for (const m of meters) {
      const n = this.makeNode("meter" + m.address, m);
      storageWrite(n.rt, "meternet.json", Object.assign(meterConfig(aes, o.masterKey, m), { otaConfirmS: o.otaConfirmS || 10 }));
    }
    if (cogenAddress) {
      this.cogen = new SimCogenerator(this.bus, this.clock, o.masterKey, cogenAddress, o.startOfDayS, (l) => o.output("cogenerator", l + "\n"),
        o.deviceState ? o.deviceState.cogeneratorStore() : undefined);
    }
  }

  /** Saves the devices' FRAM and the aggregator's freshness files that changed (deviceState). */
  saveDevices(): void {
    const st = this.o.deviceState;
    if (!st) return;
    try {
      for (const n of this.nodes) if (n.board) st.saveFram(n.name, n.board.fram);
      st.saveAggregator(this.aggregator.rt);
      if (this.aggregator.nor) st.saveNor("aggregator", this.aggregator.nor);
    } catch (e) {
      this.hostErrors.push("saving the devices' state in " + st.dir + ": " + String(e));
    }
  }

  private makeNode(name: string, meter: SimMeter | undefined): SimNode {
    const can = new BxcanModel(this.bus, name);
    const node = { name, can, uncaught: 0, lastLine: "", meter, ota: {} } as SimNode;
    // CAN1's OTA methods (otaCan1.ts), made again at each reset: the link of the last runtime goes with it
    const canGlobal = canHookFactory(can, this.o.otaBinding === false ? undefined : (rt) => {
      const ota = node.ota!;
      if (ota.meter) ota.meter.detach();
      if (ota.agg) ota.agg.detach();
      ota.meter = ota.agg = null;
      return meter
        ? meterOtaMethods(this.bus, can, rt, ota.hook, (h) => { ota.meter = h; })
        : aggregatorOtaMethods(this.bus, can, node.nor, (h) => { ota.agg = h; });
    });
    let pending = "";
    const output = (text: string) => {
      this.o.output(name, text);
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop() as string;
      for (const l of lines) {
        // an update's trial (meterBoot.ts) counts its own uncaught errors
        const ota = node.ota && node.ota.hook ? node.ota.hook.sawLine(l) : false;
        if (!ota && /^Uncaught /.test(l)) node.uncaught++;
        if (l.trim()) node.lastLine = l;
      }
    };
    if (meter) {
      node.adc = { blocks: 0, windows: 0, kernelMs: 0 };
      node.board = new SimMeterBoard();
      if (this.o.deviceState) this.o.deviceState.loadFram(name, node.board.fram);
      const polls = new Uint32Array(6);
      node.ota!.hook = new MeterBoot({
        rt: () => node.rt, fram: node.board.fram, bus: this.bus,
        trialDeadlineMs: (this.o.otaTrialDeadlineS || 30) * 1000, log: (l) => output(l + "\n"),
        missedPolls: () => { polls.fill(0); this.aggregator.can.linkMeter(meter.address, polls); return polls[2]; },
      });
    } else {
      node.nor = new NorModel();
      if (this.o.deviceState) this.o.deviceState.loadNor(name, node.nor);
      node.aggFram = new FramModel(AGG_FRAM_BYTES);
    }
    const plan = { perSlot: this.o.dipsPerSlot, seed: 17 * (meter ? meter.address : 0) + 3 };
    node.shell = (this.o.device || bareDevice)({
      clock: this.clock,
      output,
      globals: (rt) => {
        const g: Record<string, unknown> = { Date: virtualDate(rt, this.o.epochMs), CAN1: canGlobal(rt) };
        if (meter) {
          const startS = this.o.startOfDayS;
          // Blocks are timed from the ADC's start; the appliance follows the clock.
          const source = (sampleRateHz: number, blockStartS: number, pairs: number) => {
            const w = Math.round(rt.clock.nowMs() / (WINDOW_S * 1000));
            const f = feedFor(meter.appliance, startS, w, relayClosed(rt, node.board), plan, { sampleRateHz, startS: blockStartS, pairs });
            node.feedKey = f.key;
            return f.codes;
          };
          g.MeterADC = hostMeterAdcClass(rt, { source, blockS: WINDOW_S, counters: node.adc });
          Object.assign(g, node.board!.globals());
        } else {
          // the NOR and the FRAM on SPI1, each at its chip select
          g.SPI1 = framSpi(node.aggFram!, AGG_FRAM_CS, norSpi(node.nor!, { cs: NOR_CS }));
        }
        return g;
      },
      mapHttpPort: (port) => (port === 80 && !meter ? this.o.httpPort : 0),
      httpHost: this.o.host || "127.0.0.1",
      // Storage as the chip's (tools/firmware/flashMap.ts), so it runs out where the chip's does,
      // at any meter count: the aggregator's history, web app and meter list are on the SPI NOR
      // and its state on the FRAM, so nothing in its Storage grows with the meters.
      flashBytes: chipStorageBytes(meter ? "meter" : "aggregator"),
      env: { SERIAL: name },
      // a meter's Storage (its flash) is kept between runs, as a board keeps it
      storagePath: meter && this.o.deviceState ? this.o.deviceState.flashPath(name) : undefined,
    });
    node.rt = node.shell.runtime;
    // a kept flash may hold an older build's bundle: powerCycle() writes the current one
    if (meter && node.rt.flash.find(".bootcde")) node.rt.eval(`require("Storage").erase(".bootcde")`);
    this.nodes.push(node);
    return node;
  }

  /** Runs the bundles, opens the SLCAN endpoint, learns the web port. */
  async start(): Promise<void> {
    // Meters first, as in a building where they run before the aggregator boots: by the
    // first poll each has measured a window and armed its answers.
    for (const n of this.nodes) {
      if (!n.meter) continue;
      // the board's boot hook first (a new meter's script becomes slot A), as at every reset
      if (n.ota && n.ota.hook) {
        this.bootcde(n);
        n.ota.hook.runHook(RESET_POWER);
      }
      n.rt.execute(this.o.meterBundle, "meter.js");
    }
    this.clock.advance(1000);
    this.aggregator.rt.execute(this.o.aggregatorBundle, "aggregator.js");
    if (this.o.siteData !== false) {
      const clock0S = this.o.epochMs / 1000;
      this.feed = new SiteFeed({
        rt: this.aggregator.rt, clock: this.clock, epochMs: this.o.epochMs, tz: SITE_TZ, meters: this.meters,
        // the appliance's device time: local second of day at clock 0 plus clock seconds
        onPlanned: (m, startS) => m.appliance.planRun?.(this.o.startOfDayS + (startS - clock0S)),
        log: (l) => this.o.output("site", l + "\n"),
      });
      this.feed.start();
    }
    if (this.o.slcanPort >= 0) this.slcan = await startSlcanTcpServer(this.bus, this.o.slcanPort, this.o.host);
    this.httpPort = await this.aggregator.rt.http.boundPort(80);
    if (this.o.deviceState) {
      this.saveDevices();
      this.saver = setInterval(() => this.saveDevices(), 1000);
      this.saver.unref();
    }
  }

  /**
   * Advances the clock at `speed` x wall time until stop(), or until `limitMs` of device
   * time have run (then `onLimit` is called once and the clock stands still): a simulated
   * day is then a day whatever speed the host manages.
   */
  run(limitMs = Infinity, onLimit?: () => void): void {
    this.wallStart = performance.now();
    this.virtualStart = this.clock.nowMs();
    this.virtual0 = this.virtualStart;
    const end = this.virtual0 + limitMs;
    const step = () => {
      const t0 = performance.now();
      const target = Math.min(end, this.virtualStart + (t0 - this.wallStart) * this.o.speed);
      try {
        // Bounded slices keep the host's event loop (web, SLCAN, consoles) responsive.
        while (this.clock.nowMs() < target && performance.now() - t0 < 50) {
          this.clock.advanceTo(Math.min(target, this.clock.nowMs() + 50));
        }
      } catch (e) {
        this.hostErrors.push(String(e instanceof Error ? e.stack : e));
      }
      const lag = target - this.clock.nowMs();
      if (lag > this.maxLagMs) this.maxLagMs = lag;
      // Behind by more than a second of device time: drop the debt instead of racing.
      if (lag > 1000) this.virtualStart -= lag;
      const t1 = performance.now();
      this.busyMs += t1 - t0;
      this.wallRun = t1 - this.wallStart;
      if (this.clock.nowMs() >= end) {
        this.pacing = undefined;
        if (onLimit) onLimit();
        return;
      }
      this.pacing = setTimeout(step, this.o.speed >= 10 ? 2 : 10);
    };
    this.pacing = setTimeout(step, 0);
  }

  /**
   * Meter `n` stops answering `atMs` of device time from now: its controller leaves the
   * bus (stop), as a meter whose supply or transceiver failed. The aggregator then
   * counts missed polls and marks it offline.
   */
  silenceAt(n: SimNode, atMs: number): void {
    const due = this.clock.nowMs() + atMs;
    let fired = false;
    const sub = this.clock.subscribe({
      nextDueMs: () => (fired ? undefined : due),
      runDue: () => {
        fired = true;
        n.can.stop();
        this.silenced.push(n.name);
        this.o.output(n.name, "SIMULATOR: this meter's CAN controller stopped (--silence)\n");
        queueMicrotask(() => sub.detach());
      },
    });
  }

  /**
   * Power-cycles meter `n`: RAM, timers, the C chain's registers and the CAN controller
   * start over; Storage and the board's FRAM and relay pins keep their state. The bundle
   * runs from Storage (.bootcde), as on a board.
   */
  powerCycle(n: SimNode): void {
    if (!n.meter) throw new Error(n.name + " is not a meter");
    this.bootcde(n);
    if (n.ota && n.ota.hook) n.ota.hook.restart(RESET_POWER);
    else n.rt.load();
  }

  /** The meter bundle into Storage's .bootcde unless a script is there, as `npm run upload` puts it on a board. */
  private bootcde(n: SimNode): void {
    if (!n.rt.flash.find(".bootcde")) n.rt.eval(`require("Storage").write(".bootcde", ${JSON.stringify(this.o.meterBundle)})`);
  }

  /** Nodes stopped by silenceAt. */
  readonly silenced: string[] = [];

  /** Device seconds per wall second since run(). */
  achievedSpeed(): number {
    return this.wallRun > 0 ? (this.clock.nowMs() - this.virtual0) / this.wallRun : 0;
  }

  /**
   * The transmit epoch a device persisted last (a meter's status().txEpoch, kept on its
   * FRAM; Storage "mn.aggepoch" on the aggregator), or null: after a day the busiest counters have
   * used 65536 values, so the summary shows the renewal happened (modules/can/README.md,
   * "Epoch changes").
   */
  txEpoch(n: SimNode, key: "txepoch" | "aggepoch"): number | null {
    // a meter keeps it with its billing state (the FRAM, modules/persist) and reports it
    const st = this.status(n);
    if (st && typeof st.txEpoch === "number") return st.txEpoch;
    try {
      const v = n.rt.eval(`require("Storage").read(${JSON.stringify("mn." + key)})`);
      return typeof v === "string" && /^\d+$/.test(v) ? Number(v) : null;
    } catch {
      return null;
    }
  }

  /** `meternet.status()` of a device as plain JSON, or null when it has no link. */
  status(n: SimNode): Record<string, unknown> | null {
    try {
      const s = n.rt.eval("typeof meternet === 'object' && meternet.status ? JSON.stringify(meternet.status()) : ''");
      return s ? (JSON.parse(s as string) as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  async stop(): Promise<void> {
    if (this.pacing) clearTimeout(this.pacing);
    this.pacing = undefined;
    if (this.saver) clearInterval(this.saver);
    this.saver = undefined;
    this.saveDevices();
    if (this.feed) this.feed.stop();
    if (this.cogen) this.cogen.stop();
    if (this.slcan) await this.slcan.close();
    for (const n of this.nodes) await n.shell.close();
  }
}

/** The relay as the coil pin drives it; before the app drove it, as the link reports (closed when unknown). */
function relayClosed(rt: EspruinoRuntime, board?: SimMeterBoard): boolean {
  const pin = board ? board.relayClosed() : undefined;
  if (pin !== undefined) return pin;
  const m = rt.global.meternet as { relayClosed?: boolean } | undefined;
  return !(m && m.relayClosed === false);
}
