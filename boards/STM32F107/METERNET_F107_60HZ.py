#!/bin/false
# meternet meter for 60 Hz mains: METERNET_F107 (the 50 Hz meter image) with the
# measurement kernel built for 12-cycle windows. Espruino's convention for a
# variant of a board is a board file of its own (its PUCKJS_MINIMAL.py,
# BANGLEJS2_IFLASH.py): one `make BOARD=...` per binary, each binary named after
# its variant, no extra make variables to keep in step by hand.
#
#   make clean && make BOARD=METERNET_F107_60HZ RELEASE=1   # -> bin/espruino_2v29_meternet_f107_60hz.bin
#
# What changes, and why (numbers in README.md "RAM budget"):
#  - MK_FFT_N_MAX=2048: IEC 61000-4-7 windows are 12 cycles at 60 Hz; the kernel
#    resamples them to 2048 points (1024 cover only 10 cycles of 50 Hz), so
#    sizeof(mk_kernel_t) grows from 7592 to 11688 bytes (+4096: two int16 buffers).
#  - 'variables' 2600 -> 2280: the 4096 bytes come out of the JS variables
#    (13 bytes each: 320 x 13 = 4160 bytes), so the stack keeps its 10.4 KB.
# This image also measures 50 Hz (10-cycle windows use 1024 of the 2048 points),
# so it is the one to flash when a meter's mains frequency is not known yet.
# Everything else (pins, clocks, sources, saved-code area) is METERNET_F107's:
# imported, not copied, so the two images cannot drift apart. Espruino's scripts
# import board files by name with its boards/ folder on sys.path (importlib), so
# METERNET_F107.py must be linked there too (README.md, "Building the firmware").
import copy
import METERNET_F107 as meter50

info = copy.deepcopy(meter50.info)
info['name'] = "meternet STM32F107 meter, 60 Hz mains"
info['variables'] = 2280  # 13 bytes each: 29640 bytes (2600 - 320; the kernel's +4096 bytes)
info['binary_name'] = 'espruino_%v_meternet_f107_60hz.bin'
info['build']['makefile'] = info['build']['makefile'] + [
  'DEFINES+=-DMK_FFT_N_MAX=2048',  # 12-cycle (60 Hz) windows; every object sees it (one mk_kernel_t layout)
]

chip = meter50.chip
devices = meter50.devices
board = meter50.board


def get_pins():
  return meter50.get_pins()
