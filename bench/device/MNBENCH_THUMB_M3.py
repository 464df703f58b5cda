#!/bin/false
# meternet timing rig (bench/device), part (b): Espruino's Linux build cross-compiled as
# Cortex-M3 code. arm-linux-gnueabi-gcc with -mthumb -mfloat-abi=soft -mfix-cortex-m3-ldrd
# (the STM32F1 family's ARCHFLAGS), -Os and the ARM family's LTO/section flags, so the
# interpreter is the M3's Thumb-2 instruction stream with soft-float doubles.
# -march=armv7-r -mtune=cortex-m3 instead of -mcpu=cortex-m3: the same Thumb-2 with hardware
# divide (the disassembly of jsparse.c, jslex.c and jsutils.c is identical, jsvar.c differs by
# 4 bytes), but an A/R-profile object, so the linker turns calls into glibc's ARM-mode code
# into BLX (with an M-profile output it assumes no ARM code exists and emits BL: SIGILL). Static, so
# qemu-arm runs it as it is. 16 000 variables: 32-bit JsVars of 14 bytes with 14-bit packed
# references (the chip's 3 600..3 800 have 13 bytes and 12-bit references: the same
# shift-and-mask accessors with other constants). The chip's own size cannot hold a run:
# `--test FILE` keeps the whole script (prelude + harness + bundle) in variables, and 8 000
# ran out of memory in the meter's boot. USE_X86_CDECL only switches off jsnative.c's argument
# reordering for hard-float Linux ARM: the call path is then the STM32 builds' (soft-float
# AAPCS). The soft-float helpers (__aeabi_dadd ...) come from arm-none-eabi's
# thumb/v7/nofp libgcc (LIBGCC_V7M, set by bench/device/thumbInterpreter.ts): its
# double helpers disassemble identical to thumb/v7-m/nofp's (the profile-free v7 multilib links
# with R-profile objects, v7-m's does not), the code an
# M3 image links. glibc (string functions, printf) stays armel ARM-mode code. OPENWRT_UCLIBC
# only makes LINUX.make link -lc instead of -lstdc++ (not needed, not installed for armel).
import pinutils;
info = {
 'name' : "meternet timing rig: Linux user mode, Cortex-M3 Thumb-2 code",
 'default_console' : "EV_USBSERIAL",
 'variables' :  16000,
 'binary_name' : 'espruino',
 'build' : {
   'optimizeflags' : '-Os -fno-common -fno-exceptions -fdata-sections -ffunction-sections -fmerge-all-constants -flto=auto -fno-fat-lto-objects',
   'libraries' : [ 'NET', 'CRYPTO', 'SHA256', 'AES' ],
   'makefile' : [
     'CCPREFIX=arm-linux-gnueabi-',
     'CFLAGS+=-mthumb -march=armv7-r -mtune=cortex-m3 -mfix-cortex-m3-ldrd -mfloat-abi=soft',
     'LDFLAGS+=-mthumb -march=armv7-r -mtune=cortex-m3 -mfloat-abi=soft -static -Wl,--gc-sections',
     'LIBS+=-Wl,--whole-archive $(LIBGCC_V7M) -Wl,--no-whole-archive',
     'DEFINES+=-DUSE_X86_CDECL',
     'DEFINES+=-DSPIFLASH_BASE=0 -DSPIFLASH_LENGTH=FLASH_SAVED_CODE_LENGTH',
     'LINUX=1', 'OPENWRT_UCLIBC=1',
   ]
 }
};
chip = { 'part' : "LINUX", 'family' : "LINUX", 'package' : "", 'ram' : 0, 'flash' : 256, 'speed' : -1, 'usart' : 6, 'spi' : 3, 'i2c' : 3, 'adc' : 0, 'dac' : 0, };
devices = { 'USB' : {} }
def get_pins():
  return pinutils.generate_pins(0,32)
