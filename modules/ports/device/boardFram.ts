import { FramPort } from "../fram";
import { i2cFram } from "./fram";
import { FRAM_SCL, FRAM_SDA, FRAM_I2C_ADDRESS, FRAM_BITRATE, FRAM_BYTES } from "../../persist/boardPins";
import { KvStore } from "../kvStore";
import { aggStateOnFram, AGG_FRAM_BYTES } from "../../aggregator/stateOnFram";

/**
 * The meter board's FRAM (modules/persist/boardPins.ts): I2C1 set up on its pins, then
 * i2cFram. Throws when the firmware has no I2C1 or the pins cannot be set up.
 */
export function deviceFram(): FramPort {
  I2C1.setup({ scl: FRAM_SCL, sda: FRAM_SDA, bitrate: FRAM_BITRATE });
  return i2cFram(I2C1, FRAM_I2C_ADDRESS, FRAM_BYTES);
}

/**
 * The aggregator's saved state on its board's FRAM (MB85RC256V, 32 KB, on I2C1 at the
 * meter board's pins and address: modules/aggregator/stateOnFram.ts) for n meters, other
 * keys in `rest`; `rest` itself when no FRAM answers (the state in Storage files, as
 * before); says which on the console. An 8 KB part fitted instead would alias the
 * records above 8 KB: the board's bill of materials names the 32 KB part.
 */
export function boardAggState(n: number, rest: KvStore, log: (line: string) => void): KvStore {
  try {
    I2C1.setup({ scl: FRAM_SCL, sda: FRAM_SDA, bitrate: FRAM_BITRATE });
    const fram = i2cFram(I2C1, FRAM_I2C_ADDRESS, AGG_FRAM_BYTES);
    fram.read(0, 1); // throws when nothing answers
    const s = aggStateOnFram(fram, n, { crc: E.CRC32, str: E.toString, bytes: E.toUint8Array }, rest);
    log("aggregator: state on the FRAM (MB85RC256V, I2C1)");
    return s;
  } catch (e) {
    log("aggregator: state in Storage: no FRAM answers on I2C1 (" + e + ")");
    return rest;
  }
}
