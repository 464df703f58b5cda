// Node binding of the meter kernel: only conversion between JS values and the C
// structs; every number comes from boards/STM32F107/kernel/meterKernel.c.
#include <napi.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "windowJs.h"

Napi::Function DefineMeterAdcSampler(Napi::Env env);   // meterAdcAddon.cc
Napi::Function DefineCanDriverOnFakes(Napi::Env env);  // canDriverAddon.cc

extern "C" {
#include "meterKernel.h"
#include "mtChain.h"
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

  // The window as JavaScript: windowView.c's table and fillers (windowJs.cc), as on the device.
  Napi::Object ToJs(Napi::Env env, const mk_window_t& w) { return WindowJs(env, w, static_cast<double>(sampleRateHz_)); }

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

// ---- The metering chain (boards/STM32F107/metering) ----

double Num(Napi::Object o, const char* name, const char* where) {
  Napi::Value v = o.Get(name);
  if (!v.IsNumber()) {
    Napi::TypeError::New(o.Env(), std::string(where) + name + " must be a number").ThrowAsJavaScriptException();
    return 0;
  }
  return v.As<Napi::Number>().DoubleValue();
}

bool Calibration(Napi::Env env, Napi::Value v, mt_calibration_t* cal) {
  if (!v.IsObject() || !v.As<Napi::Object>().Get("v").IsObject() || !v.As<Napi::Object>().Get("i").IsObject()) {
    Napi::TypeError::New(env, "calibration must be {v: {unitPerLsb, zeroLsb, noiseLsb2}, i: {...}, phaseRad, frontEndHz}")
        .ThrowAsJavaScriptException();
    return false;
  }
  Napi::Object o = v.As<Napi::Object>();
  Napi::Object cv = o.Get("v").As<Napi::Object>(), ci = o.Get("i").As<Napi::Object>();
  cal->v.unitPerLsb = Num(cv, "unitPerLsb", "calibration.v.");
  cal->v.zeroLsb = Num(cv, "zeroLsb", "calibration.v.");
  cal->v.noiseLsb2 = Num(cv, "noiseLsb2", "calibration.v.");
  cal->i.unitPerLsb = Num(ci, "unitPerLsb", "calibration.i.");
  cal->i.zeroLsb = Num(ci, "zeroLsb", "calibration.i.");
  cal->i.noiseLsb2 = Num(ci, "noiseLsb2", "calibration.i.");
  cal->phaseRad = Num(o, "phaseRad", "calibration.");
  cal->frontEndHz = Num(o, "frontEndHz", "calibration.");
  return !env.IsExceptionPending();
}

// A KernelWindow from MeterKernel.takeWindows (its raw bytes) back into the struct.
bool RawWindow(Napi::Env env, Napi::Value v, mk_window_t* w, double* rateHz) {
  Napi::Value raw = v.IsObject() ? v.As<Napi::Object>().Get("raw") : env.Undefined();
  if (!raw.IsTypedArray() || raw.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
      raw.As<Napi::Uint8Array>().ElementLength() != sizeof(mk_window_t)) {
    Napi::TypeError::New(env, "expects a window from MeterKernel.takeWindows (with its raw bytes)").ThrowAsJavaScriptException();
    return false;
  }
  std::memcpy(w, raw.As<Napi::Uint8Array>().Data(), sizeof(mk_window_t));
  *rateHz = Num(v.As<Napi::Object>(), "sampleRateHz", "window.");
  return !env.IsExceptionPending();
}

// The window's rate step as the sampler told it ("rateStep": [ticksBefore, ticksAfter,
// stepPair], host/meterAdc's windows, meterAdcAddon.cc); false for windows without one
// (analyze's kernel, tests): the chain then takes the window at the rate last seen.
bool RateStep(Napi::Value v, mt_rate_step_t* step) {
  if (!v.IsObject()) return false;
  Napi::Value r = v.As<Napi::Object>().Get("rateStep");
  if (!r.IsTypedArray() || r.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array || r.As<Napi::Uint32Array>().ElementLength() != 3) return false;
  Napi::Uint32Array a = r.As<Napi::Uint32Array>();
  *step = {a[0], a[1], a[2]};
  return true;
}

Napi::Float32Array Groups(Napi::Env env, const float* h) {
  Napi::Float32Array a = Napi::Float32Array::New(env, MK_GROUPS);
  std::memcpy(a.Data(), h, MK_GROUPS * sizeof(float));
  return a;
}

void SetQuantities(Napi::Env env, Napi::Object o, const mt_quantities_t& q) {
  o.Set("fHz", q.fHz);
  o.Set("vRmsV", q.vRmsV);
  o.Set("iRmsA", q.iRmsA);
  o.Set("pW", q.pW);
  o.Set("qVar", q.qVar);
  o.Set("sVA", q.sVA);
  o.Set("nVA", q.nVA);
  o.Set("pf", q.pf);
  o.Set("thdVPct", q.thdVPct);
  o.Set("thdIPct", q.thdIPct);
  o.Set("hV", Groups(env, q.hV));
  o.Set("hI", Groups(env, q.hI));
}

Napi::Object ReadingJs(Napi::Env env, const mt_reading_t& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("startS", r.startS);
  o.Set("spanS", r.spanS);
  SetQuantities(env, o, r.q);
  o.Set("harmonicMaxOrder", static_cast<double>(r.harmonicMaxOrder));
  o.Set("flags", static_cast<double>(r.flags));
  return o;
}

const char* KindName(uint8_t kind) {
  return kind == MT_EVENT_SWELL ? "swell" : kind == MT_EVENT_INTERRUPTION ? "interruption" : "dip";
}

Napi::Object EventJs(Napi::Env env, const mt_event_t& e) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("kind", KindName(e.kind));
  o.Set("startS", e.startS);
  o.Set("durationS", e.durationS);
  o.Set("residualPct", e.residualPct);
  if (e.open) o.Set("open", true);
  return o;
}

