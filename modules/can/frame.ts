/**
 * A CAN 2.0 frame (ISO 11898-1): an 11-bit standard or 29-bit extended identifier,
 * a remote-transmission-request flag and 0..8 data bytes. A remote frame carries a
 * DLC but no data: it asks the owner of `id` to send that identifier's data frame.
 */
export interface CanFrame {
  /** 0..0x7FF for standard, 0..0x1FFFFFFF for extended identifiers. */
  id: number;
  extended: boolean;
  /** Remote transmission request: no data travels, `data` is empty. */
  rtr: boolean;
  /** Data length code 0..8; for a remote frame, the length asked for. */
  dlc: number;
  /** Exactly `dlc` bytes for a data frame, empty for a remote frame. */
  data: Uint8Array;
}

export const CAN_STD_ID_MAX = 0x7ff;
export const CAN_EXT_ID_MAX = 0x1fffffff;

/** Returns null when the frame is well formed, else the reason it is not. */
export function frameError(f: CanFrame): string | null {
  const max = f.extended ? CAN_EXT_ID_MAX : CAN_STD_ID_MAX;
  if (!(f.id >= 0 && f.id <= max && Math.floor(f.id) === f.id)) return "identifier " + f.id + " out of range 0.." + max;
  if (!(f.dlc >= 0 && f.dlc <= 8 && Math.floor(f.dlc) === f.dlc)) return "DLC " + f.dlc + " out of range 0..8";
  if (f.rtr && f.data.length !== 0) return "remote frame with " + f.data.length + " data bytes";
  if (!f.rtr && f.data.length !== f.dlc) return "data length " + f.data.length + " differs from DLC " + f.dlc;
  return null;
}

export function dataFrame(id: number, data: Uint8Array, extended?: boolean): CanFrame {
  return { id: id, extended: extended === true, rtr: false, dlc: data.length, data: data };
}

export function remoteFrame(id: number, dlc: number, extended?: boolean): CanFrame {
  return { id: id, extended: extended === true, rtr: true, dlc: dlc, data: new Uint8Array(0) };
}
