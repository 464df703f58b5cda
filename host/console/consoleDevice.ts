/**
 * A simulated Espruino device with its console: one EspruinoRuntime (host/runtime)
 * whose output goes through the line discipline, and the console globals that only a
 * console can provide:
 * - echo(on): turns echo off/on (jswrap_interface_echo).
 * - save(): Espruino saves a RAM image (.varimg) that load() and power-on restore. A V8
 *   context cannot be imaged, so the host keeps a journal of the code the console ran
 *   since the last restart (uploads and REPL lines that did not throw) and save() writes
 *   it to Storage as .bootcde, first line SAVED_STATE_MARKER; load()/power-on replay it
 *   (the runtime runs .bootcde). As on 2v29, save() refuses with "Cannot save: .bootcde
 *   file already exists. Please remove it first." when a .bootcde that save() did not
 *   write exists (e.g. from the CLI's SAVE_ON_SEND). It prints Espruino's save() lines,
 *   with the journal length in place of the image sizes, then runs E 'init'/onInit.
 * - reset(clearFlash)/load(file): as the runtime's, but the console knows which restart
 *   it was: reset() prints the banner (jsiSemiInit), load() of a saved state prints
 *   "Loading N bytes from flash...".
 * The TCP server (listen) speaks the console to any number of clients: what one types
 * goes to the device, what the device writes goes to all.
 */
import net from "node:net";
import { EspruinoRuntime } from "../runtime/runtime.ts";
import type { RuntimeOptions } from "../runtime/runtime.ts";
import { LineDiscipline } from "./lineDiscipline.ts";
import { declaredResultName } from "./declarationValue.ts";

/** First line of a .bootcde written by save() (so a later save() may replace it). */
export const SAVED_STATE_MARKER = "// meternet host save(): console journal\n";

/** jsiSemiInit's banner for a non-Linux board without ESPR_OFFICIAL_BOARD (2v29). */
export const BANNER = "\x1B[?7l\n" +
  " ____                 _ \n" +
  "|  __|___ ___ ___ _ _|_|___ ___ \n" +
  "|  __|_ -| . |  _| | | |   | . |\n" +
  "|____|___|  _|_| |___|_|_|_|___|\n" +
  "         |_| espruino.com\n" +
  " 2v29 (c) 2025 G.Williams\n" +
  "\n" +
  "Espruino is Open Source. Our work is supported\n" +
  "only by sales of official boards and donations:\n" +
  "http://espruino.com/Donate\n" +
  "\n";

type RestartKind = "reset" | "load" | "powerOn";

export interface ConsoleDeviceOptions extends RuntimeOptions {
  /** Raw console bytes as sent to clients (e.g. for a log). */
  onConsoleBytes?: (bytes: Buffer) => void;
}

export class ConsoleDevice {
  readonly console: LineDiscipline;
  readonly runtime: EspruinoRuntime;
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server | undefined;
  private journal: string[] = [];
  private contextCount = 0;
  private restartKind: RestartKind | undefined;
  private saveRequested = false;
  private restartTextPending: string | undefined;

  constructor(private readonly opts: ConsoleDeviceOptions = {}) {
    this.console = new LineDiscipline({ evaluate: (line) => this.evaluate(line) }, (bytes) => this.broadcast(bytes));
    const userGlobals = opts.globals;
    this.runtime = new EspruinoRuntime({
      ...opts,
      // The console is served over TCP, as the 2v29 Linux interpreter's --telnet console
      // is: process.env.CONSOLE says "Telnet" like there. The espruino CLI reads it to
      // choose unthrottled writes (Telnet, USB) and then, in 0.1.67, never reports the
      // end of an upload under 512 bytes, as against the real interpreter.
      env: { CONSOLE: "Telnet", ...(opts.env || {}) },
      output: (text) => {
        this.console.print(text);
        if (opts.output) opts.output(text);
      },
      globals: (rt) => {
        const user = typeof userGlobals === "function" ? userGlobals(rt) : userGlobals;
        this.contextCreated();
        return { ...(user || {}), ...this.consoleGlobals(rt) };
      },
    });
  }

  /** Power-on: boots from Storage, then the banner (when nothing was loaded) and the prompt. */
  powerOn(): void {
    this.journal = this.savedJournal();
    this.runtime.powerOn();
    this.console.restarted(this.restartText("powerOn"));
  }

  /**
   * Runs a program as an upload does (runtime.execute) and keeps it in the journal, so
   * a later save() from the console saves it with the REPL changes. Returns false when
   * it threw (reported as "Uncaught ...").
   */
  execute(code: string, filename = "code"): boolean {
    const ok = this.runtime.execute(code, filename);
    if (ok) this.journal.push(code);
    return ok;
  }

  /** Types into the console as a client would. */
  input(data: Buffer | string): void {
    this.console.handleInput(data);
  }

