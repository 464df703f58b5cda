/**
 * The aggregator's NOR history, in RAM only while it is used (issue 16): the driver, the
 * slots and the archives (spiNor.ts, norSlots.ts, dayArchive.ts, profileArchive.ts) are
 * functions with their helpers inside, built by `load()` for a task and let go after, so
 * the Aggregator holds only the small pair below (held for good they cost about 170
 * JsVars on 2v29; app/aggregator/README.md). The first profile get() of a JS task
 * builds the profile archive alone; it is kept for the rest of that task (a profile page calls
 * get() 96 x meters times) and dropped by `defer` (setTimeout 0 on the device), so
 * between tasks nothing of them stays. A put() or load() uses what is held, else builds
 * them for that one call and lets them go at once: the tick's writes and its day change,
 * where the 8-meter aggregator at 3 800 JsVars has no room to keep them (the branch
 * lazy16 measured that with the history as a Storage module: kept to the end of a tick
 * or of the boot, out of memory). `keep()` holds them for the task like a get() does: a
 * sum over days (ReadingsStore.hold) reads one day after another (a month's bill built
 * them once per day and meter otherwise). `drop()` lets them go before the task ends:
 * the boot's restore (Aggregator.restore) reads, then drops.
 * NorSlots keeps no state between calls (each find or write reads the slot's headers),
 * so rebuilding the archives loses nothing.
 *
 * When they cannot be built (`load` throws or gives nothing), the device keeps running:
 * a put counts a failed write (onFail: the Aggregator's saveFails), a get is NaN, a load
 * finds no day; one attempt per task.
 *
 * (The lazy16 branch kept this code as a Storage module "hist.nor" evaluated per task:
 * the same RAM, but a Storage file's header and wrapper the aggregator's full Storage
 * has no room for; here the code stays in .bootcde, in flash, and only its one factory
 * function is a resident function object.)
 */
import type { HistoryArchives, HistoryFactory } from "./historyOnNor";

/**
 * A HistoryFactory whose archives are built by `load()` (a factory, undefined when there
 * is none) on first use in a task and dropped when `defer`'s callback runs.
 */
export function lazyHistory(load: () => HistoryFactory | undefined, defer: (f: () => void) => void): HistoryFactory {
  return function (n, onFail) {
    let held: HistoryArchives | undefined;
    // which archive `held` is for this task (true: the days, false: the profile,
    // undefined: none): one kind at a time, built alone (GET /api/load sums days, then
    // reads the profile: holding both cost 269 JsVars on 2v29 at 12 000, measured at the console)
    let kind: boolean | undefined;
    function build(k: boolean): HistoryArchives | undefined {
      try {
        const f = load();
        return f ? f(n, onFail, k) : undefined;
      } catch (e) {
        return undefined;
      }
    }
    // for one call: what a read holds, else that archive built for this call only
    function once(k: boolean): HistoryArchives | undefined {
      return kind === k ? held : build(k);
    }
    // one attempt a task, even when it fails
    function arch(k: boolean): HistoryArchives | undefined {
      if (kind !== k) {
        // scheduled first: an out-of-memory while building must not leave `kind` set for good
        if (kind === undefined) defer(function () {
          held = undefined;
          kind = undefined;
        });
        held = undefined; // the other kind goes before this one is built
        kind = k;
        held = build(k);
      }
      return held;
    }
    return {
      profile: {
        put: function (slot, w) {
          const a = once(false);
          if (a) a.profile.put(slot, w);
          else onFail();
        },
        get: function (slot, m) {
          const a = arch(false);
          return a ? a.profile.get(slot, m) : NaN;
        },
      },
      day: {
        put: function (day, e, m) {
          const a = once(true);
          if (a) a.day.put(day, e, m);
          else onFail();
        },
        load: function (r, e, m) {
          const a = once(true);
          return a ? a.day.load(r, e, m) : -1;
        },
        keep: function () {
          arch(true);
        },
        // the next keep or get builds again (its own drop then scheduled too: the pending one is harmless)
        drop: function () {
          held = undefined;
          kind = undefined;
        },
      },
    };
  };
}
