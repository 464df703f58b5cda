#!/usr/bin/env bash
# Browser end-to-end test of the aggregator's web app at two sizes (see host/web/e2e.ts).
# needs-apt: chromium
# needs-build: yes
set -u
cd "$(dirname "$0")/../.."
if [ ! -x /usr/bin/chromium ]; then
  (flock /tmp/apt.lock apt-get install -y chromium >/dev/null 2>&1) || { echo "chromium missing and could not be installed"; echo "0 passed, 1 failed"; exit 1; }
fi
[ -f build/web/web.json ] || { echo "build/web/web.json missing: run npm run build"; echo "0 passed, 1 failed"; exit 1; }
exec npx tsx host/web/e2e.ts
