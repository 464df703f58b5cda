// The meter's touchscreen UI (modules/ui) on the host display: golden images of every
// screen, touch targets, navigation by scripted touches, values and units, redraw of
// only what changed, backlight timeout, calibration, settings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { hostUi } from "./createUi.ts";
import { fixtureView } from "./fixtureView.ts";
import { ScriptedTouch } from "./scriptedTouch.ts";
import { pngToRgb565 } from "./rgb565Display.ts";
import { BACK, RANGE_24H, RANGE_7D, LIGHT_MINUS, LIGHT_PLUS, TIME_MINUS, TIME_PLUS, CALIBRATE, tile, type Rect } from "../../modules/ui/layout.ts";
import { TARGET_MIN_PX, W, H, BLACK } from "../../modules/ui/displayPort.ts";
import { tileLabels } from "../../modules/ui/screens/home.ts";
const TILES = tileLabels();
import { solveCal, applyCal, CAL_POINTS, DEFAULT_CAL } from "../../modules/ui/calibration.ts";

export const SCREEN_NAMES = ["home", "measure", "profile", "energy", "quality", "events", "network", "settings", "calibrate"];
const GOLDEN = new URL("./golden/", import.meta.url);
const SHOTS = new URL("../../build/screenshots/", import.meta.url);

function texts(d: { calls: { op: string; text?: string }[] }): string {
  return d.calls.filter((c) => c.op === "text").map((c) => c.text!.trim()).join("|");
}

test("golden images: every screen with the fixture data matches its PNG pixel for pixel (UPDATE_GOLDEN=1 rewrites them)", () => {
  const { ui, display } = hostUi(fixtureView());
  mkdirSync(SHOTS, { recursive: true });
  const shots: [string, () => void][] = SCREEN_NAMES.map((n, i) => [n, () => ui.show(i)]);
  shots.push(["profile-7d", () => { ui.show(2); ui.press(RANGE_7D[0] + 10, 10); }]);
  for (const [name, go] of shots) {
    go();
    display.writePng(new URL(name + ".png", SHOTS).pathname);
    const file = new URL(name + ".png", GOLDEN);
    if (process.env.UPDATE_GOLDEN) { mkdirSync(GOLDEN, { recursive: true }); writeFileSync(file, display.png()); }
    assert.ok(existsSync(file), `golden host/ui/golden/${name}.png is missing: look at build/screenshots/${name}.png, then UPDATE_GOLDEN=1`);
    const g = pngToRgb565(readFileSync(file));
    assert.equal(g.width, W);
    let diff = 0, first = -1;
    for (let i = 0; i < g.px.length; i++) if (g.px[i] !== display.px[i]) { diff++; if (first < 0) first = i; }
    assert.equal(diff, 0, `${name}: ${diff} pixels differ from the golden, first at x ${first % W} y ${Math.floor(first / W)} (build/screenshots/${name}.png)`);
  }
});

test("touch targets: inside the screen, at least 44 px (9 mm) on both sides, no two of one screen overlapping", () => {
  const screens: Rect[][] = [
    TILES.map((_, i) => tile(i)),
    [BACK, RANGE_24H, RANGE_7D],
    [BACK, LIGHT_MINUS, LIGHT_PLUS, TIME_MINUS, TIME_PLUS, CALIBRATE],
  ];
  for (const rs of screens) {
    for (const r of rs) {
      assert.ok(r[2] >= TARGET_MIN_PX && r[3] >= TARGET_MIN_PX, `target ${r} is smaller than ${TARGET_MIN_PX} px`);
      assert.ok(r[0] >= 0 && r[1] >= 0 && r[0] + r[2] <= W && r[1] + r[3] <= H, `target ${r} leaves the screen`);
    }
    for (let i = 0; i < rs.length; i++) for (let j = i + 1; j < rs.length; j++) {
      const a = rs[i], b = rs[j];
      const apart = a[0] + a[2] <= b[0] || b[0] + b[2] <= a[0] || a[1] + a[3] <= b[1] || b[1] + b[3] <= a[1];
      assert.ok(apart, `targets ${a} and ${b} overlap`);
    }
  }
});

test("navigation: a tap on each home tile opens its screen, back returns home, every screen is reached", () => {
  const { ui } = hostUi(fixtureView());
  const t = new ScriptedTouch(ui);
  for (let i = 0; i < 7; i++) {
    t.tapRect(tile(i));
    assert.equal(ui.at, i + 1, `tile ${TILES[i]}`);
    t.tapRect(BACK);
    assert.equal(ui.at, 0);
  }
  // settings -> calibrate is the one screen not on home
  t.tapRect(tile(6));
  t.tapRect(CALIBRATE);
  assert.equal(ui.at, 8);
  // a tap between two tiles does nothing
  ui.show(0);
  t.tap(160, 100);
  assert.equal(ui.at, 0);
});

