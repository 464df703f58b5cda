/*
 * ILI9320/ILI9325-class TFT controller over its SPI interface (the STM3210C-EVAL's
 * 3.2" 320x240 module): a start byte says index or data (0x70: write index register,
 * 0x72: write data, 0x73: read data), then 16-bit values high byte first. Pixels go to
 * GRAM (register 0x22) inside a window (0x50..0x53) from a start address (0x20/0x21),
 * as a stream: no frame buffer on our side. Landscape: the panel's 240x320 portrait
 * GRAM is addressed with x and y exchanged (entry mode 0x03 AM=1).
 */
#ifndef ILI9325_H
#define ILI9325_H

#include <stdint.h>
#include "lcdIo.h"

#define LCD_W 320
#define LCD_H 240

#define ILI_START_INDEX 0x70
#define ILI_START_WRITE 0x72
#define ILI_START_READ 0x73
#define ILI_REG_ID 0x00
#define ILI_REG_DISPLAY 0x07
#define ILI_REG_GRAM 0x22

/* One step of the init table: register and value; register 0xFFFF = wait `value` ms. */
typedef struct { uint16_t reg, value; } ili_step_t;
extern const ili_step_t ili_init_steps[];
extern const unsigned ili_init_count;

void ili_write_reg(const lcd_io_t *io, uint16_t reg, uint16_t value);
/* Runs the init table; `wait_ms` is the board's delay (NULL on the host). */
void ili_init(const lcd_io_t *io, void (*wait_ms)(unsigned ms));
/* Window x..x+w-1, y..y+h-1 (screen coordinates, already clipped), cursor at its start, GRAM selected for writing: the caller streams w*h pixels then deselects. */
void ili_window(const lcd_io_t *io, int x, int y, int w, int h);
/* Display on (1) or off (0): register 0x07. */
void ili_display_on(const lcd_io_t *io, int on);

#endif
