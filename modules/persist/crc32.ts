/**
 * CRC-32/ISO-HDLC (the zlib/Ethernet CRC: reflected 0xEDB88320, check value of
 * "123456789" 0xCBF43926), the same function as Espruino's E.CRC32. The meter passes
 * E.CRC32 (native); this table version is for Node (tests, simulator tools) and any
 * device build without it.
 */
let table: Uint32Array | null = null;

export function crc32(bytes: Uint8Array): number {
  if (table === null) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
