/**
 * What the meter board (boards/STM32F107/METERNET_F107.py, also the 60 Hz image) wires
 * to the billing state and the load relay. The board file's `devices` entries RELAY,
 * RELAY_SENSE and FRAM name the same pins; boardPins.test.ts reads the board file and
 * fails when they disagree.
 *   E4  relay coil driver, high = closed (a low-side transistor with a pull-down: the coil
 *       is off, the relay in its de-energised state, from reset until the app runs)
 *   E5  relay auxiliary contact, high = closed (pull-up to 3.3 V through the contact)
 *   B6/B7  I2C1 SCL/SDA to the FRAM (MB85RC64TA, A2..A0 = 0: address 0x50), 400 kHz
 * E4/E5 are free on the board: not ADC (C0, C2), CAN1 (D0, D1), USART1 (A9, A10), the
 * Ethernet RMII or OTG pins, LED1 (E2) or BTN1 (E3).
 */
export const RELAY_PIN = "E4";
export const RELAY_SENSE_PIN = "E5";
export const RELAY_ACTIVE_LOW = false;
export const FRAM_SCL = "B6";
export const FRAM_SDA = "B7";
export const FRAM_I2C_ADDRESS = 0x50;
export const FRAM_BITRATE = 400000;
export const FRAM_BYTES = 8192;
/** The billing ring: first byte and records (package.json meternet.budgets.storage.meter.data: 256 B = 2 x 128). */
export const RING_BASE_ADDR = 0;
export const RING_SLOTS = 2;
