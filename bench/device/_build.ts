import { buildLinuxInterpreter } from "./linuxInterpreter.ts";
console.log(buildLinuxInterpreter("/work/scratch/devtools/espruino", "/work/wt/devtools/build/device/linux64", 2, false));
