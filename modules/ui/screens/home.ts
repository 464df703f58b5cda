/** Home: the meter's name and address, and one tile per task (2 x 4, each at least 9 mm high). */
import type { Screen } from "../screen";
import type { MeterUi } from "../meterUi";
import { WHITE, BLUE } from "../displayPort";
import { tile, inside } from "../layout";

/** Tile i opens screen i + 1; the last tile turns the backlight off. */
export function tileLabels(): string[] {
  return ["Measure", "Profile", "Energy", "Quality", "Events", "Network", "Settings", "Screen off"];
}

export function home(): Screen {
  const TILES = tileLabels();
  return {
    title: "",
    draw: function (u: MeterUi) {
      u.d.text(8, 15, (u.v.name + " #" + u.v.address).substring(0, 15), 2, WHITE, BLUE);
      for (let i = 0; i < TILES.length; i++) u.button(tile(i), TILES[i], WHITE);
    },
    update: function () {},
    press: function (u: MeterUi, x: number, y: number) {
      for (let i = 0; i < TILES.length; i++) {
        if (!inside(tile(i), x, y)) continue;
        if (i === 7) u.sleep();
        else u.show(i + 1);
        return;
      }
    },
  };
}
