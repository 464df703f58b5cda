export * from "./types.ts";
export { ComtradeFormatError } from "./formatError.ts";
export { parseCfg } from "./cfgParse.ts";
export { readComtrade, readComtradeConfig, parseComtrade, findAnalog, timesFromRates, type ComtradeRecord, type ReadOptions, type ScaleTo } from "./reader.ts";
export { writeComtrade, formatComtrade, type RecordToWrite, type AnalogSeries, type DigitalSeries, type WriteOptions } from "./writer.ts";
export { formatTimestamp, parseTimestamp, timestampToEpochS, timestampFromEpochS } from "./timestamp.ts";
export { siUnit } from "./units.ts";
export { decodeText, detectEncoding, type TextEncodingName } from "./textDecoding.ts";
