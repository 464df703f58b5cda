/**
 * The aggregator's saved state on its I2C FRAM (issue 16), instead of Storage files
 * rewritten every save interval: agg.now (latest values, open interval, today's ledger
 * rows), agg.rs (register offsets and resets), agg.pr (day-ahead prices), agg.st
 * (deferrable runs and overrides), each a record pair (modules/persist/framRecords.ts:
 * a power cut leaves the old or the new record). The Aggregator writes them through
 * its KvStore as before (aggregator.ts save/restore); this module says where.
 *
 * Part: Fujitsu MB85RS256B, 32 KB SPI FRAM (boards/STM32F107/README.md "External memory":
 * the 8 KB MB85RC64TA cannot hold two copies of 7.2 KB at 64 meters, and the aggregator
 * image has no I2C: SPI1 is there for the NOR and the W5500), chip select AGG_FRAM_CS. Map: 0..1023 the
 * flash map's "data" slot (freshness epochs, package.json meternet.budgets.storage.
 * aggregator.data), the records from FRAM_STATE_BASE; at 64 meters they take
 * 2 x (5 651 + 1 155 + 4 096 + 1 536) + 8 x 12 = 24 972 B of the 31 744 after it.
 * Sizes (bytes, n = cfg.maxMeters; stateOnFram.test.ts checks them against what save()
 * writes): agg.now "MN1" + latest 48 n + open 16 n + 2 Float64 + the ledger row 24 n;
 * agg.rs "MN1" + offsets 16 n + resets 2 n; agg.pr the PriceBook's text (6 blocks of up to
 * 100 values: 4 KB bounds two days at 15 minutes with room); agg.st the decisions' JSON
 * (4 runs, an override and its end per meter). A value over its slot is a failed write,
 * counted in saveFails as a full Storage was.
 */
import { FramPort } from "../ports/fram";
import { FramRecords, FramRecordSlot, FramRecordsIo, framRecords, framRecordsBytes } from "../persist/framRecords";

export const AGG_FRAM_BYTES = 32768;
/** Chip select on SPI1: PB6, the pin the meter board gives its I2C FRAM's SCL (the aggregator has no I2C). */
export const AGG_FRAM_CS = "B6";
/** First byte of the records: after the 1 KB data slot. */
export const FRAM_STATE_BASE = 1024;

export function aggStateSlots(n: number): FramRecordSlot[] {
  return [
    ["agg.now", 19 + 88 * n],
    ["agg.rs", 3 + 18 * n],
    ["agg.pr", 4096],
    ["agg.st", 512 + 16 * n],
  ];
}

/** Bytes the state takes on the FRAM for n meters, from FRAM_STATE_BASE. */
export function aggStateBytes(n: number): number {
  return framRecordsBytes(aggStateSlots(n));
}

/**
 * The state's KvStore on the FRAM for n meters (throws when it does not fit the part):
 * these four keys only, so the Aggregator is given its history apart (the NOR, or
 * Storage files without one: app/aggregator/main.ts).
 */
export function aggStateOnFram(fram: FramPort, n: number, io: FramRecordsIo): FramRecords {
  return framRecords(fram, FRAM_STATE_BASE, aggStateSlots(n), io);
}
