/**
 * The firmware's drawing code on the host: lcdRender (boards/STM32F107/display/test) built
 * with gcc, fed the DisplayPort calls a RecordingDisplay writes down while it draws on the
 * host display. Used by nativeDraw.test.ts (same pixels) and bench/ui (SPI bytes).
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { DisplayPort } from "../../modules/ui/displayPort.ts";
import type { Rgb565Display } from "./rgb565Display.ts";

const BOARD = new URL("../../boards/STM32F107/", import.meta.url).pathname;

/** Draws on the host display and writes the same calls as lcdRender's input lines. */
export class RecordingDisplay implements DisplayPort {
  lines: string[] = [];
  constructor(readonly d: Rgb565Display) {}
  rect(x: number, y: number, w: number, h: number, c: number): void { this.lines.push(`r ${x} ${y} ${w} ${h} ${c}`); this.d.rect(x, y, w, h, c); }
  line(x0: number, y0: number, x1: number, y1: number, c: number): void { this.lines.push(`l ${x0} ${y0} ${x1} ${y1} ${c}`); this.d.line(x0, y0, x1, y1, c); }
  text(x: number, y: number, s: string, scale: number, fg: number, bg: number): void { this.lines.push(`t ${x} ${y} ${scale} ${fg} ${bg} ${s.length}`, s); this.d.text(x, y, s, scale, fg, bg); }
  light(): void {}
}

export function buildRenderer(dir: string): string {
  const exe = join(dir, "lcdRender");
  execFileSync("gcc", ["-std=c11", "-O2", "-Wall", "-Werror", "-I", BOARD, "-o", exe,
    ...["display/test/lcdRender.c", "display/test/gramModel.c", "display/lcdDraw.c", "display/ili9325.c", "display/font5x7.c"].map((f) => join(BOARD, f))]);
  return exe;
}
