/**
 * Day-ahead price files as a user downloads them, for the browser and API tests: an
 * ENTSO-E A44 document at PT15M over whole local days of Europe/Brussels, one Period
 * per day (a DST day has 92 or 100 quarter hours), and a CSV with a bad row.
 */
import { dayStartS, parseDay } from "../../modules/aggregator/localTime.ts";

const BRUSSELS = { stdOffsetS: 3600, euDst: true };
const iso = (s: number) => new Date(s * 1000).toISOString().slice(0, 16) + "Z";

/** Price of quarter hour k of a day: a smooth daily shape, two decimals, EUR/MWh. */
export const quarterPrice = (k: number) => Math.round((80 + 40 * Math.sin(k / 15)) * 100) / 100;

/** An A44 document for `days` local days from `firstDay` (YYYY-MM-DD), 15-minute prices. */
export function entsoe15(firstDay: string, days: number): { xml: string; points: number[] } {
  const d0 = parseDay(firstDay);
  const periods: string[] = [];
  const points: number[] = [];
  for (let d = d0; d < d0 + days; d++) {
    const s = dayStartS(BRUSSELS, d), e = dayStartS(BRUSSELS, d + 1);
    const n = (e - s) / 900;
    points.push(n);
    const pts = Array.from({ length: n }, (_, k) => `        <Point><position>${k + 1}</position><price.amount>${quarterPrice(k).toFixed(2)}</price.amount></Point>`).join("\n");
    periods.push(`    <Period>\n      <timeInterval><start>${iso(s)}</start><end>${iso(e)}</end></timeInterval>\n      <resolution>PT15M</resolution>\n${pts}\n    </Period>`);
  }
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Publication_MarketDocument xmlns="urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3">
  <mRID>meternet-test</mRID>
  <revisionNumber>1</revisionNumber>
  <type>A44</type>
  <TimeSeries>
    <mRID>1</mRID>
    <businessType>A62</businessType>
    <currency_Unit.name>EUR</currency_Unit.name>
    <price_Measure_Unit.name>MWH</price_Measure_Unit.name>
    <curveType>A01</curveType>
${periods.join("\n")}
  </TimeSeries>
</Publication_MarketDocument>
`;
  return { xml, points };
}

/** A CSV whose third line has a price that is not a number. */
export const BAD_CSV = "start,price\n2026-10-25T00:00,10.5\n2026-10-25T01:00,zz\n";
