/**
 * Unhandled promise rejections of a runtime's context. Espruino prints them as
 * "Uncaught Error: Unhandled promise rejection: Error: y" and goes on (measured);
 * Node would instead crash the whole host process. One process-wide listener
 * dispatches each rejection to the runtime whose realm made the promise; a rejection
 * from any other promise is rethrown, which keeps Node's default behaviour for them.
 * Limits: Node reports a rejection when the host event loop turns, so under a
 * virtual clock the message appears after advance() returns; and Espruino skips a
 * few cases reported here (a reject() in top-level code was not reported there).
 */
const handlers = new WeakMap<object, (reason: unknown) => void>();
let installed = false;

/** The process-wide listener (tests that run under node:test detach the runner's own). */
export function rejectionListener(reason: unknown, promise: Promise<unknown>): void {
  const h = owner(promise);
  if (!h) throw reason;
  h(reason);
}

function owner(promise: Promise<unknown>): ((reason: unknown) => void) | undefined {
  for (let p = Object.getPrototypeOf(promise); p; p = Object.getPrototypeOf(p)) {
    const h = handlers.get(p);
    if (h) return h;
  }
  return undefined;
}

/** Routes unhandled rejections of promises made from `promisePrototype`; returns an unregister function. */
export function routeRejections(promisePrototype: object, onUnhandled: (reason: unknown) => void): () => void {
  if (!installed) {
    installed = true;
    process.on("unhandledRejection", rejectionListener);
  }
  handlers.set(promisePrototype, onUnhandled);
  // after dispose, rejections of that context are dropped, not fatal to the host
  return () => handlers.set(promisePrototype, () => {});
}
