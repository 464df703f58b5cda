/** CRC-32 (IEEE 802.3) of a byte array: Espruino's native E.CRC32 (the billing record's check). */
export const deviceCrc32: (data: Uint8Array) => number = E.CRC32;
