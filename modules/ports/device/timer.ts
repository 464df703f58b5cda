/**
 * Runs `fn` every `ms` milliseconds, re-armed BEFORE each run: a setTimeout chain, not
 * setInterval. When Espruino runs out of JsVars it interrupts the JavaScript running at
 * that moment, and an interval whose callback was interrupted is removed for good
 * ("Ctrl-C while processing interval - removing it", src/jsinteractive.c): seen on the
 * aggregator under a browser's load on the 3800-variable build, where it would stop the
 * billing and decision tick without a word. A timeout already re-armed survives that.
 */
export function repeatEvery(ms: number, fn: () => void): void {
  const run = function () {
    setTimeout(run, ms);
    fn();
  };
  setTimeout(run, ms);
}
