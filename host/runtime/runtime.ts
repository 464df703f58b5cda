/**
 * EspruinoRuntime: runs Espruino bundles unmodified in a Node vm context that
 * provides the Espruino API subset our bundles use (see README.md for the list and
 * what each follows).
 *
 * Execution model, as Espruino's main loop (src/jsinteractive.c jsiIdle): top-level
 * code runs to completion; then each pass runs every due timer in order, and only
 * then the queued events (obj.emit() calls) and promise jobs; host events (http,
 * native hooks) come in through invoke(). An uncaught exception is printed
 * "Uncaught Error: ..." (or given to process.on('uncaughtException')) and execution
 * goes on. A reset()/load() the program asked for happens once the interpreter is
 * idle again, as on Espruino.
 * Known difference: after top-level code (and string callbacks) V8 runs promise jobs
 * before queued emits; Espruino runs both in the order they were queued.
 */
import { untokenise } from "../../tools/build/pretokenise.js";
import vm from "node:vm";
import { TimerClock, VirtualClock } from "./clock.ts";
import { TimerTable, TimerCallback } from "./timers.ts";
import { FlashArea } from "./flashArea.ts";
import { createStorage } from "./storage.ts";
import { createCrypto } from "./crypto.ts";
import { createHttp, HttpHost } from "./http.ts";
import { createE, ErrorFlag, ErrorFlags } from "./espruinoE.ts";
import { ListenerTable, Listener } from "./events.ts";
import { Realm, realmOf, toRealmData, bytesToString } from "./realm.ts";
import { formatUncaught, formatValue } from "./printer.ts";
import { installEspruinoGlobals } from "./globals.ts";
import { routeRejections } from "./rejections.ts";
import { removeMissingBuiltins } from "./builtins.ts";
import { estimateJsVars, topLevelNames, type ScopeOf } from "./memoryEstimate.ts";
import { DEFAULT_TOTAL_JSVARS, ESPRUINO_VERSION, savedCodeBytes } from "./settings.ts";

type Factory<T> = T | ((rt: EspruinoRuntime) => T);

export interface RuntimeOptions {
  /** Default: a new VirtualClock (time moves only through advance()). */
  clock?: TimerClock;
  /** An existing flash area (shared with the host); else one is made from the next two. */
  flash?: FlashArea;
  /** Flash area size; default the meter chip's Storage (tools/firmware/flashMap.ts). */
  flashBytes?: number;
  /** File the flash image is loaded from and saved to after each change. */
  storagePath?: string;
  /** Receives everything the program prints (with newlines). Default: stdout. */
  output?: (text: string) => void;
  /** Extra globals (native hooks), installed after the standard ones at every (re)start. */
  globals?: Factory<Record<string, unknown>>;
  /** Extra require() modules by name; a function value is called once per (re)start. */
  modules?: Record<string, Factory<unknown>>;
  /** Merged into process.env. */
  env?: Record<string, unknown>;
  /** Remove what Espruino lacks (Map, Set, Array.from...). Default true. */
  strictBuiltins?: boolean;
  /** JsVars process.memory() reports as total. Default 3600. */
  totalJsVars?: number;
  /** Device port → host port for http servers (0 = any free port). */
  mapHttpPort?: (port: number) => number;
  /** Rewrites code before it runs (accounting/instrument.ts: work counters, closure scopes); must not change behaviour. */
  transform?: (code: string, filename: string) => string;
  /** The Espruino scope a closure keeps (accounting/accounting.ts), for the JsVar estimate. */
  scopeOf?: ScopeOf;
  /** Built-in classes the program has constructed (accounting/accounting.ts), for the JsVar estimate. */
  builtinsUsed?: Set<string>;
  /** Host address http servers bind to; default: every interface. */
  httpHost?: string;
}

type Pending = { kind: "reset"; clearFlash: boolean } | { kind: "load"; file: string | undefined };

export class EspruinoRuntime {
  readonly clock: TimerClock;
  readonly flash: FlashArea;
  context!: vm.Context;
  realm!: Realm;
  /** The program's global object (Espruino's `global`). */
  global!: Record<string, unknown>;
  http!: HttpHost;
  private readonly timers: TimerTable;
  private readonly errorFlags = new ErrorFlags();
  private eListeners!: ListenerTable;
  private processListeners!: ListenerTable;
  private pending: Pending | undefined;
  private depth = 0;
  private readonly eventQueue: Array<{ fn: Listener; args: unknown[]; thisArg: unknown }> = [];
  private disposed = false;
  private nativeKills: (() => void)[] = [];
  private readonly drainScript = new vm.Script("");
  private unrouteRejections: (() => void) | undefined;
  private readonly standardGlobals = new Set<string>();
  private readonly declaredNames = new Set<string>();
  /** Reads the scripts' top-level let/const/class values (not global properties). */
  private rootsGetter: (() => Record<string, unknown>) | undefined;

