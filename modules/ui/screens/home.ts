/** Home: the meter's name and address, and one tile per task (2 x 4, each at least 9 mm high). */
import type { Screen } from "../screen";
import type { MeterUi } from "../meterUi";
import { WHITE, BLUE } from "../displayPort";
import { tile, inside } from "../layout";
import { button } from "../button";

/** Tile i opens screen i + 1; the last tile turns the backlight off. */
export function tileLabels(): string[] {
  return ["Measure", "Profile", "Energy", "Quality", "Events", "Network", "Settings", "Screen off"];
}

export function home(): Screen {
  return {
    title: "",
    draw: function (u: MeterUi) {
      u.d.text(8, 15, (u.v.name + " #" + u.v.address).substring(0, 15), 2, WHITE, BLUE);
      // the labels are made here and let go: held by the screen they would cost JsVars while it shows
      const TILES = tileLabels();
      for (let i = 0; i < TILES.length; i++) button(u.d, tile(i), TILES[i], WHITE);
    },
    update: function () {},
    press: function (u: MeterUi, x: number, y: number) {
      for (let i = 0; i < 8; i++) {
        if (!inside(tile(i), x, y)) continue;
        if (i === 7) return u.sleep();
        return i + 1;
      }
    },
  };
}
