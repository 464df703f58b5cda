#!/usr/bin/env bash
# Flash and RAM of every native source of the meter board, as Debian's
# arm-none-eabi-gcc builds it for the STM32F107 (-mcpu=cortex-m3 -mthumb -Os,
# the flags of Espruino's STM32F1 build). Flash = text + data (initialised data
# is stored in flash and copied), RAM = data + bss. Static sizes only: stack
# use is not in these figures (see README.md, RAM budget).
#
#   bash boards/STM32F107/size-report.sh            # table, the 50 Hz meter image (METERNET_F107)
#   bash boards/STM32F107/size-report.sh --check    # also fail on any warning
#   bash boards/STM32F107/size-report.sh --60hz     # the 60 Hz image (METERNET_F107_60HZ):
#                                                   # -DMK_FFT_N_MAX=2048, as its board file sets it
# The variants differ in RAM only (meternetBoard.c holds the kernel state:
# sizeof(mk_kernel_t) 7752 vs 11848 bytes); flash moves by a few hundred bytes.
#
# Exits non-zero if a file does not compile with -Wall -Wextra -Werror.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
command -v arm-none-eabi-gcc >/dev/null || { echo "size-report: arm-none-eabi-gcc missing: apt-get install -y gcc-arm-none-eabi libnewlib-arm-none-eabi" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
CFLAGS=(-std=c11 -mcpu=cortex-m3 -mthumb -mfloat-abi=soft -Os -ffunction-sections -fdata-sections -Wall -Wextra -Werror -I. -Itest/espruinoStub)
variant="METERNET_F107 (50 Hz meter image, 1024-point kernel)"
for arg in "$@"; do
  case "$arg" in
    --check) ;; # every build is -Werror already
    --60hz) CFLAGS+=(-DMK_FFT_N_MAX=2048); variant="METERNET_F107_60HZ (60 Hz meter image, 2048-point kernel)" ;;
    *) echo "size-report: unknown option '$arg' (--check, --60hz)" >&2; exit 2 ;;
  esac
done
# ours, then the measurement kernel (kernel/, maintained by the kernel engineer)
files=(drivers/bxcan.c drivers/adc.c drivers/dma.c drivers/tim.c
       can/canFrame.c can/canBitTiming.c can/canFilter.c can/canDriver.c
       adc/sampleClock.c adc/meterAdc.c adc/windowView.c meternetBoard.c
       jswrap/jswrap_can.c jswrap/jswrap_meteradc.c
       kernel/meterKernel.c kernel/harmonicFft.c kernel/meterKernelTables.c
       metering/mtAggregate.c metering/mtCalibration.c metering/mtChain.c metering/mtEnergy.c
       metering/mtProfile.c metering/mtReading.c metering/mtRetune.c metering/mtSqrt.c metering/mtVoltageEvents.c)
echo "variant: $variant"
printf '| object | text | data | bss | flash | RAM |\n|---|---:|---:|---:|---:|---:|\n'
tt=0; td=0; tb=0; status=0
for f in "${files[@]}"; do
  o="$out/$(basename "${f%.c}").o"
  if ! arm-none-eabi-gcc "${CFLAGS[@]}" -c "$f" -o "$o" 2>"$out/err"; then
    echo "| $f | does not compile | | | | |"; cat "$out/err" >&2; status=1; continue
  fi
  read -r t d b _ < <(arm-none-eabi-size "$o" | tail -1)
  tt=$((tt + t)); td=$((td + d)); tb=$((tb + b))
  printf '| %s | %d | %d | %d | %d | %d |\n' "$f" "$t" "$d" "$b" $((t + d)) $((d + b))
done
printf '| **total** | %d | %d | %d | **%d** | **%d** |\n' "$tt" "$td" "$tb" $((tt + td)) $((td + tb))
exit $status
