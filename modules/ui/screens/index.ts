/** The screens in navigation order: home's tile i opens screens[i + 1]; 8 is the calibration. */
import type { ScreenFactory, ScreenSource } from "../screen";
import { home } from "./home";
import { measure } from "./measure";
import { profile } from "./profile";
import { energyScreen } from "./energy";
import { quality } from "./quality";
import { events } from "./events";
import { network } from "./network";
import { settings } from "./settings";
import { calibrate } from "./calibrate";

/**
 * Screen i's file under app/meterUi/screens/ (its Storage module "ui<i>" on the meter,
 * built as build/meterUi/ui<i>.js by rollup.config.js, which keeps the same list).
 */
export const SCREEN_NAMES = ["home", "measure", "profile", "energy", "quality", "events", "network", "settings", "calibrate"];

export function allScreens(): ScreenFactory[] {
  return [home, measure, profile, energyScreen, quality, events, network, settings, calibrate];
}

/** Screens made from their factories (host, tests): what the meter gets from Storage modules. */
export function screensOf(factories: ScreenFactory[]): ScreenSource {
  return function (i: number) { return factories[i](); };
}
