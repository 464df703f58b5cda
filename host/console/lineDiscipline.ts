/**
 * Espruino's console line discipline (src/jsinteractive.c, 2v29: jsiHandleConsoleChar,
 * jsiHandleNewLine, jsiAppendStringToInputLine, jsiHandleDelete,
 * jsiConsoleRemoveInputLine/ReturnInputLine, jsiLoop's Ctrl-C handling), byte for byte
 * where the tests say "measured" (compared with the 2v29 Linux interpreter).
 *
 * - Typed characters are echoed; Enter runs the line when its brackets are closed
 *   (bracketCount.ts), else adds a newline and shows `\r\n:`. ESC LF (Alt-Enter) always
 *   adds a newline without running. A result prints as `=value\r\n` (replFormat.ts),
 *   then the `>` prompt comes back.
 * - DLE (0x10) on an empty line turns echo off for that line: no echo, no `=value`, no
 *   new prompt. echo(0)/echo(1) turn it off/on for good.
 * - Output while the prompt is shown first removes the input line (cursor to its start,
 *   `\r\x1B[J`), and the prompt and line come back once the current input chunk (or the
 *   idle pass that printed) is done, as at the end of jsiLoop.
 * - Ctrl-C (0x03) clears the input line (the device build; Linux's "Press Ctrl-C again
 *   to exit" is not emulated). A running statement cannot be interrupted: host code is
 *   synchronous, so Ctrl-C is handled in order with the other characters.
 * - ESC [ n d (line numbers, sent by the IDE) and other escape sequences are consumed;
 *   left/right/home/end/backspace/delete edit the line with Espruino's cursor output.
 * - Every "\n" written becomes "\r\n", as jsiConsolePrintString does.
 * - Up/down recall the history (or move between the lines of a multi-line input).
 * Not emulated: tab completion, password, the DLE SOH packet
 * protocol (the CLI 0.1.67 does not use it for uploads), the debugger.
 */
import { countBrackets } from "./bracketCount.ts";
import { formatReplValue } from "./replFormat.ts";

/** What the console needs from the interpreter behind it. */
export interface ConsoleInterpreter {
  /**
   * Runs one REPL line. If it throws, the interpreter reports the error itself (through
   * the console's print, as "Uncaught ...") and returns failed = true.
   */
  evaluate(line: string): { failed: boolean; value?: unknown };
}

const enum InputState {
  None,
  HadDle,
  HadR,
  Had27,
  Had27_79,
  Had27_91,
  Had27_91Number,
}

const ESC = "\x1B";

export class LineDiscipline {
  private inputLine = "";
  private cursor = 0;
  private state = InputState.None;
  private stateNumber = 0;
  /** jsiStatus JSIS_ECHO_OFF (echo(0)). */
  private echoOff = false;
  /** jsiStatus JSIS_ECHO_OFF_FOR_LINE (DLE at the start of a line). */
  private echoOffForLine = false;
  /** The prompt and input line are not on screen (printed over, or after a run). */
  private inputLineRemoved = true;
  /** Inside handleInput (jsiIdle's console pass); the prompt returns at its end. */
  private busy = 0;
  private returnScheduled = false;
  /** A line is being run: a restart it causes is applied once the line is done. */
  private evaluating = false;
  private pendingRestart: string | undefined;
  private afterLine: Array<() => void> = [];
  /** Command history, oldest first (jsiHistoryAddLine: no duplicates, lines <= 500). */
  private readonly history: string[] = [];
  /** Index of the history entry the input line *is* (Espruino compares by identity); -1 once edited. */
  private historyIndex = -1;

  constructor(
    private readonly interpreter: ConsoleInterpreter,
    /** Raw bytes to the terminal (every client). */
    private readonly write: (bytes: Buffer) => void,
  ) {}

  /** Whether results and typed characters are echoed (jsiEcho). */
  get echo(): boolean {
    return !this.echoOff && !this.echoOffForLine;
  }

  /** echo(on): Espruino's global. */
  setEcho(on: boolean): void {
    this.echoOff = !on;
  }

  /** A line is being run (restarts and save() wait until it is done). */
  get isEvaluating(): boolean {
    return this.evaluating;
  }

  /** Runs `task` once the line being run is done and its result printed (now if none is). */
  whenLineDone(task: () => void): void {
    if (this.evaluating) this.afterLine.push(task);
    else task();
  }

  /** The text typed so far (for tests). */
  get line(): string {
    return this.inputLine;
  }

  /** Bytes from the terminal: handled in order, then the prompt comes back. */
  handleInput(data: Buffer | string): void {
    const bytes = typeof data === "string" ? Buffer.from(data, "latin1") : data;
    this.busy++;
    try {
      for (const b of bytes) this.handleChar(String.fromCharCode(b));
    } finally {
      this.busy--;
    }
    if (!this.busy) this.returnInputLine();
  }

