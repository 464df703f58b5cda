/**
 * Espruino-compatible TCP consoles on the simulated devices (host/console's
 * ConsoleDevice: the espruino CLI uploads and opens a REPL through them): the
 * aggregator on the base port, meter m on base + m (2323, 2324.. by default).
 * Loaded dynamically so that the simulator still runs, without consoles, when
 * host/console is not there.
 */
import type { DeviceFactory, SimNetwork } from "./network.ts";

export interface Consoles {
  ports: { node: string; port: number }[];
  describe(): string;
}

/** A device factory with a console, or undefined (and why) when host/console is missing. */
export async function consoleDeviceFactory(host = "127.0.0.1"): Promise<{ factory?: DeviceFactory; why: string }> {
  try {
    const m = await import("../console/index.ts");
    if (typeof m.ConsoleDevice !== "function") return { why: "host/console has no ConsoleDevice" };
    return {
      why: "",
      factory: (opts) => {
        const d = new m.ConsoleDevice(opts);
        return { runtime: d.runtime, listen: (port: number) => d.listen(port, host), close: () => d.close() };
      },
    };
  } catch (e) {
    return { why: `host/console not loadable: ${(e as Error).message.split("\n")[0]}` };
  }
}

/** Opens every device's console; base 0 gives each a free port. */
export async function openConsoles(net: SimNetwork, basePort: number, host = "127.0.0.1"): Promise<Consoles | undefined> {
  const ports: { node: string; port: number }[] = [];
  for (const n of net.nodes) {
    if (!n.shell.listen) return undefined;
    const want = basePort === 0 ? 0 : basePort + (n.meter ? n.meter.address : 0);
    ports.push({ node: n.name, port: await n.shell.listen(want) });
  }
  return {
    ports,
    describe: () => {
      const first = ports.slice(1, 3).map((p) => p.port).join(", ");
      return `  consoles      aggregator ${host}:${ports[0].port}, meters ${first}${ports.length > 3 ? ", ... " + ports[ports.length - 1].port : ""}` +
        `   (npx espruino -p tcp://${host}:${ports[ports.length > 1 ? 1 : 0].port})\n`;
    },
  };
}
