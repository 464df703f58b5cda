/**
 * meternet password: the administrator login for an aggregator's agg.json.
 *
 *   npm run password -- --password P [--user admin]
 *
 * Prints the "auth" object (salted, iterated SHA-256 of the password: the password
 * itself is never stored) and the line that writes it into the device's agg.json from
 * its console (`npx espruino --no-ble -p /dev/ttyUSB0`, then paste; `load()` restarts
 * the application with it). The simulator does the same at every `npm start`.
 */
import { authConfig, ADMIN_USER } from "../sim/adminLogin.ts";

export async function main(argv: string[]): Promise<number> {
  let user = ADMIN_USER;
  let password: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--user" && argv[i + 1]) user = argv[++i];
    else if (argv[i] === "--password" && argv[i + 1] !== undefined) password = argv[++i];
    else {
      console.error(`meternet password: unknown option '${argv[i]}'\nusage: npm run password -- --password P [--user NAME]`);
      return 2;
    }
  }
  if (password === undefined) {
    console.error("meternet password: --password P is required (at least 8 printable ASCII characters)");
    return 2;
  }
  let auth;
  try {
    auth = authConfig(user, password);
  } catch (e) {
    console.error(`meternet password: ${(e as Error).message}`);
    return 2;
  }
  const json = JSON.stringify(auth);
  process.stdout.write(`"auth": ${json}\n\n` +
    `On the aggregator's console (npx espruino --no-ble -p /dev/ttyUSB0), paste:\n` +
    `var S = require("Storage"), c = S.readJSON("agg.json", 1) || {}; c.auth = ${json}; S.write("agg.json", JSON.stringify(c)); load();\n`);
  return 0;
}
