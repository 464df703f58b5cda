/**
 * The aggregator's history on the SPI NOR (issue 16): the 24-hour profile (one record per
 * closed 15-minute interval, PROFILE_SLOTS kept) and the closed ledger days (LEDGER_DAYS
 * kept), each in its own NOR slots (modules/persist/norSlots.ts: a pair of 4 KB sectors
 * per slot, power-cut safe), instead of the 128 Storage files agg.p* / agg.d* that took
 * ~62 KB of the 48 KB internal Storage at 64 meters.
 *
 * Where (tools/firmware/flashMap.ts NOR_AREAS, which checks these numbers): from
 * NOR_HISTORY_BASE, the profile's 96 pairs (768 KB), then the days' 32 pairs (256 KB).
 * Sectors are not packed: 4 MB leave room, and one record per sector keeps a write to one
 * erase and a power cut to one slot.
 *
 * Wear (W25Q32JV: 100 000 erases per sector): a closed interval erases one sector of its
 * slot's pair, alternating, so each profile sector is erased once every 2 days (0.5 a day:
 * 547 years); a closed day erases one sector of its day slot every LEDGER_DAYS days,
 * rewrites for late intervals at most doubling it (0.03 a day).
 */
import { NorPort, NOR_SECTOR_BYTES } from "../ports/nor";
import { norSlots } from "../persist/norSlots";
import { DayArchive, ProfileStore, LEDGER_DAYS, PROFILE_SLOTS } from "./readingsStore";
import { norDayArchive } from "./dayArchive";
import { norProfileArchive } from "./profileArchive";

/** First byte of the history area: after the staged update (64 KB) and the web assets (128 KB). */
export const NOR_HISTORY_BASE = 0x30000;
export const NOR_PROFILE_BYTES = PROFILE_SLOTS * 2 * NOR_SECTOR_BYTES;
export const NOR_DAYS_BYTES = LEDGER_DAYS * 2 * NOR_SECTOR_BYTES;
/** Most meters a day record takes (24 B a meter in a sector less its 24-byte header); the ID plan has 64. */
export const NOR_HISTORY_MAX_METERS = 169;

export interface HistoryArchives { day: DayArchive; profile: ProfileStore }
/**
 * Builds the archives for `n` meters (the slots are made for n: norSlots throws beyond
 * NOR_HISTORY_MAX_METERS); onFail counts a failed write (the Aggregator's saveFails).
 * With `day` given, only the day archive (true) or only the profile (false) is built and
 * the other is left undefined: a caller that builds the history for one task
 * (lazyHistory.ts) then holds one kind at a time (a boolean, not a name: the aggregator's
 * Storage has no bytes to spare).
 */
export type HistoryFactory = (n: number, onFail: () => void, day?: boolean) => HistoryArchives;

export function norHistory(nor: NorPort, crc: (b: Uint8Array) => number): HistoryFactory {
  return function (n, onFail, day) {
    const h = {} as HistoryArchives;
    if (day !== true) h.profile = norProfileArchive(norSlots(nor, NOR_HISTORY_BASE, PROFILE_SLOTS, 2 * n, crc), n, onFail);
    if (day !== false) h.day = norDayArchive(norSlots(nor, NOR_HISTORY_BASE + NOR_PROFILE_BYTES, LEDGER_DAYS, 24 * n, crc), n, onFail);
    return h;
  };
}
