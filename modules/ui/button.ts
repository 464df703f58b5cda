/**
 * A labelled button: a framed rectangle with its text centred (home's tiles, the settings'
 * keys, the profile's range buttons). A function of the screens, not of MeterUi: it is built
 * into each screen module that draws buttons, so it takes no RAM while no such screen is open.
 */
import type { DisplayPort } from "./displayPort";
import { GREY, DARK } from "./displayPort";
import type { Rect } from "./layout";

export function button(d: DisplayPort, r: Rect, label: string, fg: number): void {
  d.rect(r[0], r[1], r[2], r[3], DARK);
  d.rect(r[0], r[1], r[2], 1, GREY);
  d.rect(r[0], r[1] + r[3] - 1, r[2], 1, GREY);
  d.rect(r[0], r[1], 1, r[3], GREY);
  d.rect(r[0] + r[2] - 1, r[1], 1, r[3], GREY);
  d.text(r[0] + ((r[2] - label.length * 12) >> 1), r[1] + ((r[3] - 16) >> 1), label, 2, fg, DARK);
}
