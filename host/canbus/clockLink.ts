/**
 * Drives the bus's scheduler from a runtime clock (host/runtime/clock.ts): the bus
 * becomes one more timer source, so a VirtualClock advancing the meters' interpreters
 * also moves the frames between them, and a RealClock paces the bus in wall-clock
 * time (what the SLCAN endpoint needs, since real tools talk to it).
 */
import type { TimerClock, ClockSubscription, TimerSource } from "../runtime/clock.ts";
import type { Scheduler } from "./scheduler.ts";

export interface ClockLink {
  detach(): void;
}

/** Links `scheduler` to `clock`; the scheduler's microseconds are the clock's milliseconds x 1000 from now on. */
export function linkToClock(scheduler: Scheduler, clock: TimerClock): ClockLink {
  const offsetUs = scheduler.nowUs() - clock.nowMs() * 1000;
  const source: TimerSource = {
    nextDueMs: () => {
      const d = scheduler.nextDueUs();
      return d === undefined ? undefined : (d - offsetUs) / 1000;
    },
    runDue: () => {
      // A due time converted from microseconds to milliseconds and back can come out
      // a hair early in floating point ((1001 / 1000) * 1000 = 1000.9999999999999):
      // always reach the event that nextDueMs reported as due, or the clock would
      // see it due forever and spin.
      let t = clock.nowMs() * 1000 + offsetUs;
      const d = scheduler.nextDueUs();
      if (d !== undefined && d > t && (d - offsetUs) / 1000 <= clock.nowMs()) t = d;
      scheduler.advanceTo(Math.max(t, scheduler.nowUsRaw()));
    },
  };
  scheduler.externalNowUs = () => clock.nowMs() * 1000 + offsetUs;
  const sub: ClockSubscription = clock.subscribe(source);
  scheduler.onChange = () => sub.changed();
  return {
    detach: () => {
      sub.detach();
      scheduler.onChange = undefined;
      scheduler.externalNowUs = undefined;
    },
  };
}
