#!/bin/false
# meternet timing rig (bench/device), part (b), for the aggregator: MNBENCH_THUMB_M3 with
# 30 000 variables. `--test FILE` keeps the whole script in variables (prelude 40 KB and the
# aggregator's 64 KB bundle: about 9 000), so the 16 000 of the meter's build run out at the
# aggregator's boot. Above 16 383 variables Espruino's references are 16 bits (no bit
# packing: a few instructions less per reference than the chip's 12-bit ones); the build
# reports 15-byte JsVars (process.memory().blocksize).
import copy
from MNBENCH_THUMB_M3 import info, chip, devices, get_pins
info = copy.deepcopy(info)
info['name'] = "meternet timing rig: Linux user mode, Cortex-M3 Thumb-2 code, 30 000 variables"
info['variables'] = 30000
