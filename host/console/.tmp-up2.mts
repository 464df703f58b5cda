import { ConsoleDevice } from "/work/main/host/console/index.ts";
import { RealClock } from "/work/main/host/runtime/index.ts";
import { main } from "/work/main/host/cli/upload.ts";
const dev = new ConsoleDevice({ clock: new RealClock() });
dev.powerOn();
const port = await dev.listen(0);
const rc = await main(["--port", "tcp://127.0.0.1:" + port, "--role", "meter", "--address", "5"], 60000);
console.log("RC", rc, "files", dev.runtime.flash.files().filter((f) => !f.erased).map((f) => f.name + ":" + f.size));
await dev.close();