  constructor(private readonly opts: RuntimeOptions = {}) {
    this.clock = opts.clock || new VirtualClock();
    this.flash = opts.flash || new FlashArea(opts.flashBytes || savedCodeBytes(), opts.storagePath);
    this.timers = new TimerTable({
      clock: this.clock,
      invoke: (cb, args) => this.invokeTimer(cb, args),
      makeError: (m) => new this.realm.Error(m),
      afterPass: () => this.idle(),
    });
    this.createContext();
  }

  /** Writes text to the program's console (what print() does). */
  print(text: string): void {
    if (this.opts.output) this.opts.output(text);
    else process.stdout.write(text);
  }

  /**
   * Runs top-level code as an upload does; an exception is reported as Espruino does
   * ("Uncaught ...") and not thrown. Returns false when it was uncaught.
   */
  execute(stored: string, filename = "code"): boolean {
    // stored (pretokenised) code runs as the device lexes it: tools/build/pretokenise.js
    let code: string;
    try {
      code = untokenise(stored);
    } catch (e) {
      // a byte that is no token: the device's parser rejects it, reported as uncaught
      return this.guard(() => { throw new this.realm.SyntaxError((e as Error).message); });
    }
    for (const n of topLevelNames(code)) this.declaredNames.add(n);
    return this.guard(() => {
      try {
        const run = this.opts.transform ? this.opts.transform(code, filename) : code;
        new vm.Script(run, { filename }).runInContext(this.context);
      } finally {
        this.buildRootsGetter();
      }
    });
  }

  /** REPL evaluation in the same global scope: returns the value, throws the exception. */
  eval(stored: string, filename = "repl"): unknown {
    const code = untokenise(stored);
    for (const n of topLevelNames(code)) this.declaredNames.add(n);
    this.depth++;
    try {
      return new vm.Script(code, { filename }).runInContext(this.context);
    } finally {
      this.buildRootsGetter();
      this.afterCallback();
    }
  }

  /**
   * Runs a host-originated callback (native hook event, network message) the way
   * Espruino runs an event: errors reported, promise jobs drained, reset/load done.
   */
  invoke(fn: (...args: unknown[]) => unknown, args: unknown[] = [], thisArg?: unknown): boolean {
    return this.guard(() => { fn.apply(thisArg, args); });
  }

  /** Advances the virtual clock (fires due timers); throws on a real-time clock. */
  advance(ms: number): void {
    if (!(this.clock instanceof VirtualClock)) throw new Error("advance() needs a VirtualClock");
    this.clock.advance(ms);
  }

  /** Seconds, as the program's getTime() sees them. */
  getTime(): number {
    return this.clock.nowMs() / 1000;
  }

  /** Pending timers (setTimeout/setInterval). */
  timerCount(): number {
    return this.timers.count();
  }

  /** Raises an Espruino error flag (e.g. "FIFO_FULL" from a native hook); emits E 'errorFlag'. */
  raiseErrorFlag(flag: ErrorFlag): void {
    if (this.errorFlags.raise(flag)) {
      this.guard(() => { this.eListeners.emit(this.global.E, "errorFlag", [toRealmData(this.realm, [flag])]); });
    }
  }

  /** Power-on boot: .boot0-3, then .bootcde (or .bootrst), E 'init', onInit(). */
  powerOn(): void {
    this.boot(false, undefined);
  }

  /** reset(clearFlash) from the host: now when idle, else once the running callback returns. */
  reset(clearFlash = false): void {
    this.restartWhenIdle({ kind: "reset", clearFlash });
  }

  /** load(file) from the host: restart and run .bootcde (or `file`), as reset() is timed. */
  load(file?: string): void {
    this.restartWhenIdle({ kind: "load", file });
  }

  /** The JsVar usage estimate process.memory() reports. */
  memory(): { free: number; usage: number; total: number; history: number; gc: number; gctime: number; blocksize: number } {
    const total = this.opts.totalJsVars || DEFAULT_TOTAL_JSVARS;
    const usage = Math.min(total, this.estimateUsage());
    return { free: total - usage, usage, total, history: 0, gc: 0, gctime: 0, blocksize: 13 };
  }

  /** The JsVar estimate charged to each global (and to timers, and the interpreter's own), largest first. */
  memoryBreakdown(): [string, number][] {
    const b = new Map<string, number>();
    this.estimateUsage(b);
    return [...b.entries()].sort((x, y) => y[1] - x[1]);
  }