  /** Serves the console on 127.0.0.1 (port 0 = any free port); resolves to the port. */
  listen(port: number, host = "127.0.0.1"): Promise<number> {
    const server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on("data", (data) => this.input(data));
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => this.sockets.delete(socket));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  }

  /** Closes the server, its clients and the runtime. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.runtime.dispose();
  }

  // --- internals -------------------------------------------------------------

  private broadcast(bytes: Buffer): void {
    for (const s of this.sockets) s.write(bytes);
    if (this.opts.onConsoleBytes) this.opts.onConsoleBytes(bytes);
  }

  private evaluate(line: string): { failed: boolean; value?: unknown } {
    const rt = this.runtime;
    const contexts = this.contextCount;
    this.saveRequested = false;
    let value: unknown;
    let failed = false;
    try {
      value = rt.eval(line, "REPL");
      const name = declaredResultName(line);
      if (name !== undefined && this.contextCount === contexts) value = rt.eval(name, "REPL");
    } catch (e) {
      failed = true;
      this.reportUncaught(e);
    }
    const restarted = this.contextCount !== contexts;
    if (!failed && !restarted && !this.saveRequested && line !== "") this.journal.push(line);
    if (this.saveRequested && !restarted) this.console.whenLineDone(() => this.flushSave());
    return { failed, value };
  }

  /** Espruino's wording where it is cheap to follow, then the runtime's report. */
  private reportUncaught(e: unknown): void {
    if (e instanceof this.runtime.realm.Error && e.name === "ReferenceError") {
      const m = /^(\S+) is not defined$/.exec(e.message);
      if (m) e.message = "\"" + m[1] + "\" is not defined";
    }
    // invoke() reports as the runtime does: process 'uncaughtException' or "Uncaught ...".
    this.runtime.invoke(() => { throw e; });
  }

  /** Called by the runtime each time it creates a context (start and every restart). */
  private contextCreated(): void {
    this.contextCount++;
    if (this.contextCount === 1) return;
    const kind = this.restartKind || "powerOn";
    this.restartKind = undefined;
    this.journal = kind === "reset" ? [] : this.savedJournal();
    // The runtime is mid-restart: boot code has not run yet; report once it has
    // (right after rt.reset()/load() returns, or on the next turn for host restarts).
    this.restartTextPending = this.restartText(kind);
    setImmediate(() => this.flushRestart());
  }

  private flushRestart(): void {
    const text = this.restartTextPending;
    this.restartTextPending = undefined;
    if (text !== undefined) this.console.restarted(text);
  }

  private restartText(kind: RestartKind): string {
    const saved = this.savedStateBytes();
    if (kind !== "reset" && saved !== undefined) return "Loading " + saved + " bytes from flash...\n";
    if (kind === "load" && this.runtime.flash.find(".bootcde")) return "";
    return BANNER;
  }

  private bootcde(): string | undefined {
    const f = this.runtime.flash.find(".bootcde");
    if (!f) return undefined;
    return Buffer.from(this.runtime.flash.read(f.dataAddr, f.size)).toString("latin1");
  }

  private savedStateBytes(): number | undefined {
    const code = this.bootcde();
    return code !== undefined && code.startsWith(SAVED_STATE_MARKER) ? code.length - SAVED_STATE_MARKER.length : undefined;
  }

  private savedJournal(): string[] {
    const code = this.bootcde();
    if (code === undefined || !code.startsWith(SAVED_STATE_MARKER)) return [];
    const body = code.slice(SAVED_STATE_MARKER.length);
    return body ? [Buffer.from(body, "latin1").toString("utf8")] : [];
  }

  private consoleGlobals(rt: EspruinoRuntime): Record<string, unknown> {
    return {
      echo: (on?: unknown) => { this.console.setEcho(Boolean(on)); },
      save: () => {
        const code = this.bootcde();
        if (code !== undefined && !code.startsWith(SAVED_STATE_MARKER)) {
          throw new rt.realm.Error("Cannot save: .bootcde file already exists. Please remove it first.");
        }
        this.saveRequested = true;
        if (!this.console.isEvaluating) setImmediate(() => { if (this.saveRequested) this.flushSave(); });
      },
      // Deferred until the line is done and its result printed, as Espruino does them
      // from jsiIdle (JSIS_TODO_RESET/FLASH_LOAD) after the REPL line.
      reset: (clearFlash?: unknown) => {
        this.console.whenLineDone(() => {
          this.restartKind = "reset";
          rt.reset(Boolean(clearFlash));
          this.flushRestart();
        });
      },
      load: (file?: unknown) => {
        this.console.whenLineDone(() => {
          this.restartKind = "load";
          rt.load(file === undefined ? undefined : String(file));
          this.flushRestart();
        });
      },
    };
  }

  /** What save() does once the line that called it is done (JSIS_TODO_FLASH_SAVE). */
  private flushSave(): void {
    this.saveRequested = false;
    const rt = this.runtime;
    const body = this.journal.join("\n");
    const bytes = Buffer.byteLength(body, "utf8");
    rt.print("Compacting Flash...\nCalculating Size...\nWriting..\n");
    const storage = (rt.global.require as (n: string) => { erase(n: string): void; write(n: string, d: string): boolean })("Storage");
    try {
      storage.erase(".bootcde");
      storage.write(".bootcde", SAVED_STATE_MARKER + Buffer.from(body, "utf8").toString("latin1"));
    } catch (e) {
      rt.print("Uncaught " + String(e) + "\n");
      return;
    }
    rt.print("Compressed " + bytes + " bytes to " + bytes + "\n");
    // jsiSoftInit(false) after saving: init handlers and onInit run again.
    const E = rt.global.E as { emit(ev: string): void };
    rt.invoke(() => { E.emit("init"); });
    const onInit = rt.global.onInit;
    if (typeof onInit === "function") rt.invoke(onInit as () => void);
  }
}
