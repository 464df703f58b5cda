import { FramPort, checkRange } from "../fram";

/**
 * The part of Espruino's I2C class the FRAM driver uses (I2C1 after
 * `I2C1.setup({ scl: "B6", sda: "B7", bitrate: 400000 })`). `writeTo` with
 * `{ address, stop: false }` leaves the bus claimed so the read that follows is a
 * repeated-start random read.
 */
export interface I2cBus {
  writeTo(address: number | { address: number; stop: boolean }, data: Uint8Array): void;
  readFrom(address: number, quantity: number): Uint8Array;
}

/**
 * FramPort over I2C for Fujitsu MB85RC64TA / Infineon FM24CL64B (datasheet: 7-bit
 * device address 0b1010 A2 A1 A0, two memory-address bytes high first, then the data;
 * no write delay, and a write may cross page boundaries: the address wraps only at the
 * end of the array). One transfer per call: `2 + n` bytes at 400 kHz is about
 * 23 us per byte, 3 ms for a 128-byte record.
 */
// checkRange is built into read and write (INLINE): on the meter a function of its own
// was held for good beside them.
export function i2cFram(bus: I2cBus, deviceAddress: number, sizeBytes: number): FramPort {
  return {
    sizeBytes: sizeBytes,
    read(addr: number, n: number): Uint8Array {
      /*@__INLINE__*/ checkRange(addr, n, sizeBytes);
      const a = new Uint8Array(2);
      a[0] = addr >> 8;
      a[1] = addr & 255;
      let got: Uint8Array | null = null;
      try {
        bus.writeTo({ address: deviceAddress, stop: false }, a);
        got = bus.readFrom(deviceAddress, n);
      } catch (e) {
        got = null;
      }
      if (got === null || got.length !== n) throw new Error("FRAM at I2C " + deviceAddress + " does not answer: check SDA/SCL, pull-ups, address");
      return got;
    },
    write(addr: number, data: Uint8Array): boolean {
      /*@__INLINE__*/ checkRange(addr, data.length, sizeBytes);
      const b = new Uint8Array(2 + data.length);
      b[0] = addr >> 8;
      b[1] = addr & 255;
      b.set(data, 2);
      try {
        bus.writeTo(deviceAddress, b);
        return true;
      } catch (e) {
        return false; // no acknowledge (Espruino throws): the caller counts it
      }
    },
  };
}

