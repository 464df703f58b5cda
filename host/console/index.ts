export { ConsoleDevice, BANNER, SAVED_STATE_MARKER } from "./consoleDevice.ts";
export type { ConsoleDeviceOptions } from "./consoleDevice.ts";
export { LineDiscipline } from "./lineDiscipline.ts";
export type { ConsoleInterpreter } from "./lineDiscipline.ts";
export { formatReplValue, quoteString } from "./replFormat.ts";
export { formatEspruinoNumber } from "./espruinoNumber.ts";
export { countBrackets } from "./bracketCount.ts";
