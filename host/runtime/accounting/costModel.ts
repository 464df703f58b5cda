/**
 * The CI guard's cost model: the meter bundle's JavaScript work per window, counted by the
 * host runtime (costHarness.ts), priced in Cortex-M3 instructions of the real interpreter
 * (the rig of bench/device, part (b)):
 *   instructions = perToken x tokens + perCall x calls + perNativeCall x nativeCalls + perEvent x events
 *                + perBuiltin x builtinCalls
 * Tokens price what Espruino lexes and runs; calls the scope each call builds; native calls
 * (into CAN1, I2C1, MeterADC) the crossing into a hook, events the objects a hook delivers to
 * a listener: what a bundle whose maths is in C mostly does (before issue 17 part 5 the
 * model had tokens alone, and post-C bundles read -47 %). Fitted by rigCost.ts on rig
 * points of the current bundle and older ones (test/realInterpreter/measuredCost.json),
 * where the hooks are the prelude's JavaScript stand-ins: the fit counts their tokens and
 * calls too (`tokensPerWindow`), as the rig runs them. The chip's estimate (the budget's)
 * counts the bundle's own tokens and calls (`bundleTokensPerWindow`) plus the crossings.
 */
export interface CostPoint {
  label: string;
  canLink: boolean;
  bundleBytes: number;
  /** Rig instructions per window, the baseline (prelude driving an empty listener) subtracted. */
  instructionsPerWindow: number;
  baselinePerWindow: number;
  /** Host counts as the rig runs it: bundle, prelude stand-ins and driver, baseline subtracted. */
  tokensPerWindow: number;
  callsPerWindow: number;
  nativeCallsPerWindow: number;
  eventsPerWindow: number;
  builtinCallsPerWindow: number;
  /** Host counts of the bundle alone: the JavaScript the chip runs (its hooks are C there). */
  bundleTokensPerWindow: number;
  bundleCallsPerWindow: number;
  bundleBuiltinCallsPerWindow: number;
}

export interface CostFit {
  perToken: number;
  perCall: number;
  perNativeCall: number;
  perEvent: number;
  perBuiltin: number;
  errorsPct: number[];
  maxErrorPct: number;
}

export interface Work { t: number; c: number; n: number; e: number; b: number }

export const TERMS = ["perToken", "perCall", "perNativeCall", "perEvent", "perBuiltin"] as const;

/**
 * The terms the guard uses: tokens, native calls, events. On the six rig points of three
 * bundles it bounds every error by 8.3 %; adding calls and built-in calls gets 6.3 % with five
 * coefficients on six points, and predicts bundles left out of the fit worse (rigCost.ts
 * prints both), so they are counted and stored but not priced.
 */
export const MODEL_TERMS: readonly (typeof TERMS)[number][] = ["perToken", "perNativeCall", "perEvent"];

/** The rig's figure (hooks as the prelude's JavaScript stand-ins). */
export function rigWork(p: CostPoint): Work {
  return { t: p.tokensPerWindow, c: p.callsPerWindow, n: p.nativeCallsPerWindow, e: p.eventsPerWindow, b: p.builtinCallsPerWindow };
}

/** The chip's figure: the bundle's own JavaScript, the hooks' crossings and events (their work is C there). */
export function chipWork(p: CostPoint): Work {
  return { t: p.bundleTokensPerWindow, c: p.bundleCallsPerWindow, n: p.nativeCallsPerWindow, e: p.eventsPerWindow, b: p.bundleBuiltinCallsPerWindow };
}

export function estimateInstructions(f: Pick<CostFit, (typeof TERMS)[number]>, w: Work): number {
  return f.perToken * w.t + f.perCall * w.c + f.perNativeCall * w.n + f.perEvent * w.e + f.perBuiltin * w.b;
}

const features = (p: CostPoint): number[] => { const w = rigWork(p); return [w.t, w.c, w.n, w.e, w.b]; };

