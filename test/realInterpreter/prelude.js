// Stand-ins for the native hooks of the meternet boards, for running build/*.js on Espruino's
// Linux interpreter, which has none of them: the global class MeterADC (types/meterAdc.d.ts), the
// meter's FRAM (I2C1) and relay pins, the aggregator's SPI NOR (SPI1), and the global CAN1 (types/canController.d.ts, modules/can/controller.ts). Plain ES5 for Espruino 2v29. Upload it as Storage
// file ".boot0" so that it runs before ".bootcde" (see /work/scratch/espruino-run/README.md):
//   espruino --no-ble -p tcp://127.0.0.1:2323 --storage .boot0:test/realInterpreter/prelude.js ...
// MeterADC with metering (setMetering before start, as app/meter does) emits what the C
// metering chain gives the device's JavaScript: 'reading' every readingEvery windows, 'aggregate'
// every 15 windows (150 cycles); the values below are recorded from that chain (the Node addon's
// MeterChain, host/native fed by host/waveform, demo condition: 50.05 Hz, 230 V + 3 % 5th, 12 A
// lagging 0.4 rad + 10 % 3rd, 12800 Hz). The energy registers accumulate the recorded power.
// The 3 raw windows are real kernel output of the same run, emitted in turn every 10 cycles
// (index and startSample running on) only to 'window' listeners, as the device builds them only
// for a listener. Arrays are base64 of the typed arrays' bytes so that, as with the native hook,
// only the object in flight costs JsVars.
// The bundles' top-level names are mangled and may take the name E: build/meter.js declares a
// top-level function E, and Espruino then REPLACES the built-in E in place (a reference kept in a
// variable changes too). The E functions the prelude and a debugging session need are kept here.
var EspruinoE = { toArrayBuffer: E.toArrayBuffer, getSizeOf: E.getSizeOf, getAddressOf: E.getAddressOf, getErrorFlags: E.getErrorFlags };
// What the CAN1 stand-in below holds as state (SecOC keys and counters, the aggregator
// link's tables) is also referenced from this one global object, so that a measurement
// can take it out: on the chip that state is C's, flat strings on CAN1 of exactly `bytes`
// bytes (secocNode.h mn_secoc_node_bytes, aglinkSchedule.h mn_ag_bytes), whose JsVars
// host/runtime/accounting/chipCan.ts counts instead. The stand-in never keeps a callback or
// any other value of the bundle, so nothing of the bundle is taken out with it.
var mnCanState = { sc: null, link: null, bytes: [0, 0] };
// E.getSizeOf of that state (0 where there is none: the Node vm of meterAdcContract.test.ts).
function mnStandIn() { return EspruinoE.getSizeOf ? EspruinoE.getSizeOf(mnCanState) : 0; }
// A snapshot asked at the console (test/realInterpreter/measureJsVars.ts): a short line, so
// that the console's own copy of it holds few JsVars while it runs.
function mnMem() {
  var q = process.memory();
  print("@@MEM now", q.usage, q.free, JSON.stringify(EspruinoE.getErrorFlags()), mnStandIn(), mnCanState.bytes.join(","));
}
// Memory once the boot code (.boot0 then .bootcde) has run: the first idle after load().
setTimeout(function () {
  var m = process.memory();
  print("@@MEM boot free " + m.free + " usage " + m.usage + " total " + m.total + " blocksize " + m.blocksize + " standIn " + mnStandIn() + " bytes " + mnCanState.bytes.join(","));
}, 0);
function MeterADC() {
  this.stats = { windows: 0, dropped: 0, overruns: 0 };
  this.timer = undefined;
  this.metering = undefined;
  this.energy = undefined;
}
// Released windows' readings of the chain (three in turn) and a 150-cycle aggregate.
MeterADC.readings = [
  { fHz: 50.0499771, vRmsV: 230.101672, iRmsA: 12.0598045, pW: 2542.06344, qVar: 1075.04046, sVA: 2774.98118, nVA: 1112.84952, pf: 0.916065107, thdVPct: 3.00126267, thdIPct: 9.9958484 },
  { fHz: 50.0499865, vRmsV: 230.103884, iRmsA: 12.0600305, pW: 2542.15414, qVar: 1074.75367, sVA: 2775.05987, nVA: 1112.83853, pf: 0.916071819, thdVPct: 3.00251328, thdIPct: 10.0011629 },
  { fHz: 50.0500612, vRmsV: 230.103931, iRmsA: 12.0599657, pW: 2542.17965, qVar: 1074.82639, sVA: 2775.04551, nVA: 1112.74445, pf: 0.916085751, thdVPct: 2.99893294, thdIPct: 10.000159 }
];
MeterADC.aggregate = function (startS) {
  function f32(b) { return new Float32Array(EspruinoE.toArrayBuffer(atob(b))); }
  return {
    interval: "150cycle", startS: startS, spanS: 2.99700313, windows: 15, complete: true, flagged: false,
    fHz: 50.0499978, vRmsV: 230.104057, iRmsA: 12.0598782, pW: 2542.13259, qVar: 1074.83369, sVA: 2775.0269, nVA: 1112.80556, pf: 0.916074934, thdVPct: 3.00120435, thdIPct: 10.0004888,
    hV: f32("DaeSO1wAZkPRHRQ9dBUaPYR7Fj2Yx9xAbHkSPQtoEz12MBI9kFoTPQb0GD2JkRU9TmcgPaP0Dz1MxRo94RgWPZFBIT3LBRI9VkcRPRD/DD30bBg9iNwPPTbODT3AjAg99x0FPcoCAD29Lw09u+4SPdsrET15bvw8lusJPdaLAD1Y4Qc93BwIPVT2Bj1BYxc9/nMLPTlQFz1ODRM97HQQPfJkFz0PYR49ijAPPbSiCj3z2gc9jo0LPQ3KCD0jugA92e0HPcNBBj1iWQ49"),
    hI: f32("APg7OeD/P0EVlws7NpmZPxqODzvdzBE7zfAPOx4mEzu/Cws7vP8AOzTaDjujlP46jLEGOwe6Azs3FAs7P9gCOzRZCzv7Yg47Vs0MO6DNATukvQw7aUEMO2lh+zpUywM7Dc8EO3GcBDudAwM7iv0GO1j8ADvm1AY7gu4GO2vvCjv4MAI7KEgNOxIBBjvZBgU7jB3+OvTbADsrdgA71N/8Or9/BDuhhQM7YEH5OoOHATuxMAs7Uer7OkX/DzsLLwY7xMoBO6bQAzvBpQI7")
  };
};
MeterADC.window = function (k, s) {
  function u16(b) { return new Uint16Array(EspruinoE.toArrayBuffer(atob(b))); }
  function f32(b) { return new Float32Array(EspruinoE.toArrayBuffer(atob(b))); }
  function f64(b) { return new Float64Array(EspruinoE.toArrayBuffer(atob(b))); }
  var t = k % 3;
  if (t === 0) return {
    index: k,
    startSample: s,
    sampleRateHz: 12800,
    cycles: 10,
    sampleCount: 2557,
    sumVLsb: 4760708,
    sumILsb: 4760810,
    sumVVLsb2: 9972729278,
    sumIILsb2: 9580254092,
    sumVILsb2: 9680319175,
    sumVIPrevLsb2: 9671610556,
    sumVPrevILsb2: 9688572288,
    firstVLsb: 1880,
    firstILsb: 1568,
    lastVLsb: 1842,
    lastILsb: 1535,
    crossingsSample: f64("AAAAAIDG378AAAAgNehvQAAAADD9739AAAAAYAL2h0AAAACI7POPQAAAAEjv+JNAAAAAVOX3l0AAAADc3PabQAAAAJDY9Z9AAAAAsm76oUAAAAB+5/mjQA=="),
    urmsHalfLsb: f32("MdskRA2PJERQjyREUeEkRFCMJEQkjiREWo8kRJ+LJEQW3yRERY4kRJSKJETF2yRElIokRHyLJESIjiREbo8kRKPdJERNjCREkpEkRGrgJEQ="),
    urmsHalfEndSample: f64("AAAAAADAX0AAAAAAAABwQAAAAAAA8HdAAAAAAADwf0AAAAAAAPiDQAAAAAAA+IdAAAAAAAD4i0AAAAAAAPiPQAAAAAAA+JFAAAAAAAD8k0AAAAAAAPiVQAAAAAAA+JdAAAAAAAD4mUAAAAAAAPibQAAAAAAA+J1AAAAAAAD4n0AAAAAAAPqgQAAAAAAA/KFAAAAAAAD6okAAAAAAAPqjQA=="),
    hVLsb: f32("q7roRACSJEQAwo0+ANqMPgBwej4ANJ5BAABAPgAMJz4AnFA+AAAgPgAkTj4ApEI+AMQcPgCMLj4AzCA+AKQSPgCkQj4AOA4+ANwFPgBkHj4AFCo+AJQdPgB8Cz4AwOY9ALDdPQAAwD0AQNQ9APADPgB47z0AeO89AMQHPgDI9T0AAAE+ANC3PQC48z0AmLo9AHwLPgDozD0ASKY9AMQHPgCw3T0AKOs9AOgEPgBA1D0ASK89ANAnPgAAwD0A4Pc9AEDUPQBIrz0AeO89"),
    hILsb: f32("8rvoRACnA0QAHEk+ALpSQgB4/D0AyA8+AEDUPQDI9T0AfAE+AKjAPQD4/D0AeMg9ALikPQB4yD0AeMg9AHjIPQAAwD0AoAU+AFDnPQDY7T0AEK09AFDDPQA4uT0AGI89ANjRPQBQqT0AYNs9AMDmPQDYxz0AqMA9AOjMPQAACD4AUMM9AKDEPQCowj0AoLw9AEDUPQAY5T0A0K09AJirPQAooz0AqMs9AHiZPQCo0z0AaIw9AFC0PQBAxT0AEK09AADCPQCAkz0AMOY9"),
    harmonicMaxOrder: 50,
    vMidLsb: 1862,
    syncErrorSample: 0.018768310546875,
    flags: 0,
    droppedBefore: 0
  };
  if (t === 1) return {
    index: k,
    startSample: s,
    sampleRateHz: 12800,
    cycles: 10,
    sampleCount: 2558,
    sumVLsb: 4762531,
    sumILsb: 4762383,
    sumVVLsb2: 9976071219,
    sumIILsb2: 9582767181,
    sumVILsb2: 9683203894,
    sumVIPrevLsb2: 9674452571,
    sumVPrevILsb2: 9691416413,
    firstVLsb: 1868,
    firstILsb: 1558,
    lastVLsb: 1856,
    lastILsb: 1548,
    crossingsSample: f64("AAAAAACCqL8AAABAfPZvQAAAAJAp939AAAAAgIb5h0AAAACAdPePQAAAAGi0+pNAAAAA4K75l0AAAABQqPibQAAAAICm959AAAAAaFD7oUAAAACMy/qjQA=="),
    urmsHalfLsb: f32("CYokRCWKJERUjSRE/44kRJngJETSjSREKY0kRCLfJERWjCRECo4kRIaRJERKkSREWd8kRJKMJEQWjCREtt4kRIaMJERPjCREZo0kRBeQJEQ="),
    urmsHalfEndSample: f64("AAAAAAAAYEAAAAAAAABwQAAAAAAAAHhAAAAAAAAAgEAAAAAAAPiDQAAAAAAAAIhAAAAAAAD4i0AAAAAAAPiPQAAAAAAA/JFAAAAAAAD8k0AAAAAAAPyVQAAAAAAA/JdAAAAAAAD4mUAAAAAAAPybQAAAAAAA+J1AAAAAAAD4n0AAAAAAAPygQAAAAAAA/KFAAAAAAAD8okAAAAAAAPyjQA=="),
    hVLsb: f32("L7roRACSJEQAmp8+AGKFPgBIdT4ANJ5BAKxAPgDETj4A6EU+APgCPgDUNz4A9CM+AAABPgA0Hz4AlCs+AMQcPgA4Dj4A0AY+AERUPgCY8T0AxBw+APD5PQCo1j0AsN09ALDdPQDwAz4ApBI+ALDdPQDInD0A4Pc9AKQJPgDkED4ApAk+APjoPQDA5j0AuPM9AAjZPQD8AT4ACNk9AJjxPQDozD0A8AM+ALjzPQAI2T0A6Mw9AOjMPQDg9z0A+AI+AEDUPQBgyj0AUKk9"),
    hILsb: f32("VbjoRACoA0QA+Fs+ANBSQgDUKj4AqPI9AEj1PQA49D0AiLg9ADj0PQBgzz0A4Oc9ADj0PQDQoD0AuPM9AOCQPQA42j0AqNY9APj8PQBMEz4A4Pc9AFjBPQAAgj0A2Mc9AFCpPQDQtz0AQNQ9AACgPQBAxT0AgAA+APCjPQCApT0AAMI9AFjBPQA42j0AuKQ9ADjaPQB4mT0ASN49AEDFPQDIkT0A0Lc9AEi7PQCIzT0A8Js9APjDPQCowD0A8Js9AMicPQCQxj0AqMs9"),
    harmonicMaxOrder: 50,
    vMidLsb: 1862,
    syncErrorSample: 0.0039215087890625,
    flags: 0,
    droppedBefore: 0
  };
  if (t === 2) return {
    index: k,
    startSample: s,
    sampleRateHz: 12800,
    cycles: 10,
    sampleCount: 2557,
    sumVLsb: 4760673,
    sumILsb: 4760787,
    sumVVLsb2: 9972616911,
    sumIILsb2: 9580186927,
    sumVILsb2: 9680246250,
    sumVIPrevLsb2: 9671536789,
    sumVPrevILsb2: 9688495172,
    firstVLsb: 1884,
    firstILsb: 1571,
    lastVLsb: 1846,
    lastILsb: 1539,
    crossingsSample: f64("AAAAAEBH478AAADA0ORvQAAAAPBH7n9AAAAAQA/1h0AAAACYAfOPQAAAAOyC+JNAAAAARHf3l0AAAAA4dPabQAAAABxp9Z9AAAAAqjP6oUAAAAC6rPmjQA=="),
    urmsHalfLsb: f32("ZOIkRNaNJESPjCREgd0kROuLJEQYjSREaOAkRH+NJETdjiREV40kRCKLJETV4SREZJIkREuRJERT4CREbYokRJuNJEQ+jyREFI0kRCffJEQ="),
    urmsHalfEndSample: f64("AAAAAADAX0AAAAAAAABwQAAAAAAA8HdAAAAAAADwf0AAAAAAAPiDQAAAAAAA+IdAAAAAAADwi0AAAAAAAPiPQAAAAAAA+JFAAAAAAAD8k0AAAAAAAPiVQAAAAAAA+JdAAAAAAAD4mUAAAAAAAPibQAAAAAAA9J1AAAAAAAD4n0AAAAAAAPqgQAAAAAAA/KFAAAAAAAD6okAAAAAAAPqjQA=="),
    hVLsb: f32("O7roRACSJEQA4pk+AACIPgDcbT4AGZ5BAEg7PgCIZD4ABDU+AIQTPgA0Hz4A6AQ+AJAKPgDA5j0AVD8+AFB2PgCUHT4A9Bs+APD5PQCY8T0AHA8+ANwFPgCw3T0A4Pc9AMDmPQDA5j0AsN09AHwLPgB8Cz4A4Pc9AGAUPgB4GT4A/AE+ALjzPQBI4j0A+Og9AMDmPQCw3T0ACNk9AJjxPQDwFj4AAP49AHiZPQBQ7T0A/AE+AADAPQAI2T0AKKM9ALjzPQC48z0AyJw9"),
    hILsb: f32("qLvoRACpA0QA6EU+ALFSQgDIIj4ASPU9AIjkPQAA8D0A3BI+AKDZPQAI2T0AoMQ9AHiZPQDI7D0AyOw9ANjtPQC4Aj4AoNk9ACjOPQCw6z0AANA9AFi/PQBQrD0A8Pk9AFCsPQBIpj0AQNQ9AAABPgC4tT0AAH49AAinPQB41T0ACLU9AJCKPQAAAT4AcNI9APi7PQBQtD0AAJA9ANiqPQAwnz0AWL89AHjIPQAwnz0AAMI9ANCtPQAgtz0A0IY9AFDDPQCowD0AgIs9"),
    harmonicMaxOrder: 50,
    vMidLsb: 1862,
    syncErrorSample: 0.0117950439453125,
    flags: 0,
    droppedBefore: 0
  };
};
MeterADC.prototype.setCalibration = function (vZeroLsb, iZeroLsb) {
  this.vZeroLsb = vZeroLsb;
  this.iZeroLsb = iZeroLsb;
};
MeterADC.prototype.setMetering = function (cfg) {
  if (!cfg || !cfg.calibration || !(cfg.declaredV > 0) || !(cfg.readingEvery >= 1)) throw new Error("MeterADC.setMetering: declaredV must be a positive number of volts, utcAtStartS a number, readingEvery 1..1000 windows");
  this.metering = { readingEvery: Math.round(cfg.readingEvery) };
};
MeterADC.prototype.getEnergy = function () {
  var e = this.energy;
  if (!e) return null;
  function r(wh) { var m = Math.floor(wh * 1000); return { milli: m, frac: wh * 1000 - m }; }
  return { importWh: r(e.importWh), exportWh: r(e.exportWh), importVarh: r(e.importVarh), exportVarh: r(e.exportVarh) };
};
MeterADC.prototype.setEnergy = function (st) {
  if (!this.energy) throw new Error("MeterADC.setEnergy: call setMetering and start first");
  function u(x) { return (x.milli + x.frac) / 1000; }
  this.energy = { importWh: u(st.importWh), exportWh: u(st.exportWh), importVarh: u(st.importVarh), exportVarh: u(st.exportVarh) };
};
MeterADC.prototype.start = function (cfg) {
  if (!(cfg.sampleRateHz >= 1000 && cfg.sampleRateHz <= 51200)) throw new Error("sampleRateHz must be 1000..51200");
  if (cfg.nominalHz !== 50 && cfg.nominalHz !== 60) throw new Error("nominalHz must be 50 or 60");
  this.stop();
  var self = this;
  var k = 0;
  var s = 2686;
  var spanS = 10 / 50.05;
  if (this.metering && !this.energy) this.energy = { importWh: 0, exportWh: 0, importVarh: 0, exportVarh: 0 };
  // What the C chain gives JavaScript after window k (released one window late, as the chain does).
  function metering() {
    var m = self.metering, e = self.energy;
    if (!m) return;
    var r = MeterADC.readings[k % 3];
    e.importWh += (r.pW * spanS) / 3600;
    e.importVarh += (r.qVar * spanS) / 3600;
    if (k >= 1 && (k - 1) % m.readingEvery === 0) { // the first released window, then every readingEvery-th
      self.emit("reading", { tS: k * spanS, fHz: r.fHz, vRmsV: r.vRmsV, iRmsA: r.iRmsA, pW: r.pW, qVar: r.qVar, sVA: r.sVA, nVA: r.nVA, pf: r.pf, thdVPct: r.thdVPct, thdIPct: r.thdIPct,
        flagged: false, flags: k === 1 ? 8 : 0, flagsSince: k === 1 ? 8 : 0, importWh: e.importWh, exportWh: e.exportWh, importVarh: e.importVarh, exportVarh: e.exportVarh });
    }
    if (k >= 1 && k % 15 === 0) self.emit("aggregate", MeterADC.aggregate((k - 15) * spanS));
  }
  function one() {
    self.stats.windows++;
    metering();
    if (self["#onwindow"]) {
      var w = MeterADC.window(k, s);
      s += w.sampleCount;
      self.emit("window", w);
    } else s += 2557;
    k++;
  }
  if (MeterADC.measureWindows > 0) {
    // Measurement mode (bench/device/meterWindowCost.sh): windows back to back, then quit.
    var step = function () {
      if (k < MeterADC.measureWindows) {
        one();
        self.timer = setTimeout(step, 0);
      } else {
        var mem = process.memory();
        print("@@MEM done free " + mem.free + " usage " + mem.usage + " total " + mem.total);
        print("@@DONE " + k);
        quit();
      }
    };
    this.timer = setTimeout(step, 0);
    return;
  }
  this.timer = setInterval(one, 10000 / 50.05);
};
MeterADC.measureWindows = 0;
MeterADC.prototype.stop = function () {
  if (this.timer !== undefined) clearInterval(this.timer);
  this.timer = undefined;
};
MeterADC.prototype.getStats = function () {
  return { windows: this.stats.windows, dropped: this.stats.dropped, overruns: this.stats.overruns };
};
// CAN1, the bxCAN controller (types/canController.d.ts, modules/can/controller.ts), on an empty
// bus: sends into the void, never receives. What one controller does alone is the C's
// (canBitTiming.c, canFrame.c, canFilter.c, canDriver.c through jswrap_can.c): the same codes
// for rates, frames, filters, banks and auto-reply slots, so that the selftest bundle's CAN1
// checks (modules/can/controller.kat.ts) run here; host/canbus/preludeCan.test.ts compares
// them with the C driver over the register fakes. Also require("CAN") for bundles
// built before the hook became the global CAN1. The SecOC methods (modules/can/secured.ts) are
// emulated in ES5 as boards/STM32F107/secoc does them in C: same plan, counters, epochs, return
// codes and payload layout, but no MAC (the 3 MAC bytes stay 0) and no signal encoding in
// secocPublish: on an empty bus nobody reads them, and that code cost about 180 JsVars here,
// which the native hook does not (measured at 3600 variables: with it the aggregator did not
// boot). host/canbus/preludeSecoc.test.ts checks what is emulated against the C.
var CAN1 = (function () {
  var state = "stopped";
  var n = { tec: 0, rec: 0, txFrames: 0, rxFrames: 0, rxOverruns: 0, autoReplies: 0, busOffCount: 0, rxRingOverflows: 0, autoReplyMissed: 0, txErrors: 0 };
  // Filter banks in one number (JsVars: typed arrays cost 26 more): bit b set while bank b is
  // in use, bit 14 + b while a filter starts at b (canDriver.c bankGroup).
  var banks = 0;
  var slotIds = []; // per auto-reply slot: its standard id, -1 free; slots past the end are free
  // ok(frame): a frame as jswrap_can.c frame_from_js and canFrame.c take it; ok(null, id, ext):
  // an integer identifier in range for its format. (One function: each costs about 7 JsVars.)
  function ok(f, v, x) {
    if (f) { v = f.id; x = f.extended; if (!(f.dlc >= 0 && f.dlc <= 8 && f.dlc % 1 === 0 && f.data && f.data.length === (f.rtr ? 0 : f.dlc))) return false; }
    return v >= 0 && v <= (x ? 0x1fffffff : 0x7ff) && v % 1 === 0;
  }
  var sc = null; // SecOC state after secocInit
  function zero() { return 0; }
  var out8 = new Uint8Array(8);
  var blk = new Uint8Array(4);
  function put40(b, at, v) {
    b[at] = Math.floor(v / 4294967296) & 255; b[at + 1] = (v >>> 24) & 255; b[at + 2] = (v >>> 16) & 255; b[at + 3] = (v >>> 8) & 255; b[at + 4] = v & 255;
  }
  function nextFv(c) {
    if (sc.epoch < 0) return -1;
    if (sc.next[c] >= (sc.epoch + 1) * 65536) return -1; // the end of the epoch: the caller renews it
    return sc.next[c]++;
  }
  // The payload of id into out8; FV used or negative (secocNode.h mn_secoc_node_sign).
  function sign(id, data, fv) {
    if (!sc || !(id >= 0 && id <= 0x7ff) || !data || data.length !== 4) return -22;
    var slot = sc.addr[id & 63] - 1, p = sc.plan[32 + (id >> 6)], kind = p >> 4, i;
    if (slot < 0 || kind === 0) return -22;
    if (kind === 3) { if (!(fv >= 0)) return -22; } else { fv = nextFv(slot * sc.tx + (p & 15)); if (fv < 0) return -1; }
    if (kind === 2) {
      put40(out8, 0, fv);
      sc.challenge[slot] = fv;
      sc.rxLast.fill(-1, slot * sc.rx, (slot + 1) * sc.rx);
    } else {
      for (i = 0; i < 4; i++) out8[i] = data[i];
      out8[4] = fv & 255;
    }
    return fv;
  }
  function frameOf(id) { return { id: id, extended: false, rtr: false, dlc: 8, data: new Uint8Array(out8) }; }
  var can = {
    // Only rates 36 MHz divides exactly into 8..25 quanta of a prescaler 1..1024 (canBitTiming.c).
    start: function (bitrate) {
      var tq = 8;
      while (tq <= 25 && !(36e6 % (bitrate * tq) === 0 && 36e6 / (bitrate * tq) <= 1024)) tq++;
      if (!(bitrate > 0 && bitrate <= 1000000) || tq > 25) return -22;
      state = "error-active";
      return 0;
    },
    stop: function () { state = "stopped"; },
    send: function (frame) {
      if (!ok(frame)) return -22;
      if (state === "stopped" || state === "bus-off") return -100;
      n.txFrames++;
      return 0;
    },
    // As many consecutive banks as canFilter.c encodes: a mask 1, a list 1 per id (2 per bank when rtr is given).
    addFilter: function (f) {
      var ids = f && f.ids, ext = f && f.extended, k = 0, b, c;
      if (!f || (f.fifo !== 0 && f.fifo !== 1)) return -22;
      if (f.mode === "mask") { if (!ok(null, f.id, ext) || !ok(null, f.mask, ext)) return -22; c = 1; }
      else if (f.mode === "list" && Array.isArray(ids) && ids.length >= 1 && ids.length <= (ext ? 2 : 4)) {
        for (; k < ids.length; k++) if (!ok(null, ids[k], ext)) return -22;
        c = f.rtr === undefined ? ids.length : (ids.length + 1) >> 1;
      } else return -22;
      for (b = 0; b + c <= 14; b++) {
        k = ((1 << c) - 1) << b;
        if (!(banks & k)) { banks |= k | (1 << (b + 14)); return b; }
      }
      return -28;
    },
    // Only a filter's first bank removes it, with the banks after it up to the next filter or a free one.
    removeFilter: function (b) {
      if (!(b >= 0 && b < 14 && (banks >> (b + 14)) & 1)) return;
      banks &= ~(1 << (b + 14));
      do banks &= ~(1 << b++); while (b < 14 && (banks >> b) & 1 && !((banks >> (b + 14)) & 1));
    },
    // A standard data frame, into the slot of its id or the first free one (canDriver.c).
    setAutoReply: function (frame, once) {
      if (!ok(frame) || frame.extended || frame.rtr) return -22;
      var k = slotIds.indexOf(frame.id);
      if (k < 0) k = slotIds.indexOf(-1);
      if (k < 0 && slotIds.length < 16) k = slotIds.length;
      if (k >= 0) slotIds[k] = frame.id;
      return k < 0 ? -28 : k;
    },
    clearAutoReply: function (id) { var k = slotIds.indexOf(id); if (k >= 0 && id >= 0) slotIds[k] = -1; },
    onFrame: function (cb) {},
    onState: function (cb) {},
    state: function () { return state; },
    counters: function () {
      var c = {}, k;
      for (k in n) c[k] = n[k];
      return c;
    },
    secocInit: function (slots, rx, tx, plan) {
      if (!(slots >= 1 && slots <= 64 && rx >= 1 && rx <= 15 && tx >= 1 && tx <= 15) || !plan || plan.length !== 64) return -22;
      sc = { rx: rx, tx: tx, slots: slots, plan: new Uint8Array(plan), addr: new Uint8Array(64),
        epoch: -1, next: new Float64Array(slots * tx), rxLast: new Float64Array(slots * rx), challenge: new Float64Array(slots), syncLast: new Float64Array(slots) };
      sc.rxLast.fill(-1); sc.challenge.fill(-1); sc.syncLast.fill(-1);
      mnCanState.sc = sc;
      mnCanState.bytes[0] = 296 + slots * (44 + 6 * rx + 5 * tx); // secocNode.h mn_secoc_node_bytes
      return 0;
    },
    secocKey: function (slot, address, key16, derive) {
      if (!sc || !(slot >= 0 && slot < sc.slots && address >= 0 && address <= 63) || !key16 || key16.length !== 16) return -22;
      var a;
      for (a = 0; a < 64; a++) if (sc.addr[a] === slot + 1) sc.addr[a] = 0;
      sc.addr[address] = slot + 1;
      return 0;
    },
    // An epoch above the valid one renews (counters run on); else every counter restarts at it.
    secocEpoch: function (e) {
      if (!sc) return;
      var ok = e >= 0 && e <= 16777215, renewal = ok && sc.epoch >= 0 && e > sc.epoch;
      sc.epoch = ok ? e : -1;
      if (ok && !renewal) sc.next.fill(e * 65536);
    },
    secocRx: function (slot, fv) { if (sc && slot >= 0 && slot < sc.slots) { sc.rxLast.fill(fv, slot * sc.rx, (slot + 1) * sc.rx); sc.challenge[slot] = -1; } },
    secocSyncLast: function (slot, fv) { if (sc && slot >= 0 && slot < sc.slots) sc.syncLast[slot] = fv; },
    secocSend: function (id, data, fv) {
      var used = sign(id, data, fv), r;
      if (used < 0) return used;
      r = can.send(frameOf(id));
      return r === 0 ? used : r;
    },
    secocAutoReply: function (id, data) {
      var used = sign(id, data, -1), r;
      if (used < 0) return used;
      r = can.setAutoReply(frameOf(id), true);
      return r >= 0 ? used : r;
    },
    secocCodec: function (table) {
      if (!sc || !table || table.length < 64 || table.length > 160 || (table.length - 64) % 3) return -22;
      sc.codec = new Uint8Array(table);
      return 0;
    },
    // As secocNode.c's publish: every published message with a value takes its next FV and
    // fills its auto-reply slot; the data bytes are not encoded here (nobody reads them).
    secocPublish: function (values, latest) {
      if (!sc || !sc.codec || !values || !latest || latest.length < 128) return -22;
      var t = sc.codec, address = sc.addr.indexOf(1), stored = 0, fn, first, fv;
      if (address < 0) return -22;
      for (fn = 0; fn < 32; fn++) {
        first = t[fn];
        if (!(t[32 + fn] & 128) || !(t[32 + fn] & 127) || first + (t[32 + fn] & 127) > values.length || values[first] !== values[first]) continue;
        fv = sign(fn * 64 + address, blk, -1);
        if (fv < 0) return fv;
        if (can.setAutoReply(frameOf(fn * 64 + address), true) >= 0) stored++;
      }
      return stored;
    },
    onSecured: function (cb) {},
    // The aggregator link (modules/link/linkPort.ts; boards/STM32F107/aglink in C on the
    // aggregator image). On the empty bus nothing answers: no row ever has news, no meter
    // synchronises (linkCommand: -1). The stand-in keeps only the state's bytes, as many
    // as the C's flat string on CAN1 (aglinkSchedule.c mn_ag_bytes: 2176 + 28 per entry +
    // 6 per in-flight poll + 452 for sync responses and commands), so that the heap holds
    // what the device's does; the C checks the arguments, not this.
    linkInit: function (c, m) {
      var n = 2176 + 28 * c + 6 * m + 452;
      mnCanState.link = new Uint8Array(n);
      mnCanState.bytes[1] = n;
      return 0;
    },
    linkPlan: zero, linkStart: zero, linkRows: zero, linkLatest: zero /* never answered */, linkCounters: zero, linkMeter: zero,
    linkCommand: function () { return -1; },
    // OTA (boards/STM32F107/jswrap/jswrap_ota.c): otaListen allocates what listening needs,
    // on the chip a flat string of 560 B hidden on CAN1 (ota_meter_state_t: the link at rest
    // and the NOR staging's state, arm-none-eabi sizes; boards/STM32F107/ota/README.md
    // "Memory"), kept here as that many bytes. A transfer's state (1 380 B more) exists only
    // while a manifest's transfer runs: never on the empty bus.
    otaListen: function () {
      mnCanState.ota = new Uint8Array(560);
      mnCanState.bytes[2] = 560;
      return 0;
    },
    // kept on CAN1 as jswrap_ota.c keeps it ("#onota"), so its closure's JsVars are counted
    onOta: function (cb) { can["#onota"] = cb; }
  };
  return can;
})();
Modules.addCached("CAN", function () { module.exports = CAN1; });
// The meter board's FRAM on I2C1 (MB85RC64TA protocol: two address bytes, then data; a read
// continues from the address) holding only the 256-byte billing ring, and its relay pins:
// the Linux interpreter has no such pins ("E4": Invalid pin) and no I2C part. The relay's
// feedback contact (E5) follows the coil (E4).
var I2C1 = (function () {
  var mem = new Uint8Array(256), at = 0;
  return {
    setup: function () {},
    writeTo: function (a, d) {
      at = (d[0] << 8) | d[1];
      for (var i = 2; i < d.length; i++) mem[(at++) & 255] = d[i];
    },
    readFrom: function (a, n) {
      var r = new Uint8Array(n);
      for (var i = 0; i < n; i++) r[i] = mem[(at++) & 255];
      return r;
    }
  };
})();
// The aggregator board's W25Q32JV on SPI1, chip select A4 (modules/ports/device/spiNor.ts's
// commands; the Linux build's SPI1 reads 0xFF: no part). Each sector programmed since its erase
// is a Storage file "nor<sector>" of 1 + 4096 bytes (data from offset 1: a write at offset 0
// makes a new file), so what the part holds costs no JsVars here, as on the chip where it is off
// the chip; the Linux build's flash ANDs on write, as NOR does. Never busy. A read may cross
// sectors (the web app's 512-byte chunks do).
// Its FRAM (MB85RS256B, modules/ports/device/spiFram.ts) on chip select B6: Storage files
// "fr<block>" of 256 bytes (a new part reads 0), each write rewriting its blocks whole
// (through one 256-byte array: the stand-in's garbage stays near what the chip's SPI1.send makes).
var SPI1 = (function () {
  var S = require("Storage"), wel = 0, fwel = 0;
  function fram(d, r) {
    var op = d[0], a = (d[1] << 8) | d[2], i = 3, n, o, f, s, k;
    if (op === 6) fwel = 1;
    else if (op === 5) r[1] = fwel ? 2 : 0;
    else if (op === 3 || (op === 2 && fwel)) {
      for (; i < d.length; i += n, a += n) {
        f = "fr" + (a >> 8); o = a & 255; n = Math.min(256 - o, d.length - i);
        s = S.read(f);
        if (op === 3) { if (s) for (k = 0; k < n; k++) r[i + k] = s.charCodeAt(o + k); }
        else {
          // bytes, not joined strings: the stand-in's own garbage stays small (on the chip the part is off it)
          k = s ? E.toUint8Array(s) : new Uint8Array(256);
          k.set(d.subarray(i, i + n), o);
          S.write(f, k);
        }
      }
      if (op === 2) fwel = 0;
    }
    return r;
  }
  return {
    setup: function () {},
    send: function (d, cs) {
      var r = new Uint8Array(d.length).fill(255), op = d[0], a = (d[1] << 16) | (d[2] << 8) | d[3], f = "nor" + (a >> 12), i, n, s;
      if (cs === "B6") return fram(d, r.fill(0));
      if (cs !== "A4") return r;
      if (op === 0x9f) { r[1] = 0xef; r[2] = 0x40; r[3] = 0x16; }
      else if (op === 5) r[1] = wel ? 2 : 0;
      else if (op === 6) wel = 1;
      else if (op === 3) {
        for (i = 4; i < d.length; i += n, a += n) {
          n = Math.min(4096 - (a & 4095), d.length - i);
          s = S.read("nor" + (a >> 12), 1 + (a & 4095), n);
          if (s) r.set(E.toUint8Array(s), i);
        }
      } else if (op === 2 && wel) {
        if (!S.read(f, 0, 1)) S.write(f, "\xff", 0, 4097);
        S.write(f, d.subarray(4), 1 + (a & 4095));
      } else if (op === 0x20 && wel) S.erase(f);
      if (op === 2 || op === 0x20) wel = 0;
      return r;
    }
  };
})();
var pinLevels = {};
function digitalWrite(pin, v) { pinLevels[pin] = v ? 1 : 0; }
function digitalRead(pin) { return pinLevels[pin === "E5" ? "E4" : pin] ? 1 : 0; }
(function () {
  var m = process.memory();
  print("@@MEM prelude free " + m.free + " usage " + m.usage + " total " + m.total + " blocksize " + m.blocksize);
})();