  /** The JsVar estimate by kind of value (functions, closure scopes, objects, arrays, typed arrays...), largest first. */
  memoryCategories(): [string, number][] {
    const c = new Map<string, number>();
    const total = this.estimateUsage(undefined, c);
    let listed = 0;
    for (const v of c.values()) listed += v;
    c.set("interpreter, built-in classes, global names and their plain values, timers", total - listed);
    return [...c.entries()].filter((e) => e[1] > 0).sort((x, y) => y[1] - x[1]);
  }

  private estimateUsage(breakdown?: Map<string, number>, categories?: Map<string, number>): number {
    const roots: Record<string, unknown> = this.rootsGetter ? this.rootsGetter() : {};
    for (const k of Object.keys(this.global)) roots[k] = this.global[k];
    return estimateJsVars(roots, this.standardGlobals, { timers: this.timers.roots(), scopeOf: this.opts.scopeOf, realm: this.realm, builtinsUsed: this.opts.builtinsUsed }, breakdown, categories);
  }

  /**
   * Registers the teardown of a native hook instance (an ADC that feeds the clock, a
   * CAN controller): it runs once, at the next reset()/load() after E 'kill' (as the
   * "kill" hook of an Espruino native library) or at dispose().
   */
  onNativeKill(teardown: () => void): void {
    this.nativeKills.push(teardown);
  }

  private runNativeKills(): void {
    const kills = this.nativeKills;
    this.nativeKills = [];
    for (const k of kills) this.guard(k);
  }

  /** Stops timers and servers; the runtime is unusable afterwards. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.runNativeKills();
    this.timers.dispose();
    if (this.unrouteRejections) this.unrouteRejections();
    await this.http.closeAll();
  }

  // --- internals -------------------------------------------------------------

  private guard(body: () => void): boolean {
    let ok = true;
    this.depth++;
    try {
      body();
    } catch (e) {
      ok = false;
      this.reportUncaught(e);
    } finally {
      this.afterCallback();
    }
    return ok;
  }

  private afterCallback(): void {
    this.depth--;
    if (this.depth === 0 && !this.timers.inPass()) this.idle();
  }

  /** End of a main-loop pass: queued events and promise jobs, then a deferred reset/load. */
  private idle(): void {
    if (this.depth > 0 || this.disposed) return;
    this.depth++;
    try {
      for (let rounds = 0; rounds < 10000; rounds++) {
        this.drainScript.runInContext(this.context);
        if (!this.eventQueue.length) break;
        while (this.eventQueue.length) {
          const ev = this.eventQueue.shift() as { fn: Listener; args: unknown[]; thisArg: unknown };
          try {
            ev.fn.apply(ev.thisArg, ev.args);
          } catch (e) {
            this.reportUncaught(e);
          }
        }
      }
    } catch (e) {
      this.reportUncaught(e);
    } finally {
      this.depth--;
    }
    if (this.pending && !this.disposed) {
      const p = this.pending;
      this.pending = undefined;
      this.restart(p);
    }
  }

  private reportUncaught(e: unknown): void {
    if (this.processListeners && this.processListeners.count("uncaughtException")) {
      try {
        this.processListeners.callDirect(this.global.process, "uncaughtException", [e]);
        return;
      } catch (e2) {
        e = e2;
      }
    }
    this.print(formatUncaught(e));
  }

  /**
   * Compiled at top level right after a script ran (a later runInContext from inside
   * program code would run promise jobs early), so memory() is a plain call.
   */
  private buildRootsGetter(): void {
    const names = [...this.declaredNames].filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
    const names2 = names.filter((n) => n !== "__meternetRoots");
    const body = names2.map((n) => "try { __meternetRoots[" + JSON.stringify(n) + "] = " + n + "; } catch (__meternetErr) {}").join("\n");
    this.rootsGetter = vm.runInContext("(function () { var __meternetRoots = {}; " + body + " return __meternetRoots; })", this.context);
  }

  private invokeTimer(cb: TimerCallback, args: unknown[]): void {
    if (typeof cb === "string") this.execute(cb, "timer");
    else this.invoke(cb, args);
  }

  private invokeListener = (fn: Listener, args: unknown[], thisArg: unknown): void => {
    this.invoke(fn, args, thisArg);
  };

  private queueListener = (fn: Listener, args: unknown[], thisArg: unknown): void => {
    this.eventQueue.push({ fn, args, thisArg });
  };

  private restartWhenIdle(p: Pending): void {
    if (this.depth > 0 || this.timers.inPass()) this.pending = p;
    else this.restart(p);
  }

