/**
 * A garbage collection soon, not now (modules/http/server.ts ServerOptions.collect):
 * process.memory() collects first. At most one is pending. From a timer, not from the
 * http callback itself: see modules/ports/README.md "Collecting between requests".
 */
let gcDue = false;

export function collectSoon(): void {
  if (gcDue) return;
  gcDue = true;
  setTimeout(function () { gcDue = false; process.memory(); }, 0);
}
