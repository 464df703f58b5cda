/**
 * The meter's side of the CAN link: a MeterNode on the controller, fed with each new
 * reading of the measurement chain (publish re-arms the authenticated auto-replies),
 * executing verified commands on the relay. Device code; ports come in.
 */
import { SecuredCanController, DATA_SIGNAL_ROWS } from "../can/secured";
import { MeterNode, MeterActions } from "../can/meterNode";
import { KvStore } from "../ports/kvStore";
import { LogLine } from "../ports/log";
import { BITRATE } from "./config";
import type { EventKind } from "../metering/readings";

/** ALARM codes (modules/can/messageDocs.ts AlarmCode) the meter raises. */
export const ALARM_RELAY_FAULT = 7;

/**
 * The ALARM code of an IEC 61000-4-30 event (MeterADC 'event'): VOLTAGE_DIP 2,
 * VOLTAGE_SWELL 3, INTERRUPTION 4. The meter raises it at once with the highest
 * priority instead of waiting for a poll; its value is the residual voltage, V.
 */
export function alarmCodeOf(kind: EventKind): number {
  return kind === "dip" ? 2 : kind === "swell" ? 3 : 4;
}

export interface MeterLinkOptions {
  can: SecuredCanController;
  address: number;
  key16: Uint8Array;
  store: KvStore;
  log: LogLine;
  /** Drives the load relay (true = closed); returns false when the actuator failed. */
  relay: (closed: boolean) => boolean;
  /** Re-arm the answers every this many windows, >= 1 (1: every reading; 5: once a second at 50 Hz). */
  publishEvery: number;
  /** Milliseconds, never going back: bounds the sync requests answered per hour (MeterNode). */
  nowMs?: () => number;
  /** The relay's feedback contact: "closed", "open" or "unknown" (status). */
  relayActual?: () => string;
  /** More plain data for status() (the billing state's counters). */
  more?: () => object | null;
}

/** What the measurement chain gives per window, in V, A, W, var, VA, Hz, %. */
export interface LinkReading {
  vRmsV: number;
  iRmsA: number;
  fHz: number;
  pW: number;
  qVar: number;
  sVA: number;
  pf: number;
  thdVPct: number;
  thdIPct: number;
  /** Quality flags of the window and of every window since the previous reading (MeterReading.flags, flagsSince). */
  flags: number;
  flagsSince: number;
}

/** The signals meterSignals fills, in its order; their rows are looked up once per link. */
export const PUBLISHED = ["U_L1", "Freq", "I_L1", "PF", "P_import", "P_export", "E_import", "E_export", "THD_U_L1", "THD_I_L1", "S", "Q_import", "QualityFlags", "QualitySince"];

/**
 * Their rows (modules/can/secured.ts signalRow), as bytes in hex: a table of 14 names held
 * by the bundle would cost 32 JsVars for good, the scan of the message table at boot about
 * as much again; meterLink.test.ts checks this against signalRow and prints the new
 * literal when messages.ts changes the rows.
 */
export const PUBLISHED_ROWS_HEX = "0c0d0e0f10111213141516171a1b";

/** The signal rows meterSignals writes, in its order. */
export function publishedRows(): Uint8Array {
  const h = PUBLISHED_ROWS_HEX, rows = new Uint8Array(h.length / 2);
  for (let j = 0; j < rows.length; j++) rows[j] = parseInt(h.substring(2 * j, 2 * j + 2), 16);
  return rows;
}

/**
 * The signals of every polled message (modules/can/messages.ts) from one reading and the
 * registers, written straight into `v` (values by signal row, what the controller
 * encodes and signs) at `rows` (publishedRows): no object by signal name in between.
 */
