/**
 * The on/emit/removeListener/removeAllListeners methods Espruino gives its objects
 * (E, process, http requests...): listeners run in the order they were added.
 * As on Espruino, obj.emit() called by the program only QUEUES the listeners (they
 * run once the current code has finished: measured, `E.emit('x'); print("after")`
 * prints "after" first); events raised by the host (init, kill, http data) run
 * the listeners at once through `invoke`.
 */
export type Listener = (...args: unknown[]) => unknown;

export interface Emitter {
  on(event: string, listener: Listener): void;
  addListener(event: string, listener: Listener): void;
  removeListener(event: string, listener: Listener): void;
  removeAllListeners(event?: string): void;
  emit(event: string, ...args: unknown[]): void;
}

export class ListenerTable {
  private readonly byEvent = new Map<string, Listener[]>();

  constructor(
    private readonly invoke: (fn: Listener, args: unknown[], thisArg: unknown) => void,
    private readonly queue: (fn: Listener, args: unknown[], thisArg: unknown) => void = invoke,
  ) {}

  /** Adds the Espruino emitter methods to `target`. */
  attachTo<T extends object>(target: T): T & Emitter {
    const self = this;
    const methods: Emitter = {
      on(event, listener) { self.add(event, listener); },
      addListener(event, listener) { self.add(event, listener); },
      removeListener(event, listener) {
        const l = self.byEvent.get(String(event));
        if (!l) return;
        const i = l.indexOf(listener);
        if (i >= 0) l.splice(i, 1);
      },
      removeAllListeners(event) {
        if (event === undefined) self.byEvent.clear();
        else self.byEvent.delete(String(event));
      },
      emit(event, ...args) {
        for (const fn of (self.byEvent.get(String(event)) || []).slice()) self.queue(fn, args, target);
      },
    };
    return Object.assign(target, methods);
  }

  count(event: string): number {
    return (this.byEvent.get(event) || []).length;
  }

  /** Host side: runs each listener of `event` now, in order; returns how many ran. */
  emit(thisArg: unknown, event: string, args: unknown[]): number {
    const l = (this.byEvent.get(event) || []).slice();
    for (const fn of l) this.invoke(fn, args, thisArg);
    return l.length;
  }

  /** Calls each listener directly; an exception propagates to the caller. */
  callDirect(thisArg: unknown, event: string, args: unknown[]): void {
    for (const fn of (this.byEvent.get(event) || []).slice()) fn.apply(thisArg, args);
  }

  private add(event: string, listener: unknown): void {
    if (typeof listener !== "function") return;
    const key = String(event);
    const l = this.byEvent.get(key) || [];
    l.push(listener as Listener);
    this.byEvent.set(key, l);
  }
}