Napi::Object AggregateJs(Napi::Env env, const mt_aggregate_t& a) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("interval", a.interval == MT_AGG_10_MIN ? "10min" : "150cycle");
  o.Set("startS", a.startS);
  o.Set("spanS", a.spanS);
  o.Set("windows", static_cast<double>(a.windows));
  o.Set("complete", a.complete != 0);
  SetQuantities(env, o, a.q);
  o.Set("flagged", a.flagged != 0);
  return o;
}

// windowReading(window, calibration): one window's readings (no chain state).
Napi::Value WindowReading(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  static mk_window_t w;
  double rateHz = 0;
  mt_calibration_t cal;
  if (!RawWindow(env, info[0], &w, &rateHz) || !Calibration(env, info[1], &cal)) return env.Undefined();
  mt_positions_t p;
  mt_reading_t r;
  mt_positions_from_window(&p, &w, rateHz);
  mt_window_reading(&r, &w, &p, &cal);
  return ReadingJs(env, r);
}

class Chain : public Napi::ObjectWrap<Chain> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "MeterChain",
                       {InstanceMethod("process", &Chain::Process), InstanceMethod("finish", &Chain::Finish),
                        InstanceMethod("rateAnswer", &Chain::RateAnswer), InstanceMethod("energy", &Chain::Energy),
                        InstanceMethod("setEnergy", &Chain::SetEnergy), InstanceMethod("profileAverageW", &Chain::ProfileAverageW),
                        InstanceMethod("stats", &Chain::Stats)});
  }

  explicit Chain(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Chain>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsObject()) {
      Napi::TypeError::New(env, "MeterChain expects {calibration, declaredV, utcAtStartS, startRateHz, nominalHz, regrid?, retune?}")
          .ThrowAsJavaScriptException();
      return;
    }
    Napi::Object o = info[0].As<Napi::Object>();
    mt_chain_config_t cfg;
    std::memset(&cfg, 0, sizeof cfg);
    if (!Calibration(env, o.Get("calibration"), &cfg.cal)) return;
    cfg.declaredV = Num(o, "declaredV", "MeterChain config.");
    cfg.utcAtStartS = Num(o, "utcAtStartS", "MeterChain config.");
    cfg.startRateHz = Num(o, "startRateHz", "MeterChain config.");
    cfg.nominalHz = static_cast<uint8_t>(Num(o, "nominalHz", "MeterChain config."));
    cfg.regrid = o.Get("regrid").ToBoolean().Value() ? 1 : 0;
    cfg.retune = o.Get("retune").ToBoolean().Value() ? 1 : 0;
    if (env.IsExceptionPending()) return;
    c_ = new mt_chain_t;
    int rc = mt_chain_init(c_, &cfg);
    if (rc != MT_OK) {
      Napi::RangeError::New(env, std::string("metering chain config: ") + mt_chain_error_text(rc)).ThrowAsJavaScriptException();
      delete c_;
      c_ = nullptr;
    }
  }

  ~Chain() override { delete c_; }

 private:
  mt_chain_t* c_ = nullptr;
  struct Out {
    Napi::Env env;
    Napi::Array windows, events, aggregates;
  };

  static void OnWindow(void* ctx, const mt_reading_t* r, int flagged) {
    Out* o = static_cast<Out*>(ctx);
    Napi::Object x = Napi::Object::New(o->env);
    x.Set("r", ReadingJs(o->env, *r));
    x.Set("flagged", flagged != 0);
    o->windows.Set(o->windows.Length(), x);
  }
  static void OnEvent(void* ctx, const mt_event_t* e) {
    Out* o = static_cast<Out*>(ctx);
    o->events.Set(o->events.Length(), EventJs(o->env, *e));
  }
  static void OnAggregate(void* ctx, const mt_aggregate_t* a) {
    Out* o = static_cast<Out*>(ctx);
    o->aggregates.Set(o->aggregates.Length(), AggregateJs(o->env, *a));
  }

  Napi::Object Result(Out& out, double wantRateHz) {
    Napi::Object res = Napi::Object::New(out.env);
    res.Set("windows", out.windows);
    res.Set("events", out.events);
    res.Set("aggregates", out.aggregates);
    res.Set("wantRateHz", wantRateHz);
    return res;
  }

  // process(window, sampleRateHz?): {windows: [{r, flagged}], events, aggregates, wantRateHz}
  Napi::Value Process(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    static mk_window_t w;
    double rateHz = 0;
    if (!c_ || !RawWindow(env, info[0], &w, &rateHz)) return env.Undefined();
    if (info.Length() > 1 && info[1].IsNumber()) rateHz = info[1].As<Napi::Number>().DoubleValue();
    mt_rate_step_t step;
    const bool told = RateStep(info[0], &step);
    Out out{env, Napi::Array::New(env), Napi::Array::New(env), Napi::Array::New(env)};
    mt_sink_t sink = {&out, OnWindow, OnEvent, OnAggregate};
    double want = mt_chain_process(c_, &w, rateHz, told ? &step : nullptr, &sink);
    return Result(out, want);
  }

  // finish(tail | null, sampleRateHz?): the same shape.
  Napi::Value Finish(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    static mk_window_t w;
    double rateHz = 0;
    const mk_window_t* tail = nullptr;
    mt_rate_step_t step;
    bool told = false;
    if (!c_) return env.Undefined();
    if (info.Length() > 0 && info[0].IsObject()) {
      if (!RawWindow(env, info[0], &w, &rateHz)) return env.Undefined();
      if (info.Length() > 1 && info[1].IsNumber()) rateHz = info[1].As<Napi::Number>().DoubleValue();
      told = RateStep(info[0], &step);
      tail = &w;
    }
    Out out{env, Napi::Array::New(env), Napi::Array::New(env), Napi::Array::New(env)};
    mt_sink_t sink = {&out, OnWindow, OnEvent, OnAggregate};
    mt_chain_finish(c_, tail, rateHz, told ? &step : nullptr, &sink);
    return Result(out, 0);
  }

  Napi::Value RateAnswer(const Napi::CallbackInfo& info) {
    if (c_ && info.Length() > 0 && info[0].IsNumber()) mt_chain_rate_answer(c_, info[0].As<Napi::Number>().DoubleValue());
    return info.Env().Undefined();
  }

  // The registers as plain values: {importWh: {milli, frac}, exportWh, importVarh, exportVarh}.
  Napi::Value Energy(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    if (!c_) return o;
    for (int k = 0; k < MT_REGISTERS; k++) {
      Napi::Object r = Napi::Object::New(env);
      r.Set("milli", static_cast<double>(c_->energy.r[k].milli));
      r.Set("frac", c_->energy.r[k].frac);
      o.Set(kRegisterNames[k], r);
    }
    return o;
  }

  Napi::Value SetEnergy(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!c_ || info.Length() < 1 || !info[0].IsObject()) {
      Napi::TypeError::New(env, "setEnergy expects {importWh: {milli, frac}, exportWh, importVarh, exportVarh}").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::Object o = info[0].As<Napi::Object>();
    mt_energy_t e = c_->energy;
    for (int k = 0; k < MT_REGISTERS; k++) {
      Napi::Value r = o.Get(kRegisterNames[k]);
      if (!r.IsObject() || mt_register_set(&e.r[k], Num(r.As<Napi::Object>(), "milli", "energy."), Num(r.As<Napi::Object>(), "frac", "energy.")) != 0) {
        if (!env.IsExceptionPending())
          Napi::RangeError::New(env, std::string("setEnergy: ") + kRegisterNames[k] + " needs a whole milli >= 0 and a frac in [0, 1)").ThrowAsJavaScriptException();
        return env.Undefined();
      }
    }
    c_->energy = e;
    return env.Undefined();
  }

  Napi::Value ProfileAverageW(const Napi::CallbackInfo& info) {
    double s = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
    return Napi::Number::New(info.Env(), c_ ? mt_profile_average_w(&c_->profile, s) : NAN);
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("windows", c_ ? static_cast<double>(c_->windows) : 0);
    o.Set("dropped", c_ ? static_cast<double>(c_->dropped) : 0);
    o.Set("stateBytes", static_cast<double>(sizeof(mt_chain_t)));
    return o;
  }

  static constexpr const char* kRegisterNames[MT_REGISTERS] = {"importWh", "exportWh", "importVarh", "exportVarh"};
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("MeterKernel", Kernel::Define(env));
  exports.Set("MeterChain", Chain::Define(env));
  exports.Set("MeterAdcSampler", DefineMeterAdcSampler(env));
  exports.Set("CanDriverOnFakes", DefineCanDriverOnFakes(env));
  exports.Set("windowReading", Napi::Function::New(env, WindowReading));
  exports.Set("groups", Napi::Number::New(env, MK_GROUPS));
  return exports;
}

}  // namespace

NODE_API_MODULE(meterKernel, Init)
