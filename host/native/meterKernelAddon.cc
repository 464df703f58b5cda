// Node binding of the meter kernel: only conversion between JS values and the C
// structs; every number comes from boards/STM32F107/kernel/meterKernel.c.
#include <napi.h>

#include <cmath>
#include <cstring>
#include <vector>

extern "C" {
#include "meterKernel.h"
}

namespace {

// Feed in DMA-sized chunks so the kernel's small window queue never overflows.
constexpr size_t kChunkPairs = 128;

class Kernel : public Napi::ObjectWrap<Kernel> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "MeterKernel",
                       {InstanceMethod("feed", &Kernel::Feed), InstanceMethod("takeWindows", &Kernel::TakeWindows),
                        InstanceMethod("flush", &Kernel::Flush),
                        InstanceMethod("stateBytes", &Kernel::StateBytes)});
  }

  explicit Kernel(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Kernel>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsObject()) {
      Napi::TypeError::New(env, "createKernel expects a config object {sampleRateHz, nominalHz, ...}")
          .ThrowAsJavaScriptException();
      return;
    }
    Napi::Object o = info[0].As<Napi::Object>();
    mk_config_t c;
    std::memset(&c, 0, sizeof c);
    c.sampleRateHz = Uint(o, "sampleRateHz");
    c.nominalHz = static_cast<uint8_t>(Uint(o, "nominalHz"));
    c.cycles = static_cast<uint8_t>(Uint(o, "cycles"));
    c.vMidLsb = static_cast<uint16_t>(Uint(o, "vMidLsb"));
    c.hysteresisLsb = static_cast<uint16_t>(Uint(o, "hysteresisLsb"));
    c.fitHalfWidth = static_cast<uint8_t>(Uint(o, "fitHalfWidth"));
    if (env.IsExceptionPending()) return;
    k_ = new mk_kernel_t;
    int rc = mk_init(k_, &c);
    if (rc != MK_OK) {
      Napi::RangeError::New(env, std::string("meter kernel config: ") + mk_error_text(rc)).ThrowAsJavaScriptException();
      return;
    }
    sampleRateHz_ = c.sampleRateHz;
  }

  ~Kernel() override { delete k_; }

 private:
  mk_kernel_t* k_ = nullptr;
  uint32_t sampleRateHz_ = 0;
  std::vector<mk_window_t> pending_;
  uint32_t lostHere_ = 0;

  static uint32_t Uint(Napi::Object o, const char* name) {
    Napi::Value v = o.Get(name);
    if (v.IsUndefined() || v.IsNull()) return 0;
    if (!v.IsNumber()) {
      Napi::TypeError::New(o.Env(), std::string("config.") + name + " must be a number").ThrowAsJavaScriptException();
      return 0;
    }
    double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= 0 && d <= 4294967295.0) || d != static_cast<double>(static_cast<uint32_t>(d))) {
      Napi::RangeError::New(o.Env(), std::string("config.") + name + " must be a non-negative integer")
          .ThrowAsJavaScriptException();
      return 0;
    }
    return static_cast<uint32_t>(d);
  }

  void Drain() {
    mk_window_t w;
    while (mk_take_window(k_, &w)) pending_.push_back(w);
  }

  Napi::Value Feed(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!k_) return env.Undefined();
    if (info.Length() < 1 || !info[0].IsTypedArray()) {
      Napi::TypeError::New(env, "feed expects a Uint16Array of {v, i} pairs or a Uint32Array of packed words")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::TypedArray ta = info[0].As<Napi::TypedArray>();
    if (ta.TypedArrayType() == napi_uint16_array) {
      Napi::Uint16Array a = ta.As<Napi::Uint16Array>();
      size_t n = a.ElementLength();
      if (n % 2 != 0) {
        Napi::RangeError::New(env, "feed: a Uint16Array must hold whole {v, i} pairs (even length)")
            .ThrowAsJavaScriptException();
        return env.Undefined();
      }
      const uint16_t* p = a.Data();
      for (size_t off = 0; off < n / 2; off += kChunkPairs) {
        size_t m = n / 2 - off < kChunkPairs ? n / 2 - off : kChunkPairs;
        mk_feed_pairs(k_, p + 2 * off, m);
        Drain();
      }
    } else if (ta.TypedArrayType() == napi_uint32_array) {
      Napi::Uint32Array a = ta.As<Napi::Uint32Array>();
      size_t n = a.ElementLength();
      const uint32_t* p = a.Data();
      for (size_t off = 0; off < n; off += kChunkPairs) {
        size_t m = n - off < kChunkPairs ? n - off : kChunkPairs;
        mk_feed_packed(k_, p + off, m);
        Drain();
      }
    } else {
      Napi::TypeError::New(env, "feed expects a Uint16Array of {v, i} pairs or a Uint32Array of packed words")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
    return Napi::Number::New(env, static_cast<double>(pending_.size()));
  }

  static Napi::Float32Array GroupsLsb(Napi::Env env, const uint32_t* q16) {
    Napi::Float32Array a = Napi::Float32Array::New(env, MK_GROUPS);
    for (size_t g = 0; g < MK_GROUPS; g++) a[g] = static_cast<float>(q16[g] / 65536.0);
    return a;
  }

  Napi::Object ToJs(Napi::Env env, const mk_window_t& w) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("index", static_cast<double>(w.index));
    o.Set("startSample", static_cast<double>(w.startSample));
    o.Set("sampleRateHz", static_cast<double>(sampleRateHz_));
    o.Set("cycles", static_cast<double>(w.cycles));
    o.Set("sampleCount", static_cast<double>(w.sampleCount));
    o.Set("sumVLsb", static_cast<double>(w.sumV));
    o.Set("sumILsb", static_cast<double>(w.sumI));
    o.Set("sumVVLsb2", static_cast<double>(w.sumVV));
    o.Set("sumIILsb2", static_cast<double>(w.sumII));
    o.Set("sumVILsb2", static_cast<double>(w.sumVI));
    o.Set("sumVIPrevLsb2", static_cast<double>(w.sumVIp));
    o.Set("sumVPrevILsb2", static_cast<double>(w.sumVpI));
    o.Set("firstVLsb", static_cast<double>(w.edgeV[0]));
    o.Set("firstILsb", static_cast<double>(w.edgeI[0]));
    o.Set("lastVLsb", static_cast<double>(w.edgeV[3]));
    o.Set("lastILsb", static_cast<double>(w.edgeI[3]));
    Napi::Uint16Array ev = Napi::Uint16Array::New(env, 4), ei = Napi::Uint16Array::New(env, 4);
    for (size_t j = 0; j < 4; j++) {
      ev[j] = w.edgeV[j];
      ei[j] = w.edgeI[j];
    }
    o.Set("edgeVLsb", ev);
    o.Set("edgeILsb", ei);
    Napi::Float64Array cr = Napi::Float64Array::New(env, w.crossingCount);
    for (size_t j = 0; j < w.crossingCount; j++) cr[j] = w.crossingQ16[j] / 65536.0;
    o.Set("crossingsSample", cr);
    Napi::Float32Array ur = Napi::Float32Array::New(env, w.urmsCount);
    Napi::Float64Array ue = Napi::Float64Array::New(env, w.urmsCount);
    for (size_t j = 0; j < w.urmsCount; j++) {
      ur[j] = static_cast<float>(std::sqrt(w.urmsMsQ8[j] / 256.0));
      ue[j] = w.urmsEndSample[j];
    }
    o.Set("urmsHalfLsb", ur);
    o.Set("urmsHalfEndSample", ue);
    o.Set("hVLsb", GroupsLsb(env, w.hVQ16));
    o.Set("hILsb", GroupsLsb(env, w.hIQ16));
    o.Set("harmonicMaxOrder", static_cast<double>(w.harmonicMaxOrder));
    o.Set("vMidLsb", static_cast<double>(w.vMidLsb));
    o.Set("syncErrorSample", w.syncErrorQ16 / 65536.0);
    o.Set("flags", static_cast<double>(w.flags));
    o.Set("droppedBefore", static_cast<double>(w.droppedBefore));
    return o;
  }

  // End of data: mk_flush queues the open window as PARTIAL (its Urms(1/2) values).
  Napi::Value Flush(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!k_) return env.Undefined();
    mk_flush(k_);
    Drain();
    return Napi::Number::New(env, static_cast<double>(pending_.size()));
  }

  Napi::Value TakeWindows(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Array out = Napi::Array::New(env, pending_.size());
    for (size_t j = 0; j < pending_.size(); j++) out.Set(static_cast<uint32_t>(j), ToJs(env, pending_[j]));
    pending_.clear();
    return out;
  }

  Napi::Value StateBytes(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(sizeof(mk_kernel_t)));
  }
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("MeterKernel", Kernel::Define(env));
  exports.Set("groups", Napi::Number::New(env, MK_GROUPS));
  return exports;
}

}  // namespace

NODE_API_MODULE(meterKernel, Init)
