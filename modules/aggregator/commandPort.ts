/**
 * How a decision reaches a load: the CAN protocol implements it with an
 * authenticated (AES-CMAC, SecOC-style) relay command to the meter at that address.
 * Returns 0 when the command was queued, a negative error code otherwise (the
 * decision is logged either way; a failed command is retried on the next tick because
 * the wanted state still differs from the commanded one).
 */
export type LoadCommand = "connect" | "disconnect";

export interface CommandPort {
  sendCommand(meterAddress: number, command: LoadCommand): number;
}