test("one action per touch: the samples of a held press do not open a second screen", () => {
  const { ui } = hostUi(fixtureView());
  const r = [(tile(0)[0] + 20) * 4096 / 320, (tile(0)[1] + 20) * 4096 / 240];
  ui.touch(r[0], r[1], 0);
  assert.equal(ui.at, 1);
  // still held: the same place is the measure screen's label area, and must not act again
  ui.touch(BACK[0] * 4096 / 320 + 10, 10, 20);
  assert.equal(ui.at, 1);
  ui.release();
});

test("values and units: the measure, energy, events and network screens draw the reading with its units", () => {
  const { ui, display } = hostUi(fixtureView());
  const want: [number, string[]][] = [
    [1, ["231.42 V", "6.184 A", "1391.7 W", "287.3 var", "1431.1 VA", "0.972", "49.987 Hz", "2.31 %", "11.85 %", "14:30:12"]],
    [3, ["10246.3 Wh", "54567.8 Wh", "1234.57 kWh", "666.6 Wh", "5678.9 Wh", "45678.9 Wh", "Import", "Export", "Today", "This month", "Total"]],
    [5, ["swell        14:23:32", "interruption 13:40:11", "dip          12:30:11", "duration    0.120 s", "residual  71.3 %"]],
    [6, ["3", "error-active", "14:30:11 UTC", "0 / 2", "17", "unknownId 12", "mac 3"]],
    [2, ["kW", "5", "0", "-5", "import", "export", "UTC", "18h", "0h", "6h", "12h"]],
    [4, ["FLAGGED", "Voltage THD  2.35 %", "Current THD 12.10 %", "10-min from 14:20 UTC"]],
  ];
  for (const [screen, strings] of want) {
    display.resetCounters();
    ui.show(screen);
    const all = texts(display);
    for (const s of strings) assert.ok(all.includes(s), `screen ${SCREEN_NAMES[screen]} lacks "${s}" in ${all}`);
  }
});

test("no flicker: an update with the same values draws nothing; a new voltage redraws only the voltage field", () => {
  const v = fixtureView();
  const { ui, display } = hostUi(v);
  ui.show(1);
  display.resetCounters();
  ui.update(v);
  assert.equal(display.pixels, 0);
  v.reading = Object.assign({}, v.reading!, { vRmsV: 229.87 });
  ui.update(v);
  assert.deepEqual(display.calls.map((c) => [c.op, c.x, c.y, c.text]), [["text", 4, 62, "  229.87 V  "]]);
  // 12 characters of 12 x 16 pixels: 4.6 kB over SPI, not a 153.6 kB frame
  assert.equal(display.pixels, 12 * 12 * 16);
  assert.ok(display.calls.every((c) => c.op !== "rect"), "no clearing rectangle: the text is opaque");
  // the clock ticks: only the clock field
  display.resetCounters();
  v.utcS += 60;
  ui.update(v);
  assert.deepEqual(display.calls.map((c) => c.text), ["14:31", "14:31:12  "]);
});

test("profile: redrawn when a 15-minute slot closes, not every second; the range buttons switch 24 h / 7 d", () => {
  const v = fixtureView();
  const { ui, display } = hostUi(v);
  ui.show(2);
  display.resetCounters();
  v.utcS += 1;
  ui.update(v);
  assert.equal(display.pixels, 0);
  v.profileEndUtcS += 900;
  ui.update(v);
  assert.ok(display.pixels > 10000);
  const t = new ScriptedTouch(ui);
  display.resetCounters();
  t.tapRect(RANGE_7D);
  assert.ok(texts(display).includes("7 d"));
  // day-of-month labels on the 7-day axis (the fixture ends on the 7th)
  assert.ok(/\|[1-7]\|/.test("|" + texts(display) + "|"), texts(display));
  t.tapRect(RANGE_24H);
  assert.ok(texts(display).includes("18h"));
});

test("backlight: off after the timeout (and home), the waking touch does nothing else", () => {
  const { ui, display } = hostUi(fixtureView(), [], { timeoutS: 30, lightPct: 70 });
  assert.equal(display.lightPct, 70);
  const t = new ScriptedTouch(ui);
  t.tapRect(tile(0));
  ui.tick(t.nowMs + 29000);
  assert.equal(display.lightPct, 70);
  ui.tick(t.nowMs + 30000);
  assert.equal(display.lightPct, 0);
  assert.equal(ui.at, 0);
  display.resetCounters();
  ui.update(fixtureView());
  assert.equal(display.pixels, 0, "nothing drawn while dark");
  t.nowMs += 31000;
  t.tapRect(tile(1));
  assert.equal(display.lightPct, 70);
  assert.equal(ui.at, 0, "the waking touch did not open the profile");
  t.tapRect(tile(1));
  assert.equal(ui.at, 2);
});

