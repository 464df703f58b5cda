#!/bin/false
# meternet timing rig (bench/device), part (b), for the aggregator: MNBENCH_THUMB_M3 with
# 30 000 variables. `--test FILE` keeps the whole script in variables (prelude 40 KB and the
# aggregator's 64 KB bundle: about 9 000), so the 16 000 of the meter's build run out at the
# aggregator's boot. Above 16 383 variables Espruino's JsVars are 16 bytes with 16-bit
# references (no packing: a few instructions less per reference than the chip's 13 bytes).
import copy
from MNBENCH_THUMB_M3 import info, chip, devices, get_pins
info = copy.deepcopy(info)
info['name'] = "meternet timing rig: Linux user mode, Cortex-M3 Thumb-2 code, 30 000 variables"
info['variables'] = 30000