  private restart(p: Pending): void {
    // Espruino runs E 'kill' handlers, then clears timers, servers and RAM.
    this.guard(() => { this.eListeners.emit(this.global.E, "kill", []); });
    this.runNativeKills();
    this.timers.clearAll();
    void this.http.closeAll();
    if (p.kind === "reset") {
      if (p.clearFlash) {
        for (const name of [".varimg", ".bootcde", ".bootrst"]) {
          const f = this.flash.find(name);
          if (f) this.flash.markErased(f);
        }
      }
      this.createContext();
      this.boot(true, undefined);
    } else {
      this.createContext();
      this.boot(p.file !== undefined, p.file);
    }
  }

  /** jsiSoftInit + jsfLoadBootCodeFromFlash: boot files, then init handlers. */
  private boot(hasBeenReset: boolean, file: string | undefined): void {
    const run = (name: string) => {
      const f = this.flash.find(name);
      if (f) this.execute(bytesToString(this.flash.read(f.dataAddr, f.size)), name);
    };
    for (let i = 0; i < 4; i++) run(".boot" + i);
    if (this.flash.find(".bootrst")) run(".bootrst");
    else if (!hasBeenReset) run(".bootcde");
    if (file !== undefined) run(file);
    this.guard(() => { this.eListeners.emit(this.global.E, "init", []); });
    const onInit = this.global.onInit;
    if (typeof onInit === "function") this.invoke(onInit as Listener);
  }

  private createContext(): void {
    const sandbox: Record<string, unknown> = {};
    this.context = vm.createContext(sandbox, { microtaskMode: "afterEvaluate", name: "espruino" });
    this.realm = realmOf(this.context);
    if (this.unrouteRejections) this.unrouteRejections();
    this.unrouteRejections = routeRejections(vm.runInContext("Promise.prototype", this.context), (reason) => {
      if (this.disposed) return;
      const detail = Object.prototype.toString.call(reason) === "[object Error]" ? String(reason) : formatValue(reason);
      this.guard(() => { throw new this.realm.Error("Unhandled promise rejection: " + detail); });
    });
    if (this.opts.strictBuiltins !== false) removeMissingBuiltins(this.context);
    this.global = vm.runInContext("globalThis", this.context);
    this.eventQueue.length = 0;
    this.eListeners = new ListenerTable(this.invokeListener, this.queueListener);
    this.processListeners = new ListenerTable(this.invokeListener, this.queueListener);
    this.http = createHttp({
      realm: this.realm,
      invoke: (fn, args, t) => { this.invoke(fn, args, t); },
      mapPort: this.opts.mapHttpPort,
      bindHost: this.opts.httpHost,
      print: (t) => this.print(t),
    });
    this.installGlobals();
    // the program's eval() of code read from Storage (route modules, the meter's UI file)
    // gets the stored form: decoded as the device's lexer would, then Node's global eval
    this.global.eval = vm.runInContext("(function(realmEval,untokenise){return function eval(c){if(typeof c==='string'){try{c=untokenise(c)}catch(e){throw new SyntaxError(e.message)}}return realmEval(c)}})", this.context)(this.global.eval, untokenise);
    this.standardGlobals.clear();
    this.declaredNames.clear();
    this.rootsGetter = undefined;
    for (const k of Object.keys(this.global)) this.standardGlobals.add(k);
  }

  private installGlobals(): void {
    const realm = this.realm;
    const print = (t: string) => this.print(t);
    const modules: Record<string, unknown> = {
      Storage: createStorage({ flash: this.flash, realm, print }),
      crypto: createCrypto({ realm, print }),
      http: this.http.module,
    };
    for (const [name, m] of Object.entries(this.opts.modules || {})) {
      modules[name] = typeof m === "function" ? (m as (rt: EspruinoRuntime) => unknown)(this) : m;
    }
    const env = toRealmData(realm, {
      VERSION: ESPRUINO_VERSION, BOARD: "METERNET_F107", RAM: 65536, FLASH: 262144,
      STORAGE: this.flash.sizeBytes, CONSOLE: "Serial1", MODULES: Object.keys(modules).join(","),
      HOST: "node " + process.version, ...(this.opts.env || {}),
    });
    const extra = typeof this.opts.globals === "function" ? this.opts.globals(this) : this.opts.globals;
    installEspruinoGlobals({
      realm,
      global: this.global,
      print,
      getTime: () => this.getTime(),
      timers: this.timers,
      requestReset: (clearFlash) => { this.pending = { kind: "reset", clearFlash }; },
      requestLoad: (file) => { this.pending = { kind: "load", file }; },
      E: createE({ realm, listeners: this.eListeners, errorFlags: this.errorFlags }),
      process: this.processListeners.attachTo({ version: ESPRUINO_VERSION, env, memory: () => toRealmData(realm, this.memory()) }),
      modules,
      extra: extra || {},
    });
  }
}
