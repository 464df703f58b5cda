/**
 * The UI's DisplayPort on the host: an RGB565 frame buffer the size of the meter's TFT,
 * drawn with the same rules as the native driver (boards/STM32F107/display/lcdDraw.c:
 * the same font table, read from font5x7.c, the same Bresenham line, the same clipping),
 * written out as PNG. It counts what each call would send to the LCD, so tests can
 * assert that an update redraws only what changed.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PNG } from "pngjs";
import type { DisplayPort } from "../../modules/ui/displayPort.ts";

const FONT_C = new URL("../../boards/STM32F107/display/font5x7.c", import.meta.url);

/** The 95 x 5 column bytes of the firmware's font, parsed from its C source (one source for both). */
export function loadFont(): Uint8Array {
  const body = readFileSync(FONT_C, "utf8").split("{")[1].split("}")[0];
  const bytes = (body.replace(/\/\*.*?\*\//g, "").match(/0x[0-9a-f]{2}/gi) ?? []).map((h) => parseInt(h, 16));
  if (bytes.length !== 95 * 5) throw new Error(`font5x7.c: ${bytes.length} bytes, expected 475 (run genFont.py)`);
  return Uint8Array.from(bytes);
}

export interface DrawCall { op: "rect" | "text" | "line"; x: number; y: number; w: number; h: number; text?: string }

export class Rgb565Display implements DisplayPort {
  readonly width: number;
  readonly height: number;
  readonly px: Uint16Array;
  lightPct = 0;
  /** Pixels sent to the LCD since resetCounters() (what the SPI link would carry: 2 bytes each). */
  pixels = 0;
  calls: DrawCall[] = [];
  private readonly font = loadFont();

  constructor(width = 320, height = 240) {
    this.width = width;
    this.height = height;
    this.px = new Uint16Array(width * height);
  }

  resetCounters(): void {
    this.pixels = 0;
    this.calls = [];
  }

  rect(x: number, y: number, w: number, h: number, color: number): void {
    this.calls.push({ op: "rect", x, y, w, h });
    this.fill(x, y, w, h, color);
  }

  private fill(x: number, y: number, w: number, h: number, color: number): void {
    const x0 = Math.max(0, x), y0 = Math.max(0, y), x1 = Math.min(this.width, x + w), y1 = Math.min(this.height, y + h);
    for (let j = y0; j < y1; j++) for (let i = x0; i < x1; i++) this.px[j * this.width + i] = color;
    if (x1 > x0 && y1 > y0) this.pixels += (x1 - x0) * (y1 - y0);
  }

  text(x: number, y: number, s: string, scale: number, fg: number, bg: number): void {
    const sc = Math.max(1, Math.floor(scale));
    this.calls.push({ op: "text", x, y, w: s.length * 6 * sc, h: 8 * sc, text: s });
    for (let k = 0; k < s.length; k++) {
      let c = s.charCodeAt(k);
      if (c < 32 || c > 126) c = 63;
      const g = (c - 32) * 5, cx = x + k * 6 * sc;
      // one window per character cell, as the driver streams it
      for (let row = 0; row < 8; row++) {
        for (let col = 0; col < 6; col++) {
          const on = col < 5 && row < 7 && (this.font[g + col] >> row) & 1;
          this.fill(cx + col * sc, y + row * sc, sc, sc, on ? fg : bg);
        }
      }
    }
  }

  line(x0: number, y0: number, x1: number, y1: number, color: number): void {
    this.calls.push({ op: "line", x: Math.min(x0, x1), y: Math.min(y0, y1), w: Math.abs(x1 - x0) + 1, h: Math.abs(y1 - y0) + 1 });
    const dx = Math.abs(x1 - x0), dy = -Math.abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    let err = dx + dy, x = x0, y = y0;
    for (;;) {
      this.fill(x, y, 1, 1, color);
      if (x === x1 && y === y1) break;
      const e2 = 2 * err;
      if (e2 >= dy) { err += dy; x += sx; }
      if (e2 <= dx) { err += dx; y += sy; }
    }
  }

  light(pct: number): void {
    this.lightPct = pct;
  }

  at(x: number, y: number): number {
    return this.px[y * this.width + x];
  }

  /** The frame as PNG bytes (RGB565 expanded to 8 bits per channel). */
  png(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    for (let i = 0; i < this.px.length; i++) {
      const c = this.px[i];
      png.data[4 * i] = ((c >> 11) * 255 + 15) / 31 | 0;
      png.data[4 * i + 1] = (((c >> 5) & 63) * 255 + 31) / 63 | 0;
      png.data[4 * i + 2] = ((c & 31) * 255 + 15) / 31 | 0;
      png.data[4 * i + 3] = 255;
    }
    return PNG.sync.write(png);
  }

  writePng(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, this.png());
  }
}

/** The RGB565 frame of a PNG written by png() (for golden comparisons). */
export function pngToRgb565(bytes: Buffer): { width: number; height: number; px: Uint16Array } {
  const p = PNG.sync.read(bytes);
  const px = new Uint16Array(p.width * p.height);
  for (let i = 0; i < px.length; i++) {
    px[i] = (Math.round((p.data[4 * i] * 31) / 255) << 11) | (Math.round((p.data[4 * i + 1] * 63) / 255) << 5) | Math.round((p.data[4 * i + 2] * 31) / 255);
  }
  return { width: p.width, height: p.height, px };
}
