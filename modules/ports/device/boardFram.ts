import { FramPort } from "../fram";
import { i2cFram } from "./fram";
import { FRAM_SCL, FRAM_SDA, FRAM_I2C_ADDRESS, FRAM_BITRATE, FRAM_BYTES } from "../../persist/boardPins";
import { KvStore } from "../kvStore";
import { aggStateOnFram, AGG_FRAM_BYTES, AGG_FRAM_CS } from "../../aggregator/stateOnFram";
import { spiFram, spiFramAnswers } from "./spiFram";

/**
 * The meter board's FRAM (modules/persist/boardPins.ts): I2C1 set up on its pins, then
 * i2cFram. Throws when the firmware has no I2C1 or the pins cannot be set up.
 */
export function deviceFram(): FramPort {
  I2C1.setup({ scl: FRAM_SCL, sda: FRAM_SDA, bitrate: FRAM_BITRATE });
  return i2cFram(I2C1, FRAM_I2C_ADDRESS, FRAM_BYTES);
}

/**
 * The aggregator's saved state on its board's FRAM (Fujitsu MB85RC256V's SPI sibling
 * MB85RS256B, 32 KB, on SPI1 beside the NOR and the W5500 (set up by boardNor(), which
 * app/aggregator/main.ts calls first; the board pulls this chip select up), chip select AGG_FRAM_CS: the
 * aggregator image has no I2C, imageFeatures.ts blacklist:i2c-watch;
 * modules/aggregator/stateOnFram.ts) for n meters, or undefined when no FRAM answers
 * (the app then keeps it in Storage files, as before); says which on the console.
 *
 * The record store and its driver are built for each get or set and let go after it
 * (issue 16): the Aggregator saves every saveIntervalS (minutes) and restores once at
 * boot, so between those nothing of them is in RAM (held for good they cost about 120
 * JsVars on 2v29; the figures in app/aggregator/README.md). A store keeps no state
 * between calls (each reads the slots' headers), so rebuilding it loses nothing.
 */
export function boardAggState(n: number, log: (line: string) => void): KvStore | undefined {
  let s: KvStore | undefined;
  try {
    digitalWrite(AGG_FRAM_CS, true); // SPI1 is set up by boardNor(), called first
    if (spiFramAnswers(SPI1, AGG_FRAM_CS)) {
      const open = function () {
        return aggStateOnFram(spiFram(SPI1, AGG_FRAM_CS, AGG_FRAM_BYTES), n, { crc: E.CRC32, str: E.toString, bytes: E.toUint8Array });
      };
      open(); // throws now, not at the first save, when n meters do not fit the part
      s = {
        get: function (key) { return open().get(key); },
        set: function (key, value) { return open().set(key, value); },
        setBytes: function (key, parts) { return open().setBytes(key, parts); },
      };
    }
  } catch (e) {
    // no SPI1, or more meters than the part holds: as no part
  }
  log("aggregator: state " + (s ? "on the FRAM" : "in Storage (no FRAM)"));
  return s;
}
