// One `meternet analyze <cfg> --json` in this process (its output to stdout, which the
// bench discards), then one line on stderr: "BENCH {maxRssMB, seconds, windows}".
import { main } from "../../host/cli/analyze.ts";

const cfg = process.argv[2]!;
const t0 = process.hrtime.bigint();
let windows = 0;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((s: string | Uint8Array, ...rest: unknown[]) => {
  if (typeof s === "string") windows += (s.match(/"type":"window"/g) ?? []).length;
  return (write as (...a: unknown[]) => boolean)(s, ...rest);
}) as typeof process.stdout.write;
const code = await main([cfg, "--json"]);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
process.stderr.write(`BENCH ${JSON.stringify({ code, maxRssMB: +(process.resourceUsage().maxRSS / 1024).toFixed(1), seconds: +seconds.toFixed(2), windows })}\n`);
