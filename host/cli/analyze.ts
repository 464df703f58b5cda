/**
 * meternet analyze <record.cfg|.cff> [--v CHANNEL] [--i CHANNEL] [--nominal-v VOLTS] [--json]
 *                  [--front-end-hz HZ]
 * (issue 13: every window's flags, thdMaxOrder, the measuring range, a declared voltage
 * that cannot be fooled, dips containing interruptions, streaming; host/analyze/README.md)
 * Runs the meter's measurement chain (the C kernel, then the C metering chain) over a
 * COMTRADE record. Channels are named by id or by number; defaults: the first analog
 * channel in V (or kV) and the first in A (or kA); a record without a current channel
 * is analysed on its voltage alone (current-derived quantities null / "-"). Every rate
 * segment the kernel accepts is analysed as its own run (host/analyze/analyzeRecord.ts);
 * the summary's "segments" says what was examined. Exit codes: 0 ok, 2 bad input.
 * How samples become ADC codes: host/analyze/recordInput.ts.
 */
import { analyzeRecord, type AnalyzeOptions } from "../analyze/analyzeRecord.ts";
import { aggregateJson, aggregateRow, COLUMNS, eventJson, summaryJson, tableHead, tableTail, windowJson, windowRow } from "../analyze/format.ts";
import type { VoltageEvent } from "../../modules/metering/readings.ts";
import { progressReporter } from "../analyze/progress.ts";

const USAGE = `usage: meternet analyze <record.cfg|record.cff> [--v CHANNEL] [--i CHANNEL] [--nominal-v VOLTS] [--front-end-hz HZ] [--json]
  --v, --i        channel id or number (default: the first channel in volts that carries
                  voltage, rms >= 1 % of its .cfg full scale, else the first; the first
                  in amperes; no current channel: the voltage alone, current quantities
                  null). Units in any common spelling: V, kV, volt, В, кВ; A, kA, amp,
                  ampere, А, кА. A channel with no unit is taken when --v/--i names it.
  --nominal-v     declared voltage for dips, swells and interruptions. Default: the VT
                  rating in the .cfg, else a sliding reference (IEC 61000-4-30 5.4.4)
                  started from the record's first 3 steady windows; neither: no declared
                  voltage and no events (a note says why)
  Timestamp gaps (the .dat stamps jump: separate snapshots) split the record into runs;
  times follow the stamps there (host/analyze/recordInput.ts recordTimes).
  --front-end-hz  first-order anti-alias pole of the recording front end to undo in
                  harmonic groups (default none)
  --json          one JSON object per line (window, event, aggregate, summary; the
                  summary's "segments" lists each rate segment, examined or why not, and
                  the time after its last complete window that was not examined)
  Every window carries "flags" (clipped-v/-i, crossings-estimated, first-window,
  below-range-v/-i, no-fundamental-v/-i, ...; the table marks them and prints a legend)
  and "thdMaxOrder", the highest harmonic order its THD includes. The record is read
  as a stream (memory does not grow with its length); progress goes to stderr when it
  is a terminal and the run takes more than a second.`;

export async function main(argv: string[]): Promise<number> {
  const opts: AnalyzeOptions = {};
  let json = false;
  let path: string | undefined;
  const fail = (msg: string): number => {
    console.error(`meternet analyze: ${msg}\n${USAGE}`);
    return 2;
  };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    const value = (): string | undefined => argv[++k];
    if (a === "--json") json = true;
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      return 0;
    } else if (a === "--v" || a === "--i") {
      const v = value();
      if (v === undefined) return fail(`${a} needs a channel name or number`);
      if (a === "--v") opts.v = v;
      else opts.i = v;
    } else if (a === "--nominal-v" || a === "--front-end-hz") {
      const v = value();
      const x = Number(v);
      if (v === undefined || !Number.isFinite(x) || x <= 0) return fail(`${a} needs a positive number, got '${v ?? ""}'`);
      if (a === "--nominal-v") opts.nominalV = x;
      else opts.frontEndHz = x;
    } else if (a.startsWith("-")) return fail(`unknown option '${a}'`);
    else if (path === undefined) path = a;
    else return fail(`more than one record given ('${path}', '${a}')`);
  }
  if (path === undefined) return fail("no record given");
  let res;
  // Progress on stderr when it is a terminal and the run takes more than a second.
  const progress = progressReporter(process.stderr);
  opts.progress = progress.update;
  // Streamed: each line is written when its window (event, aggregate) is final; nothing
  // is kept but the table's events (its last section) and running counts. The notes,
  // which count over the whole record, come last (stderr for --json, after the rows in
  // the table).
  const out = (line: string): void => {
    progress.clear();
    process.stdout.write(line + "\n");
  };
  let hasCurrent = true, begun = false;
  const events: VoltageEvent[] = [];
  opts.sink = json
    ? { window: (w) => out(windowJson(w.r, w.flagged, hasCurrent, w.flags, w.thdMaxOrder)), event: (e) => out(eventJson(e)), aggregate: (a) => out(aggregateJson(a, hasCurrent, a.flags)), begin: (h) => { hasCurrent = h.hasCurrent; } }
    : {
        begin: (h) => {
          hasCurrent = h.hasCurrent;
          begun = true;
          for (const l of [...tableHead(h), "", COLUMNS]) out(l);
        },
        window: (w) => out(windowRow(hasCurrent, w)),
        event: (e) => events.push(e),
        aggregate: (a) => out(aggregateRow(hasCurrent, a)),
      };
  try {
    res = analyzeRecord(path, opts);
  } catch (e) {
    progress.end();
    console.error(`meternet analyze: ${(e as Error).message}`);
    return 2;
  }
  progress.end();
  if (json) {
    for (const n of res.notes) console.error(`note: ${n}`);
    console.error(res.declaredV === null ? `note: declared voltage none (${res.declaredFrom})` : `note: declared voltage ${res.declaredV} V (${res.declaredFrom})`);
    out(summaryJson(res));
  } else {
    // the head is written before the first window; a run that never got that far writes it now
    if (!begun) for (const l of [...tableHead(res), "", COLUMNS]) out(l);
    out("");
    for (const n of res.notes) out(`note     ${n}`);
    for (const l of tableTail(res.flagsUsed, res.anyFlagged, events, res.windowCount, res.eventCount)) out(l);
  }
  return 0;
}
