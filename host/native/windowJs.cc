// See windowJs.h.
#include "windowJs.h"

#include <cstring>

extern "C" {
#include "adc/windowView.h"
}

namespace {

template <typename Array>
Array Filled(Napi::Env env, size_t count, void (*fill)(const mk_window_t*, void*), const mk_window_t& w) {
  Array a = Array::New(env, count);
  if (count) fill(&w, a.Data());
  return a;
}

template <typename Array>
Array Channel(Napi::Env env, size_t count, void (*fill)(const mk_window_t*, int, void*), const mk_window_t& w, int ch) {
  Array a = Array::New(env, count);
  fill(&w, ch, a.Data());
  return a;
}

}  // namespace

Napi::Object WindowJs(Napi::Env env, const mk_window_t& w, double sampleRateHz) {
  Napi::Object o = Napi::Object::New(env);
  for (size_t k = 0; k < mn_window_field_count; k++) o.Set(mn_window_fields[k].name, mn_window_field_value(&w, &mn_window_fields[k]));
  o.Set("sampleRateHz", sampleRateHz);
  o.Set("edgeVLsb", Channel<Napi::Uint16Array>(env, MN_WINDOW_EDGES, mn_window_fill_edges, w, 0));
  o.Set("edgeILsb", Channel<Napi::Uint16Array>(env, MN_WINDOW_EDGES, mn_window_fill_edges, w, 1));
  o.Set("crossingsSample", Filled<Napi::Float64Array>(env, mn_window_crossing_count(&w), mn_window_fill_crossings, w));
  o.Set("urmsHalfLsb", Filled<Napi::Float32Array>(env, mn_window_urms_count(&w), mn_window_fill_urms, w));
  o.Set("urmsHalfEndSample", Filled<Napi::Float64Array>(env, mn_window_urms_count(&w), mn_window_fill_urms_end, w));
  o.Set("hVLsb", Channel<Napi::Float32Array>(env, MK_GROUPS, mn_window_fill_harmonics, w, 0));
  o.Set("hILsb", Channel<Napi::Float32Array>(env, MK_GROUPS, mn_window_fill_harmonics, w, 1));
  Napi::Uint8Array raw = Napi::Uint8Array::New(env, sizeof(mk_window_t));
  std::memcpy(raw.Data(), &w, sizeof(mk_window_t));
  o.Set("raw", raw);
  return o;
}
