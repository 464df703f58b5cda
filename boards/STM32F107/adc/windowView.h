/*
 * mk_window_t -> the fields of modules/metering/kernelWindow.ts (KernelWindow),
 * in plain C so the JavaScript binding only allocates and names. The scalar
 * table lists every number field with its TS name; the array fillers write
 * native doubles / floats with memcpy, so destinations need no alignment
 * (Espruino's flat strings are not 8-byte aligned, and the Cortex-M3 faults on
 * unaligned 64-bit stores).
 */
#ifndef MN_WINDOW_VIEW_H
#define MN_WINDOW_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "../kernel/meterKernel.h"

typedef enum { MN_WF_U8, MN_WF_U16, MN_WF_U32, MN_WF_U64, MN_WF_Q16 } mn_window_field_kind_t;

typedef struct {
  const char *name; /* KernelWindow property */
  uint8_t kind;     /* mn_window_field_kind_t */
  uint16_t offset;  /* into mk_window_t */
} mn_window_field_t;

extern const mn_window_field_t mn_window_fields[];
extern const size_t mn_window_field_count;

double mn_window_field_value(const mk_window_t *w, const mn_window_field_t *f);

/* Array properties: element counts, then fillers writing `count` elements. */
size_t mn_window_crossing_count(const mk_window_t *w); /* crossingsSample (Float64) */
size_t mn_window_urms_count(const mk_window_t *w);     /* urmsHalfLsb (Float32), urmsHalfEndSample (Float64) */
void mn_window_fill_crossings(const mk_window_t *w, void *dstF64);
void mn_window_fill_urms(const mk_window_t *w, void *dstF32);
void mn_window_fill_urms_end(const mk_window_t *w, void *dstF64);
/* hVLsb / hILsb (Float32, MK_GROUPS values): channel 0 = V, 1 = I. */
void mn_window_fill_harmonics(const mk_window_t *w, int channel, void *dstF32);

/* edgeVLsb / edgeILsb (Uint16, MN_WINDOW_EDGES values: samples 0, 1, N-2, N-1). */
#define MN_WINDOW_EDGES 4
void mn_window_fill_edges(const mk_window_t *w, int channel, void *dstU16);

#endif
