/* The display's built-in font: 5x7 glyphs in 6x8 cells, ASCII 32..126 (others drawn as '?'). */
#ifndef LCD_FONT5X7_H
#define LCD_FONT5X7_H
#include <stdint.h>

#define LCD_FONT_FIRST 32
#define LCD_FONT_LAST 126
#define LCD_CELL_W 6
#define LCD_CELL_H 8

extern const uint8_t lcd_font5x7[95 * 5];

#endif
