/** The screens in navigation order: home's tile i opens screens[i + 1]; 8 is the calibration. */
import type { ScreenFactory } from "../screen";
import { home } from "./home";
import { measure } from "./measure";
import { profile } from "./profile";
import { energyScreen } from "./energy";
import { quality } from "./quality";
import { events } from "./events";
import { network } from "./network";
import { settings } from "./settings";
import { calibrate } from "./calibrate";

export function allScreens(): ScreenFactory[] {
  return [home, measure, profile, energyScreen, quality, events, network, settings, calibrate];
}
