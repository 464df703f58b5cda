/*
 * A model of the ILI9325's SPI interface for the host tests: decodes the start bytes,
 * index and data writes, keeps the window and cursor registers and writes pixels into a
 * 320x240 landscape frame (AM=1: screen x fastest), and records every byte for the
 * sequence tests. Only what ili9325.c uses; reads are not modelled.
 */
#ifndef GRAM_MODEL_H
#define GRAM_MODEL_H

#include <stdint.h>
#include "display/lcdIo.h"

typedef struct {
  uint16_t frame[240][320];
  uint16_t reg[256];
  uint16_t index;
  int selected, start, nbytes, hi;
  int cx, cy; /* cursor, screen coordinates */
  uint8_t log[4096];
  unsigned logLen;
  unsigned long bytes; /* bytes on the wire (a repeat16 of n counts 2n) */
  unsigned selects;
} gram_t;

void gram_reset(gram_t *g);
lcd_io_t gram_io(gram_t *g);

#endif
