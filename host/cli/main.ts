/**
 * meternet command line. Each subcommand lives in its own file under host/cli/.
 *   meternet start [options]      the simulated network (npm start)
 *   meternet analyze <cfg> [...]  the measurement chain over a COMTRADE record
 *   meternet password --password P  the administrator login for an aggregator's agg.json
 *   meternet prices --url U --token T FILE  a price or forecast file, parsed here, into an aggregator
 *   meternet ota --aggregator URL --bundle F  a script update of the meters (host/cli/ota.ts)
 *   meternet ota --slcan ADAPTER --bundle F --meters L --key-file K  the same over a USB-CAN adapter (otaSlcan.ts)
 */
const commands: Record<string, () => Promise<{ main(argv: string[]): Promise<number> }>> = {
  start: () => import("./start.ts"),
  analyze: () => import("./analyze.ts"),
  password: () => import("./password.ts"),
  prices: () => import("./prices.ts"),
  ota: () => import("./ota.ts"),
};

const [name, ...rest] = process.argv.slice(2);
const load = name ? commands[name] : undefined;
if (!load) {
  console.error(`usage: meternet <${Object.keys(commands).join("|")}> [options]\n` +
    (name ? `unknown command '${name}'` : "no command given"));
  process.exit(2);
}
const mod = await load();
process.exitCode = await mod.main(rest);

// a module, so that top-level await is allowed; it exports nothing
export {};
