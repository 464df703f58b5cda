// Property names the meter bundle may shorten (terser mangle.properties, rollup.config.js):
// on Espruino every property name longer than 4 characters takes a second JsVar (a third
// above 13), in every object and prototype that holds it, for as long as it lives
// (host/runtime/memoryEstimate.ts nameVars). These are the meter's own fields and methods,
// held for good (MeterNode, MeterLink, PersistedEpoch, RejectCounter, BillingStore, its
// records and options, the FRAM port, the relay).
//
// A name may be listed only if nothing outside build/meter.js reads it on the bundle's
// objects, and nothing inside reads it by a computed name: terser renames every
// occurrence of a listed name in the bundle, object literals included. Never listed:
// - what host code and the UI bundle read: meternet.status() and its keys (role, address,
//   state, windows, can, rejects and its counters, commands, relay, errors, relayActual,
//   syncsRefused, txEpoch, billing: record, writes, fails, back, relayFrom),
//   meternet.relayClosed, meternet.node.epoch(), link.node.rejects / .address, link.can
//   (app/meterUi/main.ts, host/sim/network.ts, host/sim/*.test.ts);
// - RejectCounter's counters (badMac, stale, length, unknownId, unsynced, internal: it counts
//   by computed name, this[cause]++), and so MeterNode's `unsynced`;
// - keys of meternet.json (role, address, keyHex, publishEvery, mains, persist.stepWh,
//   persist.everyS, relay.safe, relay.restore, otaConfirmS, name, ui) and of what native
//   hooks read or return (setMetering, setEnergy, start, addFilter, I2C1.setup, readings,
//   aggregates, energy registers);
// - names of built-ins (terser leaves those alone anyway: apply, every, update, reject...).
// host/sim tests run build/meter.js as built, so a name wrongly listed fails them.
export const METER_PRIVATE_PROPS = [
  // MeterNode (modules/can/meterNode.ts)
  "commandsExecuted", "refusedLogAt", "syncAt", "syncTimes", "latest", "lastRows", "publishRows", "raiseAlarm",
  "setLatest", "latestOf", "sendLatest", "handleFrame", "dispatch", "handleSecured", "onCommand", "onSyncRequest",
  // its options (MeterNodeOptions) and PersistedEpoch (modules/can/freshness.ts)
  "key16", "nowMs", "actions", "store", "epochValue", "renew",
  // RejectCounter's methods (modules/can/rejects.ts)
  "rejectId", "guard",
  // MeterLink (modules/link/meterLink.ts)
  "rowValues", "started", "setRelay", "disconnectLoad", "reconnectLoad", "setTouStart", "setTime", "publish",
  // BillingStore, its records and options, the FRAM port (modules/persist, modules/ports/device/boardFram.ts)
  "saved", "newestSlot", "writeFails", "backwards", "lastWriteS", "savedUnits", "setAggregate", "pending",
  "baseAddr", "slots", "crc32", "bytes", "seal", "sizeBytes",
  // Relay and its port (modules/persist/relay.ts, modules/ports/device/relay.ts)
  "persistFails", "bootFrom", "fault", "closed", "check", "actual", "drive", "sense",
];