  /**
   * Program output (print/console.log/errors): removes the prompt line first and
   * brings it back when the current pass is done.
   */
  print(text: string): void {
    this.removeInputLine();
    // program strings go out as UTF-8 bytes (the input line is echoed byte for byte)
    this.out(Buffer.from(text, "utf8").toString("latin1"));
    if (!this.busy) this.scheduleReturn();
  }

  /**
   * The interpreter restarted (reset/load/power-on): echo back on, line cleared, then
   * `text` (the banner, or "Loading...") and the prompt again (jsiSemiInit). When the
   * restart came from a line being run, this waits until that line is done, because on
   * Espruino reset()/load() happen once the interpreter is idle.
   */
  restarted(text = ""): void {
    if (this.evaluating) {
      this.pendingRestart = (this.pendingRestart || "") + text;
      return;
    }
    // jsiSemiInit prints over whatever is on screen (no jsiConsoleRemoveInputLine)
    if (text) this.out(text);
    this.echoOff = false;
    this.echoOffForLine = false;
    this.inputLine = "";
    this.cursor = 0;
    this.inputLineRemoved = true;
    if (!this.busy) this.scheduleReturn();
  }

  /** Shows the prompt (as at the end of a jsiLoop pass) if it is not on screen. */
  returnInputLine(): void {
    if (!this.inputLineRemoved) return;
    this.inputLineRemoved = false;
    if (this.echo) {
      this.out(">" + this.inputLine.replace(/\n/g, "\n:"));
      this.moveCursorChar(this.inputLine.length, this.cursor);
    }
  }

  // --- internals -------------------------------------------------------------

  private out(text: string): void {
    if (text) this.write(Buffer.from(text.replace(/\n/g, "\r\n"), "latin1"));
  }

  private scheduleReturn(): void {
    if (this.returnScheduled) return;
    this.returnScheduled = true;
    setImmediate(() => {
      this.returnScheduled = false;
      if (!this.busy) this.returnInputLine();
    });
  }

  private showInputLine(): boolean {
    return this.echo && !this.inputLineRemoved;
  }

  private lineAndCol(pos: number): { line: number; col: number } {
    const before = this.inputLine.slice(0, pos);
    const nl = before.lastIndexOf("\n");
    return { line: before.split("\n").length - 1, col: pos - (nl + 1) };
  }

  /** jsiMoveCursorChar: VT100 moves from one input-line position to another. */
  private moveCursorChar(from: number, to: number): void {
    if (from === to) return;
    const a = this.lineAndCol(from);
    const b = this.lineAndCol(to);
    let s = "";
    for (let x = a.col; x < b.col; x++) s += ESC + "[C";
    for (let x = a.col; x > b.col; x--) s += ESC + "[D";
    for (let y = a.line; y < b.line; y++) s += ESC + "[B";
    for (let y = a.line; y > b.line; y--) s += ESC + "[A";
    this.write(Buffer.from(s, "latin1"));
  }

  /** jsiConsoleRemoveInputLine. */
  private removeInputLine(): void {
    if (this.inputLineRemoved) return;
    this.inputLineRemoved = true;
    if (this.echo) {
      this.moveCursorChar(this.cursor, 0);
      this.write(Buffer.from("\r" + ESC + "[J", "latin1"));
    }
  }

  private clearInputLine(updateConsole: boolean): void {
    if (this.inputLine === "") return;
    if (updateConsole) this.removeInputLine();
    this.inputLine = "";
    this.cursor = 0;
    this.historyIndex = -1;
  }

  private addHistory(line: string): void {
    if (line.length === 0 || line.length > 500) return;
    const i = this.history.indexOf(line);
    if (i >= 0) this.history.splice(i, 1);
    this.history.push(line);
  }

  /** jsiChangeToHistory + jsiReplaceInputLine. */
  private changeToHistory(previous: boolean): void {
    let next = -1;
    if (this.historyIndex >= 0) next = previous ? this.historyIndex - 1 : this.historyIndex + 1;
    else if (previous) next = this.history.length - 1;
    if (next >= 0 && next < this.history.length) {
      const line = this.history[next];
      if (this.showInputLine()) {
        this.moveCursorChar(this.cursor, 0);
        this.out(ESC + "[J" + line.replace(/\n/g, "\n:"));
      }
      this.inputLine = line;
      this.cursor = line.length;
      this.historyIndex = next;
    } else if (!previous) {
      if (this.showInputLine()) {
        this.moveCursorChar(this.cursor, 0);
        this.out(ESC + "[J");
      }
      this.inputLine = "";
      this.cursor = 0;
      this.historyIndex = -1;
    }
  }

