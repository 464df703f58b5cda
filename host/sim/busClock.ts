/**
 * Drives the bus's scheduler from the simulation's VirtualClock, as
 * host/canbus/clockLink.ts linkToClock does, with one fix: a due time converted from
 * microseconds to milliseconds and back can come out a hair early in floating point
 * ((1001 / 1000) * 1000 = 1000.9999999999999), so runDue would run nothing while
 * nextDueMs keeps reporting the event as due, and VirtualClock.advanceTo spins
 * forever. Here runDue always reaches the event it reported as due.
 * (Reported to host/canbus; once clockLink.ts has the same fix, use it instead.)
 */
import type { Clock } from "../runtime/clock.ts";
import type { Scheduler } from "../canbus/scheduler.ts";

export function linkBusToClock(scheduler: Scheduler, clock: Clock): { detach(): void } {
  const offsetUs = scheduler.nowUs() - clock.nowMs() * 1000;
  const sub = clock.subscribe({
    nextDueMs: () => {
      const d = scheduler.nextDueUs();
      return d === undefined ? undefined : (d - offsetUs) / 1000;
    },
    runDue: () => {
      let t = clock.nowMs() * 1000 + offsetUs;
      const d = scheduler.nextDueUs();
      if (d !== undefined && d > t && (d - offsetUs) / 1000 <= clock.nowMs()) t = d;
      scheduler.advanceTo(Math.max(t, scheduler.nowUsRaw()));
    },
  });
  scheduler.externalNowUs = () => clock.nowMs() * 1000 + offsetUs;
  scheduler.onChange = () => sub.changed();
  return {
    detach: () => {
      sub.detach();
      scheduler.onChange = undefined;
      scheduler.externalNowUs = undefined;
    },
  };
}