/** Solves the square system m x = v (Gaussian elimination with pivoting); null when singular. */
function solveSquare(m: number[][], v: number[]): number[] | null {
  const n = v.length;
  const a = m.map((row, i) => [...row, v[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    if (Math.abs(a[piv][c]) < 1e-14) return null;
    [a[c], a[piv]] = [a[piv], a[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let j = c; j <= n; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row, i) => row[n] / a[i][i]);
}

function* combinations(n: number, k: number, start = 0, acc: number[] = []): Generator<number[]> {
  if (acc.length === k) { yield acc; return; }
  for (let i = start; i < n; i++) yield* combinations(n, k, i + 1, [...acc, i]);
}

/**
 * The coefficients that minimise the LARGEST relative error over the points (the guard
 * promises a bound, every point within 10 %), all >= 0. Exact: a linear programme
 * (minimise z with -z <= row.x - 1 <= z, rows divided by the measured instructions, so a
 * 0.5 M point counts as much as a 30 M one), solved by trying every vertex: for each subset of
 * the terms in `use` (a term left out is a coefficient at its bound 0), every choice of
 * k + 1 active constraints. Ties go to fewer terms.
 */
export function fitCost(points: CostPoint[], use: readonly (typeof TERMS)[number][] = MODEL_TERMS): CostFit {
  const rows = points.map((p) => features(p).map((x) => x / p.instructionsPerWindow));
  const allowed = TERMS.map((t, i) => (use.includes(t) ? i : -1)).filter((i) => i >= 0);
  let best: { x: number[]; z: number } | undefined;
  for (let mask = 1; mask < 1 << TERMS.length; mask++) {
    const cols = TERMS.map((_, i) => i).filter((i) => mask & (1 << i));
    if (cols.some((c) => !allowed.includes(c)) || cols.length + 1 > 2 * points.length) continue;
    // constraint j: sign * (row_i . x) - z = sign, sign = +1 (upper) or -1 (lower), i = j >> 1
    for (const active of combinations(2 * points.length, cols.length + 1)) {
      const m = active.map((j) => { const sg = j & 1 ? -1 : 1; return [...cols.map((c) => sg * rows[j >> 1][c]), -1]; });
      const v = active.map((j) => (j & 1 ? -1 : 1));
      const sol = solveSquare(m, v);
      if (!sol) continue;
      const z = sol[cols.length];
      if (z < 0 || sol.slice(0, cols.length).some((c) => c < 0)) continue;
      const x = TERMS.map(() => 0);
      cols.forEach((c, i) => { x[c] = sol[i]; });
      const worst = Math.max(...rows.map((r) => Math.abs(r.reduce((s, val, k) => s + val * x[k], 0) - 1)));
      if (worst > z + 1e-9) continue; // not feasible
      if (!best || z < best.z - 1e-9) best = { x, z };
    }
  }
  if (!best) throw new Error("no non-negative fit");
  const round = (v: number) => Math.round(v * 10) / 10;
  const f = { perToken: round(best.x[0]), perCall: round(best.x[1]), perNativeCall: round(best.x[2]), perEvent: round(best.x[3]), perBuiltin: round(best.x[4]) };
  const errs = points.map((p) => estimateInstructions(f, rigWork(p)) / p.instructionsPerWindow - 1);
  return { ...f, errorsPct: errs.map((e) => Math.round(e * 1000) / 10), maxErrorPct: Math.round(Math.max(...errs.map(Math.abs)) * 1000) / 10 };
}

/** Leave one bundle out: each bundle's errors (%) under the fit of the other bundles' points. */
export function leaveOneOut(points: CostPoint[], use: readonly (typeof TERMS)[number][] = MODEL_TERMS): { label: string; errorsPct: number[] }[] {
  const labels = [...new Set(points.map((p) => p.label))];
  return labels.map((label) => {
    const f = fitCost(points.filter((p) => p.label !== label), use);
    return { label, errorsPct: points.filter((p) => p.label === label).map((p) => Math.round((estimateInstructions(f, rigWork(p)) / p.instructionsPerWindow - 1) * 1000) / 10) };
  });
}
