#!/usr/bin/env bash
# Every native source of the meter board compiled with Debian's arm-none-eabi-gcc
# for the STM32F107 (-mcpu=cortex-m3 -mthumb -Os -Wall -Wextra -Werror), the
# jswrap bindings against the minimal Espruino declarations in
# test/espruinoStub/ (they must at least parse and type-check as C), the same
# sources for the host with the register fakes, and the flash/RAM table
# (size-report.sh). Also checks that every KernelWindow property the binding
# sets exists in modules/metering/kernelWindow.ts.
# needs-apt: gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm libcmocka-dev libmbedtls-dev
# Last line: "N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
board="$(dirname "$here")"
root="$(cd "$board/../.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cd "$board"
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }

# -Wmissing-prototypes: Espruino's generated jswrapper.c knows a binding only through its
# jswrap_*.h, so a "generate" function missing from the header compiles here but not in
# the firmware build (it happened: setMetering/getEnergy/setEnergy).
arm=(-std=c11 -mcpu=cortex-m3 -mthumb -mfloat-abi=soft -Os -Wall -Wextra -Werror -Wmissing-prototypes -I. -Itest/espruinoStub)
for f in drivers/*.c can/*.c adc/*.c display/*.c meternetBoard.c jswrap/*.c; do
  if arm-none-eabi-gcc "${arm[@]}" -c "$f" -o "$out/x.o" 2>"$out/err"; then ok "arm-none-eabi-gcc $f"; else cat "$out/err"; bad "arm-none-eabi-gcc $f"; fi
done
# the meter images build MeterADC without its raw 'window' event (tools/firmware/imageFeatures.ts)
if arm-none-eabi-gcc "${arm[@]}" -DMN_NO_WINDOW_EVENT -c jswrap/jswrap_meteradc.c -o "$out/x.o" 2>"$out/err"; then ok "arm-none-eabi-gcc -DMN_NO_WINDOW_EVENT jswrap/jswrap_meteradc.c"; else cat "$out/err"; bad "arm-none-eabi-gcc -DMN_NO_WINDOW_EVENT jswrap/jswrap_meteradc.c"; fi
# the aggregator's side of jswrap_ota.c (METERNET_F107_AGG.py: -DMN_OTA -DMN_OTA_AGG)
if arm-none-eabi-gcc "${arm[@]}" -DMN_OTA -DMN_OTA_AGG -c jswrap/jswrap_ota.c -o "$out/x.o" 2>"$out/err"; then ok "arm-none-eabi-gcc -DMN_OTA_AGG jswrap/jswrap_ota.c"; else cat "$out/err"; bad "arm-none-eabi-gcc -DMN_OTA_AGG jswrap/jswrap_ota.c"; fi
# SecOC (secoc/): the mbedtls API comes from Debian's headers here (libmbedtls-dev),
# from Espruino's libs/crypto/mbedtls in the firmware; only the header is needed to compile.
mkdir -p "$out/mbedinc" && ln -s /usr/include/mbedtls "$out/mbedinc/mbedtls"
for f in secoc/*.c ota/*.c; do
  if arm-none-eabi-gcc "${arm[@]}" -I"$out/mbedinc" -c "$f" -o "$out/$(basename "${f%.c}").o" 2>"$out/err"; then
    ok "arm-none-eabi-gcc $f ($(arm-none-eabi-size "$out/$(basename "${f%.c}").o" | tail -1 | awk '{print "text " $1 ", data " $2 ", bss " $3}'))"
  else cat "$out/err"; bad "arm-none-eabi-gcc $f"; fi
  if gcc -std=c11 -Wall -Wextra -Werror -Wconversion -Wno-sign-conversion -c "$f" -o "$out/h.o" 2>"$out/err"; then ok "gcc (host) $f"; else cat "$out/err"; bad "gcc (host) $f"; fi
done
# host build of the driver sources with the register fakes (what host.suite.sh links)
for f in drivers/*.c can/*.c adc/*.c test/fake/*.c; do
  if gcc -std=c11 -Wall -Wextra -Werror -Wconversion -Wno-sign-conversion -DMN_FAKE_REGS -c "$f" -o "$out/h.o" 2>"$out/err"; then
    ok "gcc (host, fakes) $f"
  else cat "$out/err"; bad "gcc (host, fakes) $f"; fi
done
# the /*JSON{...}*/ blocks parse the way Espruino's build reads them
for f in jswrap/*.c; do
  if python3 test/checkJsonBlocks.py "$f"; then ok "JSON blocks of $f"; else bad "JSON blocks of $f"; fi
done
# every window property the binding sets is a KernelWindow property
kw="$root/modules/metering/kernelWindow.ts"
missing=""
for name in $(grep -o 'F("[A-Za-z]*"' adc/windowView.c | sed 's/F("//;s/"//') $(grep -o 'jsvObjectSetChildAndUnLock(o, "[A-Za-z]*", typed' jswrap/jswrap_meteradc.c | sed 's/.*(o, "//;s/".*//') sampleRateHz; do
  grep -Eq "^\s*$name\??:" "$kw" || missing="$missing $name"
done
if [ -z "$missing" ]; then ok "window properties all declared in kernelWindow.ts"; else bad "window properties not in kernelWindow.ts:$missing"; fi
if bash size-report.sh >"$out/size" 2>"$out/err"; then cat "$out/size"; ok "size report"; else cat "$out/err"; bad "size report"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
