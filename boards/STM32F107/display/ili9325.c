#include "ili9325.h"

/*
 * Power-on sequence of the ILI9325 datasheet (V0.43, "Power On Sequence"), as the
 * STM3210C-EVAL module needs it: power supply setup with its waits, then gamma left at
 * reset, GRAM window full, 320 lines, display on. Entry mode 0x1018 (AM=1, both
 * addresses incrementing) writes along the panel's vertical address, which is the
 * landscape screen's x: a window is streamed row by row of the screen, x fastest.
 */
const ili_step_t ili_init_steps[] = {
  {0x00E5, 0x8000}, {0x0000, 0x0001}, {0x0001, 0x0100}, {0x0002, 0x0700}, {0x0003, 0x1018},
  {0x0004, 0x0000}, {0x0008, 0x0202}, {0x0009, 0x0000}, {0x000A, 0x0000}, {0x000C, 0x0000},
  {0x000D, 0x0000}, {0x000F, 0x0000},
  /* power on: stop, wait 200 ms, supply on in steps of 50 ms */
  {0x0010, 0x0000}, {0x0011, 0x0000}, {0x0012, 0x0000}, {0x0013, 0x0000}, {0xFFFF, 200},
  {0x0010, 0x17B0}, {0x0011, 0x0137}, {0xFFFF, 50}, {0x0012, 0x0139}, {0xFFFF, 50},
  {0x0013, 0x1D00}, {0x0029, 0x0013}, {0xFFFF, 50},
  /* full GRAM window, 320 gate lines, no scrolling */
  {0x0050, 0x0000}, {0x0051, 0x00EF}, {0x0052, 0x0000}, {0x0053, 0x013F},
  {0x0060, 0x2700}, {0x0061, 0x0001}, {0x006A, 0x0000},
  {0x0090, 0x0010}, {0x0092, 0x0000}, {0x0007, 0x0173},
};
const unsigned ili_init_count = sizeof(ili_init_steps) / sizeof(ili_init_steps[0]);

static void index_of(const lcd_io_t *io, uint16_t reg) {
  io->select(io->ctx, 1);
  io->byte(io->ctx, ILI_START_INDEX);
  io->byte(io->ctx, (uint8_t)(reg >> 8));
  io->byte(io->ctx, (uint8_t)reg);
  io->select(io->ctx, 0);
}

void ili_write_reg(const lcd_io_t *io, uint16_t reg, uint16_t value) {
  index_of(io, reg);
  io->select(io->ctx, 1);
  io->byte(io->ctx, ILI_START_WRITE);
  io->byte(io->ctx, (uint8_t)(value >> 8));
  io->byte(io->ctx, (uint8_t)value);
  io->select(io->ctx, 0);
}

void ili_init(const lcd_io_t *io, void (*wait_ms)(unsigned ms)) {
  for (unsigned i = 0; i < ili_init_count; i++) {
    if (ili_init_steps[i].reg == 0xFFFF) {
      if (wait_ms) wait_ms(ili_init_steps[i].value);
    } else {
      ili_write_reg(io, ili_init_steps[i].reg, ili_init_steps[i].value);
    }
  }
}

void ili_window(const lcd_io_t *io, int x, int y, int w, int h) {
  /* landscape: the screen's y is the panel's horizontal address (0..239), the screen's x its vertical (0..319) */
  ili_write_reg(io, 0x50, (uint16_t)y);
  ili_write_reg(io, 0x51, (uint16_t)(y + h - 1));
  ili_write_reg(io, 0x52, (uint16_t)x);
  ili_write_reg(io, 0x53, (uint16_t)(x + w - 1));
  ili_write_reg(io, 0x20, (uint16_t)y);
  ili_write_reg(io, 0x21, (uint16_t)x);
  index_of(io, ILI_REG_GRAM);
  io->select(io->ctx, 1);
  io->byte(io->ctx, ILI_START_WRITE);
}

void ili_display_on(const lcd_io_t *io, int on) {
  ili_write_reg(io, ILI_REG_DISPLAY, on ? 0x0173 : 0x0000);
}
