/**
 * bxCAN acceptance filtering (RM0008 24.7.4): 14 banks, each in mask or identifier-list
 * mode, each assigned to FIFO 0 or 1. With no active bank nothing is received, as on
 * the chip. When several banks match, bxCAN takes the highest-priority one: list mode
 * before mask mode, then the lower bank number (the 32-bit/16-bit scale rule is not
 * modelled: a standard-id list bank holds up to 4 ids as the 16-bit list scale does,
 * an extended one up to 2 as the 32-bit scale does).
 */
import { CAN_EXT_ID_MAX, CAN_STD_ID_MAX, type CanFrame } from "./frame";
import type { CanFilter } from "./controller";

export const FILTER_BANKS = 14;

function validId(id: unknown, extended: boolean): boolean {
  const max = extended ? CAN_EXT_ID_MAX : CAN_STD_ID_MAX;
  return typeof id === "number" && id >= 0 && id <= max && Math.floor(id) === id;
}

/** Returns null when the filter is valid, else why not. */
export function filterError(f: CanFilter): string | null {
  if (!f || (f.mode !== "mask" && f.mode !== "list")) return "filter mode must be 'mask' or 'list'";
  if (typeof f.extended !== "boolean") return "filter.extended must be a boolean";
  if (f.fifo !== 0 && f.fifo !== 1) return "filter.fifo must be 0 or 1";
  if (f.rtr !== undefined && typeof f.rtr !== "boolean") return "filter.rtr must be a boolean when given";
  if (f.mode === "mask") {
    if (!validId(f.id, f.extended)) return "mask filter id out of range";
    if (!validId(f.mask, f.extended)) return "mask filter mask out of range";
    return null;
  }
  const maxIds = f.extended ? 2 : 4;
  if (!Array.isArray(f.ids) || f.ids.length < 1 || f.ids.length > maxIds) return "list filter needs 1.." + maxIds + " ids";
  for (const id of f.ids) if (!validId(id, f.extended)) return "list filter id " + id + " out of range";
  return null;
}

export function filterMatches(f: CanFilter, frame: CanFrame): boolean {
  if (f.extended !== frame.extended) return false;
  if (f.rtr !== undefined && f.rtr !== frame.rtr) return false;
  if (f.mode === "mask") {
    const m = f.mask as number;
    return ((frame.id & m) >>> 0) === (((f.id as number) & m) >>> 0);
  }
  return (f.ids as number[]).indexOf(frame.id) >= 0;
}

export class FilterBanks {
  private readonly banks: (CanFilter | null)[] = [];

  constructor(count?: number) {
    const n = count !== undefined ? count : FILTER_BANKS;
    for (let i = 0; i < n; i++) this.banks.push(null);
  }

  /** Returns the bank number, or null when every bank is in use. Throws nothing: validate first. */
  add(f: CanFilter): number | null {
    for (let i = 0; i < this.banks.length; i++) {
      if (this.banks[i] === null) {
        this.banks[i] = { mode: f.mode, extended: f.extended, id: f.id, mask: f.mask, ids: f.ids ? f.ids.slice() : undefined, rtr: f.rtr, fifo: f.fifo };
        return i;
      }
    }
    return null;
  }

  remove(bank: number): void {
    if (bank >= 0 && bank < this.banks.length) this.banks[bank] = null;
  }

  clear(): void {
    for (let i = 0; i < this.banks.length; i++) this.banks[i] = null;
  }

  /** The FIFO the frame goes to, or -1 when no bank accepts it. */
  route(frame: CanFrame): number {
    let best = -1;
    let bestList = false;
    for (let i = 0; i < this.banks.length; i++) {
      const f = this.banks[i];
      if (!f || !filterMatches(f, frame)) continue;
      const isList = f.mode === "list";
      if (best < 0 || (isList && !bestList)) {
        best = i;
        bestList = isList;
        if (isList) break;
      }
    }
    return best < 0 ? -1 : (this.banks[best] as CanFilter).fifo;
  }
}
