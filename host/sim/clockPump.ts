/**
 * The simulator's clock stands still unless pumped: an HTTP exchange with a simulated
 * aggregator pumps it 5 ms per turn of Node's loop until the exchange settles (the tests and
 * scripts that drive the web API of a SimNetwork run on the same virtual time).
 */
export function clockPump(clock: { advance(ms: number): void }): <T>(p: Promise<T>) => Promise<T> {
  return async <T>(p: Promise<T>): Promise<T> => {
    let done = false;
    p.then(() => { done = true; }, () => { done = true; });
    while (!done) { clock.advance(5); await new Promise((r) => setImmediate(r)); }
    return p;
  };
}
