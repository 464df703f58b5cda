// Resolves event specs into exact start/end instants and the voltage/current envelope they imply.
import type { ConditionSpec, EventKind } from "./condition.ts";
import type { PhaseTrack } from "./phase.ts";

export interface ResolvedEvent {
  kind: EventKind;
  /** Exact start and end (s); the envelope switches at these instants. */
  startS: number;
  endS: number;
  durationS: number;
  /** Envelope factor during the event, in percent of the pre-event value. */
  residualPct: number;
  currentFollows: boolean;
}

export function resolveEvents(spec: ConditionSpec, track: PhaseTrack): ResolvedEvent[] {
  const alpha = spec.vPhaseRad ?? 0;
  return (spec.events ?? []).map((e) => {
    let startS = e.startS;
    if (e.pointOnWaveDeg !== undefined) {
      // Voltage fundamental phase = 2*pi*cycles(t) + alpha; find the first t >= startS where it
      // equals the requested angle modulo 360°.
      const target = e.pointOnWaveDeg / 360 - alpha / (2 * Math.PI);
      const c = track.cyclesAt(e.startS);
      let k = Math.ceil(c - target - 1e-12);
      let t = track.timeAtCycles(k + target);
      if (t < e.startS - 1e-12) t = track.timeAtCycles(++k + target);
      startS = t;
    }
    return {
      kind: e.kind,
      startS,
      endS: startS + e.durationS,
      durationS: e.durationS,
      residualPct: e.residualPct ?? 0,
      currentFollows: e.currentFollows ?? false,
    };
  });
}

/** Envelope factors (1 outside events) at time t; events are expected not to overlap, and if
 *  they do their factors multiply. Intervals are half-open [start, end). */
export function envelopeAt(events: ResolvedEvent[], tS: number): { v: number; i: number } {
  let v = 1, i = 1;
  for (const e of events) {
    if (tS >= e.startS && tS < e.endS) {
      v *= e.residualPct / 100;
      if (e.currentFollows) i *= e.residualPct / 100;
    }
  }
  return { v, i };
}