  /** jsiHandleMoveUpDown: up/down between the lines of a multi-line input. */
  private moveUpDown(direction: number): void {
    const lines = this.inputLine.split("\n");
    const from = this.lineAndCol(this.cursor);
    const y = Math.min(Math.max(from.line + direction, 0), lines.length - 1);
    let index = 0;
    for (let k = 0; k < y; k++) index += lines[k].length + 1;
    this.cursor = index + Math.min(from.col, lines[y].length);
    if (this.showInputLine()) {
      const to = this.lineAndCol(this.cursor);
      let s = "";
      for (let x = from.col; x < to.col; x++) s += ESC + "[C";
      for (let x = from.col; x > to.col; x--) s += ESC + "[D";
      for (let k = from.line; k < to.line; k++) s += ESC + "[B";
      for (let k = from.line; k > to.line; k--) s += ESC + "[A";
      this.out(s);
    }
  }

  private handleChar(ch: string): void {
    const code = ch.charCodeAt(0);
    const st = this.state;
    if (code === 0) {
      this.state = InputState.None;
    } else if (code === 1) {
      // SOH after DLE starts a packet transfer: not emulated, ignored.
    } else if (code === 3) {
      // Ctrl-C: on the device jsiLoop clears the input line.
      this.state = InputState.None;
      this.clearInputLine(true);
    } else if (code === 5) {
      // Ctrl-E (ENQ) on an empty line: what we are.
      if (this.inputLine === "") this.print("Espruino 2v29 METERNET_F107\n");
    } else if (code === 16) {
      if (this.inputLine === "") this.echoOffForLine = true;
      this.state = InputState.HadDle;
    } else if (code === 27) {
      this.state = InputState.Had27;
    } else if (st === InputState.Had27) {
      this.state = InputState.None;
      if (code === 79) this.state = InputState.Had27_79;
      else if (code === 91) this.state = InputState.Had27_91;
      else if (code === 10) this.handleNewLine(false);
    } else if (st === InputState.Had27_79) {
      this.state = InputState.None;
      if (code === 70) this.handleEnd();
      else if (code === 72) this.handleHome();
      else if (code === 111) this.handleChar("/");
      else if (code === 106) this.handleChar("*");
      else if (code === 109) this.handleChar("-");
      else if (code === 107) this.handleChar("+");
      else if (code === 77) this.handleChar("\r");
    } else if (st === InputState.Had27_91) {
      this.state = InputState.None;
      if (code >= 48 && code <= 57) {
        this.stateNumber = code - 48;
        this.state = InputState.Had27_91Number;
      } else if (code === 68) {
        if (this.cursor > 0 && this.inputLine[this.cursor - 1] !== "\n") {
          this.cursor--;
          if (this.showInputLine()) this.out(ESC + "[D");
        }
      } else if (code === 67) {
        if (this.cursor < this.inputLine.length && this.inputLine[this.cursor] !== "\n") {
          this.cursor++;
          if (this.showInputLine()) this.out(ESC + "[C");
        }
      } else if (code === 65 || code === 66) {
        const previous = code === 65;
        if ((this.inputLine === "" || this.historyIndex >= 0) && this.cursor === this.inputLine.length) this.changeToHistory(previous);
        else this.moveUpDown(previous ? -1 : 1);
      } else if (code === 70) this.handleEnd();
      else if (code === 72) this.handleHome();
    } else if (st === InputState.Had27_91Number) {
      if (code >= 48 && code <= 57) {
        this.stateNumber = this.stateNumber * 10 + code - 48;
      } else {
        // ESC [ n d (line number) is consumed: 2v29 ignores it here too
        if (ch === "H" && this.stateNumber === 2) this.clearInputLine(true);
        else if (code === 126) {
          if (this.stateNumber === 1) this.handleHome();
          else if (this.stateNumber === 3) this.handleDelete(false);
          else if (this.stateNumber === 4) this.handleEnd();
        }
        this.state = InputState.None;
      }
    } else {
      this.state = InputState.None;
      if (code === 8 || code === 0x7f) {
        this.handleDelete(true);
      } else if (ch === "\n" && st === InputState.HadR) {
        // \r\n: already handled on \r
      } else if (ch === "\r" || ch === "\n") {
        if (ch === "\r") this.state = InputState.HadR;
        this.handleNewLine(true);
      } else if (code >= 32 || ch === "\t") {
        this.appendToInputLine(ch === "\t" ? "    " : ch);
      }
    }
  }

