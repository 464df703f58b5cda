/**
 * A price file read in the browser: ENTSO-E A44 XML, CSV or JSON, parsed by the same
 * code the device used to run (modules/aggregator/priceImport.ts), then posted in its
 * compact JSON form, [{start, resolution, prices}], a few bytes per price: two days at
 * 15 minutes is about 1.5 KB where the XML was 20 KB.
 */
import { importPrices, ImportError } from "../aggregator/priceImport";
import type { PriceBlock } from "../aggregator/priceBook";
import type { TimeZone } from "../aggregator/localTime";

export interface Compact { start: string; resolution: string; prices: number[]; }

export function parsePriceFile(text: string, tz: TimeZone): { blocks: Compact[]; points: number; fromS: number; toS: number } | ImportError {
  const r = importPrices(text, tz);
  if (!Array.isArray(r)) return r;
  const blocks = r.map((b: PriceBlock) => ({
    start: new Date(b.startS * 1000).toISOString().slice(0, 16) + "Z",
    resolution: "PT" + b.stepS / 60 + "M",
    prices: Array.from(b.values, (v) => v / 100),
  }));
  return {
    blocks, points: r.reduce((a, b) => a + b.values.length, 0),
    fromS: Math.min(...r.map((b) => b.startS)), toS: Math.max(...r.map((b) => b.startS + b.stepS * b.values.length)),
  };
}