test("settings: backlight and timeout steps are applied and stored; bad stored settings get defaults", () => {
  const saved: { lightPct: number; timeoutS: number }[] = [];
  const { ui, display } = hostUi(fixtureView(), saved as never, { lightPct: 90, timeoutS: 60 });
  const t = new ScriptedTouch(ui);
  t.tapRect(tile(6));
  t.tapRect(LIGHT_PLUS);
  t.tapRect(LIGHT_PLUS);
  assert.equal(display.lightPct, 100);
  t.tapRect(TIME_PLUS);
  t.tapRect(TIME_MINUS);
  t.tapRect(TIME_MINUS);
  assert.deepEqual(saved.map((s) => [s.lightPct, s.timeoutS]), [[100, 60], [100, 120], [100, 60], [100, 30]]);
  t.tapRect(LIGHT_MINUS);
  assert.ok(texts(display).includes("90%"));
  const d = hostUi(fixtureView(), [], { lightPct: 5, timeoutS: "x", cal: [1, 2] }).ui.s;
  assert.deepEqual([d.lightPct, d.timeoutS, d.cal], [80, 60, DEFAULT_CAL]);
});

test("calibration maths: three points of a known affine map give it back; points on a line are refused", () => {
  // a panel rotated by 3 degrees, mirrored in y, offset and scaled: raw = M^-1 (screen - t)
  const a = 0.0785, b = 0.0041, c = -12.5, d = -0.0031, e = -0.0592, f = 251.0;
  const det = a * e - b * d;
  const raw: number[] = [];
  for (let k = 0; k < 3; k++) {
    const X = CAL_POINTS[2 * k] - c, Y = CAL_POINTS[2 * k + 1] - f;
    raw.push((e * X - b * Y) / det, (a * Y - d * X) / det);
  }
  const cal = solveCal(raw, CAL_POINTS);
  [a, b, c, d, e, f].forEach((x, i) => assert.ok(Math.abs(cal[i] - x) < 1e-9, `coefficient ${i}: ${cal[i]} vs ${x}`));
  assert.deepEqual(applyCal(cal, 2000, 2000), [Math.round(a * 2000 + b * 2000 + c), Math.round(d * 2000 + e * 2000 + f)]);
  assert.throws(() => solveCal([100, 100, 2000, 2000, 4000, 4000], CAL_POINTS), /on a line/);
});

test("calibration screen: three raw touches at the crosses store the map; a later tap lands where it should", () => {
  const saved: { cal: number[] }[] = [];
  const { ui, display } = hostUi(fixtureView(), saved as never);
  ui.show(8);
  // this panel's raw coordinates: x = 3000 - 9 * sx, y = 300 + 14 * sy (mirrored x)
  const rawOf = (x: number, y: number) => [3000 - 9 * x, 300 + 14 * y];
  for (let k = 0; k < 3; k++) {
    const r = rawOf(CAL_POINTS[2 * k], CAL_POINTS[2 * k + 1]);
    ui.touch(r[0], r[1], k * 1000);
    ui.release();
  }
  assert.equal(ui.at, 7, "back on settings");
  assert.ok(texts(display).includes("touch calibrated"), "settings says the calibration was stored");
  assert.equal(saved.length, 1);
  assert.deepEqual(applyCal(saved[0].cal, 3000 - 9 * 100, 300 + 14 * 200), [100, 200]);
  const r = rawOf(tile(2)[0] + 30, tile(2)[1] + 20);
  ui.show(0);
  ui.touch(r[0], r[1], 5000);
  assert.equal(ui.at, 3, "the energy tile");
});

test("calibration screen: touches on a line are refused with a message and it starts over", () => {
  const { ui, display } = hostUi(fixtureView());
  ui.show(8);
  for (let k = 0; k < 3; k++) { ui.touch(1000 + k, 1000 + k, k * 1000); ui.release(); }
  assert.equal(ui.at, 8);
  assert.ok(texts(display).includes("On a line: again"));
  assert.notEqual(display.at(CAL_POINTS[0], CAL_POINTS[1]), BLACK, "the first cross is shown again");
});

test("civil dates by arithmetic (Espruino has no getUTCDate): known days against Date's UTC fields", async () => {
  const { civil } = await import("../../modules/ui/format.ts");
  for (const t of [0, 951782400, 951868800, 1709164800, 4107542399, Date.UTC(2026, 11, 7, 14, 30) / 1000, -86400]) {
    const d = new Date(t * 1000);
    assert.deepEqual(civil(t), [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()], String(t));
  }
});
