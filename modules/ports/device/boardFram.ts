import { FramPort } from "../fram";
import { i2cFram } from "./fram";
import { FRAM_SCL, FRAM_SDA, FRAM_I2C_ADDRESS, FRAM_BITRATE, FRAM_BYTES } from "../../persist/boardPins";

/**
 * The meter board's FRAM (modules/persist/boardPins.ts): I2C1 set up on its pins, then
 * i2cFram. Throws when the firmware has no I2C1 or the pins cannot be set up.
 */
export function deviceFram(): FramPort {
  I2C1.setup({ scl: FRAM_SCL, sda: FRAM_SDA, bitrate: FRAM_BITRATE });
  return i2cFram(I2C1, FRAM_I2C_ADDRESS, FRAM_BYTES);
}
