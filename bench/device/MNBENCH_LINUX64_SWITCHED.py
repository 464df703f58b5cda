#!/bin/false
# The timing rig's Linux interpreter (MNBENCH_LINUX64.py) with what the meternet images
# compile out of Espruino: the switch lines and blacklist of the meter image's board file
# (boards/STM32F107/METERNET_F107.py), read from there (tools/firmware/imageFeatures.ts is their table), so
# the bundles are run and timed on an interpreter that lacks exactly what the chip's
# lacks. Needs METERNET_F107.py linked into the tree's boards/ too (npm run firmware
# does that; bench/device/linuxInterpreter.ts links both).
import copy
import MNBENCH_LINUX64 as base
import METERNET_F107 as image

info = copy.deepcopy(base.info)
info['name'] = "meternet timing rig: Linux 64-bit, board-like, the images' switches"
info['build']['makefile'] = info['build']['makefile'] + [
  l for l in image.info['build']['makefile']
  if l.startswith('DEFINES+=-DESPR_NO_') or l.startswith('USE_') or l.startswith('BLACKLIST=')
]
chip = base.chip
devices = base.devices

def get_pins():
  return base.get_pins()
