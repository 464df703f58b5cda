/* mk_window_t -> KernelWindow values; see windowView.h. */
#include "windowView.h"

#include <math.h>
#include <string.h>

#define F(name, kind, member) {name, kind, (uint16_t)offsetof(mk_window_t, member)}

const mn_window_field_t mn_window_fields[] = {
    F("index", MN_WF_U32, index),
    F("startSample", MN_WF_U64, startSample),
    F("cycles", MN_WF_U8, cycles),
    F("sampleCount", MN_WF_U32, sampleCount),
    F("sumVLsb", MN_WF_U32, sumV),
    F("sumILsb", MN_WF_U32, sumI),
    F("sumVVLsb2", MN_WF_U64, sumVV),
    F("sumIILsb2", MN_WF_U64, sumII),
    F("sumVILsb2", MN_WF_U64, sumVI),
    F("sumVIPrevLsb2", MN_WF_U64, sumVIp),
    F("sumVPrevILsb2", MN_WF_U64, sumVpI),
    F("firstVLsb", MN_WF_U16, edgeV[0]),
    F("firstILsb", MN_WF_U16, edgeI[0]),
    F("lastVLsb", MN_WF_U16, edgeV[3]),
    F("lastILsb", MN_WF_U16, edgeI[3]),
    F("harmonicMaxOrder", MN_WF_U8, harmonicMaxOrder),
    F("thdMaxOrder", MN_WF_U8, thdMaxOrder),
    F("vMidLsb", MN_WF_U16, vMidLsb),
    F("syncErrorSample", MN_WF_Q16, syncErrorQ16),
    F("flags", MN_WF_U16, flags),
    F("droppedBefore", MN_WF_U16, droppedBefore),
};
const size_t mn_window_field_count = sizeof(mn_window_fields) / sizeof(mn_window_fields[0]);

double mn_window_field_value(const mk_window_t *w, const mn_window_field_t *f) {
  const uint8_t *p = (const uint8_t *)w + f->offset;
  switch ((mn_window_field_kind_t)f->kind) {
    case MN_WF_U8: return *p;
    case MN_WF_U16: { uint16_t v; memcpy(&v, p, sizeof v); return v; }
    case MN_WF_U32: { uint32_t v; memcpy(&v, p, sizeof v); return v; }
    case MN_WF_U64: { uint64_t v; memcpy(&v, p, sizeof v); return (double)v; } /* exact below 2^53 */
    case MN_WF_Q16: { int32_t v; memcpy(&v, p, sizeof v); return v / 65536.0; }
  }
  return 0;
}

size_t mn_window_crossing_count(const mk_window_t *w) {
  return w->crossingCount <= MK_CROSSINGS_MAX ? w->crossingCount : MK_CROSSINGS_MAX;
}
size_t mn_window_urms_count(const mk_window_t *w) { return w->urmsCount <= MK_URMS_MAX ? w->urmsCount : MK_URMS_MAX; }

static void put_f64(void *dst, size_t k, double v) { memcpy((uint8_t *)dst + 8u * k, &v, 8); }
static void put_f32(void *dst, size_t k, float v) { memcpy((uint8_t *)dst + 4u * k, &v, 4); }

void mn_window_fill_crossings(const mk_window_t *w, void *dstF64) {
  for (size_t k = 0; k < mn_window_crossing_count(w); k++) put_f64(dstF64, k, w->crossingQ16[k] / 65536.0);
}

void mn_window_fill_urms(const mk_window_t *w, void *dstF32) {
  /* urmsMsQ8 is a mean square in LSB^2 * 256 */
  for (size_t k = 0; k < mn_window_urms_count(w); k++) put_f32(dstF32, k, (float)sqrt(w->urmsMsQ8[k] / 256.0));
}

void mn_window_fill_urms_end(const mk_window_t *w, void *dstF64) {
  for (size_t k = 0; k < mn_window_urms_count(w); k++) put_f64(dstF64, k, w->urmsEndSample[k]);
}

void mn_window_fill_harmonics(const mk_window_t *w, int channel, void *dstF32) {
  const uint32_t *h = channel ? w->hIQ16 : w->hVQ16;
  for (size_t k = 0; k < MK_GROUPS; k++) put_f32(dstF32, k, (float)(h[k] / 65536.0));
}

void mn_window_fill_edges(const mk_window_t *w, int channel, void *dstU16) {
  memcpy(dstU16, channel ? w->edgeI : w->edgeV, sizeof(w->edgeV));
}
