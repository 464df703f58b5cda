/**
 * One simulated device with an Espruino console, for trying the CLI without `npm start`:
 *
 *   npx tsx host/console/serve.ts [--port 2324] [--storage FLASH.img] [--bundle FILE]
 *
 * Boots from Storage (a saved .bootcde runs), then runs --bundle if given, and serves
 * the console on 127.0.0.1 until stopped (Ctrl-C). Then, in another terminal:
 *   npx espruino --no-ble -p tcp://127.0.0.1:2324 [file.js]
 * No native hooks are installed (MeterADC, CAN): bundles that need them report
 * "Uncaught ReferenceError"; use `npm start` for the full network.
 */
import { readFileSync } from "node:fs";
import { RealClock } from "../runtime/index.ts";
import { ConsoleDevice } from "./consoleDevice.ts";

function usage(message: string): never {
  process.stderr.write("serve.ts: " + message + "\nusage: npx tsx host/console/serve.ts [--port 2324] [--storage FLASH.img] [--bundle FILE]\n");
  process.exit(2);
}

let port = 2324;
let storagePath: string | undefined;
let bundle: string | undefined;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const v = argv[i + 1];
  if (argv[i] === "--port") { port = Number(v); i++; if (!(port >= 0 && port < 65536)) usage("--port needs 0..65535"); }
  else if (argv[i] === "--storage") { storagePath = v; i++; if (!v) usage("--storage needs a file"); }
  else if (argv[i] === "--bundle") { bundle = v; i++; if (!v) usage("--bundle needs a file"); }
  else usage("unknown option " + argv[i]);
}

const dev = new ConsoleDevice({ clock: new RealClock(), storagePath, output: () => undefined });
dev.powerOn();
if (bundle) dev.execute(readFileSync(bundle, "utf8"), bundle);
const bound = await dev.listen(port);
process.stdout.write("console: tcp://127.0.0.1:" + bound + "   (npx espruino --no-ble -p tcp://127.0.0.1:" + bound + ")\n");
process.on("SIGINT", () => { void dev.close().then(() => process.exit(0)); });
