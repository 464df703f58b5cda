// `npm install` / `npm ci` step: builds the Node addons (binding.gyp: the meter kernel and
// metering chain, and the SecOC C). The SecOC addon links Debian's libmbedcrypto, which a
// fresh machine lacks, and `npm install` runs before `npm test` could install it: so it is
// installed here as the test runner installs its packages (root: apt-get; otherwise stop
// at once with the exact line to run). Then `node-gyp configure build` (not `rebuild`,
// whose clean step deletes build/, where rollup's bundles live too).
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

const PACKAGE = "libmbedtls-dev";
const HEADER = "/usr/include/mbedtls/aes.h";

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  return r.status === 0;
}

if (!existsSync(HEADER)) {
  const line = `apt-get install -y --no-install-recommends ${PACKAGE}`;
  if (process.getuid?.() !== 0) {
    console.error(`The SecOC addon needs ${PACKAGE} (${HEADER} is missing). Run:\n  sudo apt-get update && sudo ${line}\nthen npm install again.`);
    process.exit(1);
  }
  console.log(`Installing Debian package ${PACKAGE} for the SecOC addon`);
  if (!run("apt-get", ["update"]) || !run("apt-get", line.split(" ").slice(1))) {
    console.error(`apt-get could not install ${PACKAGE}; install it and run npm install again`);
    process.exit(1);
  }
}
process.exit(run("node-gyp", ["configure", "build"]) ? 0 : 1);