export function meterSignals(r: LinkReading, importWh: number, exportWh: number, v: Float64Array, rows: Uint8Array): void {
  v[rows[0]] = r.vRmsV; v[rows[1]] = r.fHz; v[rows[2]] = r.iRmsA; v[rows[3]] = r.pf;
  v[rows[4]] = r.pW > 0 ? r.pW : 0; v[rows[5]] = r.pW < 0 ? -r.pW : 0;
  v[rows[6]] = importWh; v[rows[7]] = exportWh;
  v[rows[8]] = r.thdVPct; v[rows[9]] = r.thdIPct;
  v[rows[10]] = r.sVA; v[rows[11]] = r.qVar > 0 ? r.qVar : 0;
  v[rows[12]] = r.flags; v[rows[13]] = r.flagsSince;
}

/**
 * Keeps the few options it uses after the constructor as its own fields and lets the
 * options object go (with the key, which the controller holds from start on): on the
 * meter every object held for good is JsVars taken from the UI (issue 16).
 */
export class MeterLink implements MeterActions {
  readonly node: MeterNode;
  readonly can: SecuredCanController;
  relayClosed = true;
  windows = 0;
  errors = 0;
  started: number;
  private readonly every: number;
  /** Values by signal row handed to the controller (NaN: absent), and the rows meterSignals writes. */
  private readonly rowValues = new Float64Array(DATA_SIGNAL_ROWS);
  private readonly rows = publishedRows();
  private readonly log: LogLine;
  private readonly relay: (closed: boolean) => boolean;
  private readonly relayActual?: () => string;
  private readonly more?: () => object | null;

  constructor(o: MeterLinkOptions) {
    this.can = o.can;
    this.every = o.publishEvery;
    this.log = o.log;
    this.relay = o.relay;
    this.relayActual = o.relayActual;
    this.more = o.more;
    this.rowValues.fill(NaN);
    this.node = new MeterNode({ address: o.address, key16: o.key16, can: o.can, store: o.store, log: o.log, nowMs: o.nowMs, actions: this });
    this.started = o.can.start(BITRATE);
    if (this.started === 0) this.started = this.node.start();
    if (this.started !== 0) o.log("meter " + o.address + ": CAN start failed (" + this.started + ")");
  }

  // What a verified command may do (MeterNode's actions): the link is its node's actions
  // itself, as methods of the class; an object of four closures held by the node was 25
  // JsVars on the meter (issue 16). Each drives the relay; false when the actuator failed
  // (written out in both: a shared setRelay method was one more held for good). The tariff
  // clock and the time of day are not kept by the meter yet: without setTouStart and
  // setTime the node accepts a tariff start with no effect and ignores TIME.
  disconnectLoad(): boolean {
    if (!this.relay(false)) return false;
    this.relayClosed = false;
    return true;
  }
  reconnectLoad(): boolean {
    if (!this.relay(true)) return false;
    this.relayClosed = true;
    return true;
  }

  /**
   * A new reading and the registers to publish (Wh), after `windows` windows: re-arms the answers (the controller signs each in C;
   * the encoding stays in JavaScript, so a slow poller may ask for them less often).
   * Never throws: an error is counted and logged.
   */
  publish(r: LinkReading, importWh: number, exportWh: number, windows?: number): void {
    // `windows`: how many windows this reading stands for (MeterADC readingEvery; default 1)
    const w = this.windows;
    this.windows += windows || 1;
    if (w % this.every !== 0) return;
    try {
      meterSignals(r, importWh, exportWh, this.rowValues, this.rows);
      this.node.publishRows(this.rowValues);
    } catch (e) {
      // Counted in status().errors; logged on the first and every 64th, not once a second.
      if ((this.errors++ & 63) === 0) this.log("meter link: publish: " + e);
    }
  }

  /** Plain data: `can` is the controller's CanCounters, `rejects` the RejectCounter (counts by cause). */
  status(): object {
    return {
      role: "meter", address: this.node.address, state: this.can.state(), windows: this.windows, can: this.can.counters(),
      rejects: this.node.rejects, commands: this.node.commandsExecuted, relay: this.relayClosed ? "closed" : "open", errors: this.errors + (this.started === 0 ? 0 : 1),
      relayActual: this.relayActual ? this.relayActual() : "unknown", syncsRefused: this.node.syncsRefused, txEpoch: this.node.epoch(), billing: this.more ? this.more() : null,
    };
  }
}
