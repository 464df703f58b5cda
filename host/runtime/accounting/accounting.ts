/**
 * What an instrumented bundle (instrument.ts) talks to: the work counters `__mnC` and the
 * closure-scope registry `__mn`. Pass `accounting.runtimeOptions()` to an EspruinoRuntime:
 * its code is then instrumented as it runs, process.memory() prices closure scopes, and
 * `accounting.counters` counts the bundle's work.
 */
import { instrument } from "./instrument.ts";
import type { ScopeRecord } from "../memoryEstimate.ts";
import type { RuntimeOptions } from "../runtime.ts";

export interface WorkCounters {
  /** Tokens Espruino lexes: function bodies per call, loop test+update+body per iteration. */
  t: number;
  /** Function calls. */
  c: number;
}

export class Accounting {
  readonly counters: WorkCounters = { t: 0, c: 0 };
  private readonly scopes = new WeakMap<object, ScopeRecord>();
  private readonly cache = new Map<string, string>();
  /** Built-in classes the program has constructed (Espruino then keeps them in its root scope). */
  readonly builtinsUsed = new Set<string>();

  /** The functions instrumented code calls; each returns its first argument unchanged. */
  readonly mn = {
    use: (name: string): void => { this.builtinsUsed.add(name); },
    sc: (get: () => Record<string, unknown>, parent: ScopeRecord | null): ScopeRecord => ({ get, parent }),
    fn: <T>(f: T, s: ScopeRecord): T => {
      if (typeof f === "function" && s) this.scopes.set(f, s);
      return f;
    },
    obj: <T>(o: T, s: ScopeRecord): T => {
      if (o && s) {
        for (const k of Object.getOwnPropertyNames(o)) {
          const d = Object.getOwnPropertyDescriptor(o, k);
          if (!d) continue;
          for (const f of [d.value, d.get, d.set]) if (typeof f === "function" && !this.scopes.has(f)) this.scopes.set(f, s);
        }
      }
      return o;
    },
    cls: <T>(c: T, s: ScopeRecord): T => {
      if (typeof c === "function" && s) {
        this.scopes.set(c, s);
        this.mn.obj(c, s);
        this.mn.obj((c as unknown as { prototype: object }).prototype, s);
      }
      return c;
    },
  };

  scopeOf = (fn: unknown): ScopeRecord | undefined => (fn && typeof fn === "object") || typeof fn === "function" ? this.scopes.get(fn as object) : undefined;

  transform = (code: string): string => {
    let out = this.cache.get(code);
    if (out === undefined) {
      out = instrument(code);
      this.cache.set(code, out);
    }
    return out;
  };

  /** Options that make a runtime instrument its code and report to this object. */
  runtimeOptions(): Pick<RuntimeOptions, "transform" | "scopeOf" | "globals" | "builtinsUsed"> {
    return {
      transform: this.transform,
      scopeOf: this.scopeOf,
      builtinsUsed: this.builtinsUsed,
      globals: () => ({ __mn: this.mn, __mnC: this.counters }),
    };
  }

  /** Tokens and calls so far (copy). */
  snapshot(): WorkCounters {
    return { t: this.counters.t, c: this.counters.c };
  }
}
