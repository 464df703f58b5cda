/**
 * meternet prices: a price (or renewable forecast) file into an aggregator.
 *
 *   meternet prices --url http://AGGREGATOR --token TOKEN [--forecast] [--utc-offset-h 1] [--no-dst] FILE
 *
 * The aggregator parses only the compact series ([{start, resolution, prices}],
 * modules/aggregator/priceCompact.ts): the raw formats' parser does not fit its Storage.
 * So this command parses the file here, with the same code the web app's Prices page runs
 * (ENTSO-E A44 XML, CSV or JSON: modules/web/priceFile.ts), says the first problem with its
 * line, and posts the compact series with the aggregator's API token (agg.json `apiToken`,
 * sent as a bearer token: no session, no CSRF). Local times in a CSV are read in the
 * site's zone: standard offset --utc-offset-h (default 1, CET) with EU summer time unless
 * --no-dst. Exit 0 when the aggregator took it, 1 when the file or the aggregator refused
 * it, 2 on a usage error.
 */
import { readFileSync } from "node:fs";
import { parsePriceFile } from "../../modules/web/priceFile.ts";

const USAGE = "usage: meternet prices --url http://AGGREGATOR --token TOKEN [--forecast] [--utc-offset-h H] [--no-dst] FILE";

export async function main(argv: string[]): Promise<number> {
  let url = "", token = "", file = "", forecast = false, offsetH = 1, dst = true;
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const value = (): string => {
      if (i + 1 >= argv.length) throw new Error(`${k} needs a value`);
      return argv[++i];
    };
    try {
      if (k === "--url") url = value().replace(/\/+$/, "");
      else if (k === "--token") token = value();
      else if (k === "--forecast") forecast = true;
      else if (k === "--utc-offset-h") offsetH = Number(value());
      else if (k === "--no-dst") dst = false;
      else if (!k.startsWith("--") && !file) file = k;
      else throw new Error(`unknown option '${k}'`);
    } catch (e) {
      console.error(`meternet prices: ${(e as Error).message}\n${USAGE}`);
      return 2;
    }
  }
  if (!url || !token || !file || !(Math.abs(offsetH) <= 14)) {
    console.error(`meternet prices: ${!url ? "--url" : !token ? "--token" : !file ? "FILE" : "--utc-offset-h (-14..14)"} is required\n${USAGE}`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    console.error(`meternet prices: cannot read ${file}: ${(e as Error).message}`);
    return 1;
  }
  const parsed = parsePriceFile(text, { stdOffsetS: Math.round(offsetH * 3600), euDst: dst });
  if (!("blocks" in parsed)) {
    console.error(`meternet prices: ${file} line ${parsed.line}: ${parsed.reason}`);
    return 1;
  }
  const route = url + (forecast ? "/api/forecast" : "/api/prices");
  let res: Response;
  try {
    res = await fetch(route, {
      method: "POST",
      headers: { authorization: "Bearer " + token, "content-type": "application/json" },
      body: JSON.stringify(parsed.blocks),
    });
  } catch (e) {
    console.error(`meternet prices: ${route}: ${(e as Error).message}`);
    return 1;
  }
  const answer = await res.text();
  const what = `${parsed.points} ${forecast ? "forecast" : "price"} points, ${new Date(parsed.fromS * 1000).toISOString().slice(0, 16)}Z .. ${new Date(parsed.toS * 1000).toISOString().slice(0, 16)}Z`;
  if (!res.ok) {
    console.error(`meternet prices: ${route} answered ${res.status}: ${answer} (${what} not taken)`);
    return 1;
  }
  console.log(`meternet prices: ${what} sent to ${route}: ${answer}`);
  return 0;
}
