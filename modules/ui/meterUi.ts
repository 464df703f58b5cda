/**
 * The meter's touchscreen UI: navigation, header, backlight timeout and the diff-drawing
 * every screen uses. Pure logic over a DisplayPort; the wiring (app/meter) gives it the
 * meter's values (MeterView) once a second, raw touches as they come, and the time.
 *
 * No flicker and little work per update: a screen draws its static parts once when it
 * opens; after that each value is a field whose text is redrawn, opaque and in place,
 * only when it changed. One screen is live at a time: the others hold no state, and on
 * the meter not even their code's functions (each is a Storage module, evaluated when it
 * opens: app/meterUi), so what stays resident is this class, the header and the wiring.
 */
import { DisplayPort, W, H, BLACK, WHITE, BLUE, RED } from "./displayPort";
import { HEADER_H, BACK, inside } from "./layout";
import { TouchCal, DEFAULT_CAL, applyCal, validCal } from "./calibration";
import { MeterView } from "./meterView";
import { hhmm } from "./format";
import type { Screen, ScreenSource } from "./screen";

export interface UiSettings {
  /** Backlight when on, 10..100 %. */
  lightPct: number;
  /** Backlight off after this many seconds without a touch; 0: never. */
  timeoutS: number;
  /** Touch calibration (calibration.ts). */
  cal: TouchCal;
}

/** Settings from the configuration's `ui` object; anything missing or wrong gets its default. */
export function uiSettingsOf(o: unknown): UiSettings {
  const c = (o && typeof o === "object" ? o : {}) as { [k: string]: unknown };
  const l = c.lightPct, t = c.timeoutS;
  return {
    lightPct: typeof l === "number" && l >= 10 && l <= 100 ? l : 80,
    timeoutS: typeof t === "number" && t >= 0 && t <= 3600 ? t : 60,
    // INLINE: called once, at boot; a function of the resident UI would stay for good
    cal: /*@__INLINE__*/ validCal(c.cal) ? (c.cal as TouchCal) : DEFAULT_CAL,
  };
}

export class MeterUi {
  readonly d: DisplayPort;
  v: MeterView;
  s: UiSettings;
  /** Screen on show: an index into `screens` (0: home). */
  at = -1;
  /** Texts drawn in the fields of the screen on show. */
  last: string[] = [];
  /** Events the events screen has shown (the badge counts the others). */
  seenEvents = 0;
  asleep = false;
  /** A press is under way: later samples of the same touch do nothing. */
  down = false;
  lastTouchMs = 0;
  /** The screen on show, made when it opened (the others do not exist). */
  sc: Screen | null = null;
  private readonly screens: ScreenSource;
  /**
   * Stores changed settings (the configuration's `ui` object): called by the screens that
   * change them (settings, calibrate) as `u.save(u.s)`. A field, not a method of its own:
   * each method of this resident class costs 6 to 15 JsVars for the program's life.
   */
  readonly save: (s: UiSettings) => void;

  constructor(d: DisplayPort, view: MeterView, settings: UiSettings, screens: ScreenSource, save: (s: UiSettings) => void) {
    this.d = d;
    this.v = view;
    this.s = settings;
    this.screens = screens;
    this.save = save;
    d.light(settings.lightPct);
  }

  /** Opens screen `i`: clears, draws header and static parts, then the values. */
  show(i: number): void {
    // the old screen is dropped before the new one is made: never two at once
    this.sc = null;
    this.last = [];
    const sc = this.screens(i), d = this.d;
    this.sc = sc;
    d.rect(0, 0, W, HEADER_H, BLUE);
    if (i > 0) d.text(BACK[0] + 24, 15, "<", 2, WHITE, BLUE);
    d.text(i > 0 ? 80 : 8, 15, sc.title, 2, WHITE, BLUE);
    d.rect(0, HEADER_H, W, H - HEADER_H, BLACK);
    // `at` is still the screen this one was opened from while it draws (settings says "touch calibrated" after calibrate)
    sc.draw(this);
    this.at = i;
    this.update(this.v);
  }

  /** New values (once a second): the fields that changed are redrawn; nothing while the backlight is off. */
  update(v: MeterView): void {
    this.v = v;
    const sc = this.sc;
    if (this.asleep || !sc) return;
    // the clock and the badge share the header's right end with a screen's own header buttons, so only where none are
    if (sc.title !== "Profile" && sc.title !== "Calibrate") {
      const n = v.events.length - this.seenEvents;
      this.put(0, 196, 15, n > 0 ? (n > 9 ? "!9" : "!" + n) : "  ", 2, WHITE, n > 0 ? RED : BLUE);
      // NOINLINE: a single use, which terser would turn into a function expression parsed on every update
      this.put(1, 254, 15, v.utcS > 0 ? /*@__NOINLINE__*/ hhmm(v.utcS) : "--:--", 2, WHITE, BLUE);
    }
    sc.update(this);
  }

  /**
   * Field `i` of the screen on show: text `s` at x, y, drawn only when it differs from what
   * the field shows. Texts of one field keep one width (format.ts pads) so the new covers the old.
   */
  put(i: number, x: number, y: number, s: string, scale: number, fg: number, bg: number): void {
    if (this.last[i] === s) return;
    this.last[i] = s;
    this.d.text(x, y, s, scale, fg, bg);
  }

  /** A touch sample from the controller, raw coordinates, at `nowMs`. */
  touch(rx: number, ry: number, nowMs: number): void {
    this.lastTouchMs = nowMs;
    if (this.down) return;
    this.down = true;
    if (this.asleep) {
      // the touch that wakes the screen does nothing else
      this.asleep = false;
      this.d.light(this.s.lightPct);
      this.update(this.v);
      return;
    }
    if (this.at === 8) {
      // calibration takes raw coordinates; when done it returns the screen to go back to (Screen.press)
      const next = this.sc!.press(this, rx, ry);
      if (typeof next === "number") this.show(next);
      return;
    }
    const p = applyCal(this.s.cal, rx, ry);
    this.press(p[0], p[1]);
  }

  /** The finger left the screen. */
  release(): void {
    this.down = false;
  }

  /** A press at screen coordinates. */
  press(x: number, y: number): void {
    if (this.at > 0 && inside(BACK, x, y)) return this.show(0);
    // the screen a press asks for opens after that press returned (Screen.press); no local holds the old screen
    const next = this.sc ? this.sc.press(this, x, y) : undefined;
    if (typeof next === "number") this.show(next);
  }

  /** Called with the time now and then (each reading): the backlight goes off after the timeout. */
  tick(nowMs: number): void {
    if (!this.asleep && this.s.timeoutS > 0 && nowMs - this.lastTouchMs >= this.s.timeoutS * 1000) this.sleep();
  }

  /** Backlight off, and back home, so the next person starts from the menu (an unfinished calibration keeps the old one). */
  sleep(): void {
    this.asleep = true;
    this.d.light(0);
    this.show(0);
  }
}
