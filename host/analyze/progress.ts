// Progress of a long `meternet analyze` run on stderr: shown only when stderr is a
// terminal (a pipe or a file gets nothing) and only once the run has taken more than a
// second (short records print nothing), at most four times a second, on one line that
// is cleared at the end.
export interface ProgressStream {
  isTTY?: boolean;
  write(s: string): unknown;
}

// Without --nominal-v or a VT rating, a pass between the two finds the sliding reference.
const PHASES: Record<string, string> = { scan: "reading the record (pass 1 of 2)", reference: "finding the reference voltage (extra pass)", kernel: "measuring (pass 2 of 2)" };

export function progressReporter(stream: ProgressStream, now: () => number = Date.now, afterMs = 1000, everyMs = 250): { update(phase: string, done: number, total: number): void; end(): void; clear(): void } {
  const start = now();
  let last = -Infinity;
  let shown = false;
  return {
    update(phase, done, total) {
      if (!stream.isTTY) return;
      const t = now();
      if (t - start < afterMs || t - last < everyMs) return;
      last = t;
      shown = true;
      const pct = total > 0 ? Math.min(100, Math.floor((100 * done) / total)) : 0;
      stream.write(`\r\x1b[Kmeternet analyze: ${PHASES[phase] ?? phase} ${pct} %, ${((t - start) / 1000).toFixed(0)} s`);
    },
    end() {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
    },
    /** Clears the line before other output to the same terminal (the next update redraws it). */
    clear() {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
    },
  };
}
