#!/usr/bin/env bash
# The built aggregator bundle running in the Espruino host runtime (host/web/bundleCheck.ts).
# needs-build: yes
set -u
cd "$(dirname "$0")/../.."
[ -f build/aggregator.js ] || { echo "build/aggregator.js missing: run npm run build"; echo "0 passed, 1 failed"; exit 1; }
exec npx tsx host/web/bundleCheck.ts
