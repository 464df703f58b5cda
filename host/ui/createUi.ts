/** A MeterUi with every screen over a host display, as the meter's UI bundle makes it (app/meterUi). */
import { MeterUi, uiSettingsOf, type UiSettings } from "../../modules/ui/meterUi.ts";
import { allScreens, screensOf } from "../../modules/ui/screens/index.ts";
import type { MeterView } from "../../modules/ui/meterView.ts";
import { Rgb565Display } from "./rgb565Display.ts";

export function hostUi(view: MeterView, saved: UiSettings[] = [], settings: unknown = {}): { ui: MeterUi; display: Rgb565Display } {
  const display = new Rgb565Display();
  const ui = new MeterUi(display, view, uiSettingsOf(settings), screensOf(allScreens()), (s) => { saved.push(JSON.parse(JSON.stringify(s))); });
  ui.show(0);
  return { ui, display };
}
