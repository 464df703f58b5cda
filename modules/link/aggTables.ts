/**
 * The aggregator's SecOC tables as bytes, so that its bundle does not carry the message
 * table (modules/can/messages.ts, secured.ts: about 11 KB of source) only to build them
 * once at boot: the receive/send plan (secured.ts securePlan("aggregator")), the signal
 * codec (securedCodec()) and the counters per meter (planCounters("aggregator")).
 * aggTables.test.ts fails, printing the new literals, when messages.ts changes them.
 */
export const AGG_PLAN_HEX = "10001100300012131415161718191a00000000000000000000000000000000000010002000100000000000000000000000000000000000000000000000000000";
export const AGG_CODEC_HEX =
  "00030609090b0c0e1012131416181a00000000000000000000000000000000000303030002018282828181828282820000000000000000000000000000000000000800080800101002000800080800101000000800080800101000001800180800002000001002101003001403140c07001000101000002000002000001002101002071008171008000800081800001000101000";
/** Receive counters per meter (one per meter message it sends), transmit counters per meter. */
export const AGG_RX_COUNTERS = 11;
export const AGG_TX_COUNTERS = 1;

/** Bytes of a lower-case hex string (setup only). */
export function hexBytes(h: string): Uint8Array {
  const b = new Uint8Array(h.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(h.substring(2 * i, 2 * i + 2), 16);
  return b;
}