  /** jsiAppendStringToInputLine. */
  private appendToInputLine(s: string): void {
    this.historyIndex = -1;
    if (this.cursor >= this.inputLine.length) {
      this.inputLine += s;
    } else {
      this.inputLine = this.inputLine.slice(0, this.cursor) + s + this.inputLine.slice(this.cursor);
      if (this.showInputLine()) this.printUntilEol(this.cursor, true);
    }
    this.cursor += s.length;
    if (this.showInputLine()) this.out(s);
  }

  /** jsiConsolePrintStringVarUntilEOL. */
  private printUntilEol(from: number, andBackup: boolean): void {
    let end = this.inputLine.indexOf("\n", from);
    if (end < 0) end = this.inputLine.length;
    let s = this.inputLine.slice(from, end);
    if (andBackup) s += " " + "\x08".repeat(s.length + 1);
    this.write(Buffer.from(s, "latin1"));
  }

  /** jsiHandleDelete. */
  private handleDelete(isBackspace: boolean): void {
    const l = this.inputLine.length;
    if (isBackspace && this.cursor === 0) return;
    if (!isBackspace && this.cursor >= l) return;
    const deleteNewline = (isBackspace && this.inputLine[this.cursor - 1] === "\n") ||
      (!isBackspace && this.inputLine[this.cursor] === "\n");
    if (deleteNewline && this.showInputLine()) {
      this.out(ESC + "[J");
      if (isBackspace) {
        this.out("\x08 ");
        this.moveCursorChar(this.cursor, this.cursor - 1);
      }
    }
    this.historyIndex = -1;
    const p = isBackspace ? this.cursor - 1 : this.cursor;
    this.inputLine = this.inputLine.slice(0, p) + this.inputLine.slice(p + 1);
    if (isBackspace) this.cursor--;
    if (this.showInputLine()) {
      if (deleteNewline) {
        this.out(this.inputLine.slice(this.cursor).replace(/\n/g, "\n:"));
        this.moveCursorChar(this.inputLine.length, this.cursor);
      } else {
        if (isBackspace) this.write(Buffer.from("\x08", "latin1"));
        this.printUntilEol(this.cursor, true);
      }
    }
  }

  private handleHome(): void {
    while (this.cursor > 0 && this.inputLine[this.cursor - 1] !== "\n") {
      if (this.showInputLine()) this.write(Buffer.from("\x08", "latin1"));
      this.cursor--;
    }
  }

  private handleEnd(): void {
    while (this.cursor < this.inputLine.length && this.inputLine[this.cursor] !== "\n") {
      if (this.showInputLine()) this.out(this.inputLine[this.cursor]);
      this.cursor++;
    }
  }

  private atEndOfInputLine(): boolean {
    return /^\s*$/.test(this.inputLine.slice(this.cursor));
  }

  /** jsiHandleNewLine. */
  private handleNewLine(execute: boolean): void {
    if (this.atEndOfInputLine()) {
      if (execute && countBrackets(this.inputLine) <= 0) {
        if (this.showInputLine()) this.out("\n");
        if (!this.echoOffForLine) this.inputLineRemoved = true;
        const line = this.inputLine.replace(/\s+$/, "");
        this.inputLine = "";
        this.cursor = 0;
        this.historyIndex = -1;
        // Espruino strings are bytes; the terminal sends UTF-8.
        this.evaluating = true;
        let result: { failed: boolean; value?: unknown };
        try {
          result = this.interpreter.evaluate(Buffer.from(line, "latin1").toString("utf8"));
        } finally {
          this.evaluating = false;
        }
        if (this.echo && !result.failed && line !== "") {
          this.removeInputLine();
          this.out("=" + formatReplValue(result.value) + "\n");
        }
        this.echoOffForLine = false;
        // not typed by a user when echo is off: not kept (jsiHandleNewLine)
        if (line !== "" && this.echo) this.addHistory(line);
        for (const task of this.afterLine.splice(0)) task();
        if (this.pendingRestart !== undefined) {
          const text = this.pendingRestart;
          this.pendingRestart = undefined;
          this.restarted(text);
        }
      } else {
        this.historyIndex = -1;
        if (this.showInputLine()) this.out("\n:");
        this.inputLine += "\n";
        this.cursor++;
      }
    } else {
      this.historyIndex = -1;
      if (this.showInputLine()) this.out(ESC + "[J");
      this.inputLine = this.inputLine.slice(0, this.cursor) + "\n" + this.inputLine.slice(this.cursor);
      if (this.showInputLine()) {
        this.out(this.inputLine.slice(this.cursor).replace(/\n/g, "\n:"));
        this.moveCursorChar(this.inputLine.length, this.cursor + 1);
      }
      this.cursor++;
    }
  }
}
