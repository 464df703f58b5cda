// Node binding of the aggregator link's C (boards/STM32F107/aglink): the poll schedule,
// the answer path and the latest-value table, sync responses and relay commands with
// their acknowledgements (aglinkCommands.h) that CAN1 runs on the aggregator board,
// over the SecOC state of a SecocNode (secocAddon.cc). Numbers and typed arrays only.
//
// Two ways to drive it:
//  - with a JS target object {poll(a, fn), isSynced(a), requestSync(a), result?(a, fn, ok,
//    latencyMs, attempts)} passed to tick/answer/synced/pump: the schedule alone, as
//    poller.ts (aglinkEquivalence.test.ts compares the two frame for frame);
//  - without a target: the link's own (mn_ag_link_target), which sends remote frames and
//    signed sync requests through the function given to setSend(id, remote, data8) -> code.
#include <napi.h>

#include <cmath>
#include <cstring>
#include <vector>

extern "C" {
#include "aglinkAnswers.h"
#include "aglinkCommands.h"
#include "aglinkSchedule.h"
}

uint8_t* meternetSecocState(const Napi::Value& v);

namespace {

double Arg(const Napi::CallbackInfo& info, size_t i, double dflt) {
  return info.Length() > i && info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : dflt;
}

// A JS target for the schedule: the callbacks of one call.
struct JsTarget {
  Napi::Env env;
  Napi::Object obj;
  bool failed;
};

int Code(JsTarget* t, const char* name, std::initializer_list<napi_value> args) {
  if (t->failed) return -22;
  Napi::Value f = t->obj.Get(name);
  if (!f.IsFunction()) return -22;
  Napi::Value r = f.As<Napi::Function>().Call(t->obj, args);
  if (t->env.IsExceptionPending()) { t->failed = true; return -22; }
  if (r.IsBoolean()) return r.As<Napi::Boolean>().Value() ? 1 : 0;
  return r.IsNumber() ? r.As<Napi::Number>().Int32Value() : -22;
}

int JsPoll(void* ctx, unsigned a, unsigned fn) {
  JsTarget* t = static_cast<JsTarget*>(ctx);
  return Code(t, "poll", {Napi::Number::New(t->env, a), Napi::Number::New(t->env, fn)});
}
int JsIsSynced(void* ctx, unsigned a) {
  JsTarget* t = static_cast<JsTarget*>(ctx);
  return Code(t, "isSynced", {Napi::Number::New(t->env, a)}) > 0;
}
int JsRequestSync(void* ctx, unsigned a) {
  JsTarget* t = static_cast<JsTarget*>(ctx);
  return Code(t, "requestSync", {Napi::Number::New(t->env, a)});
}
void JsResult(void* ctx, unsigned a, unsigned fn, int ok, int32_t latencyMs, unsigned attempts) {
  JsTarget* t = static_cast<JsTarget*>(ctx);
  if (t->failed || !t->obj.Get("result").IsFunction()) return;
  Code(t, "result", {Napi::Number::New(t->env, a), Napi::Number::New(t->env, fn), Napi::Boolean::New(t->env, ok != 0),
                     Napi::Number::New(t->env, latencyMs), Napi::Number::New(t->env, attempts)});
}
const mn_ag_target_t kJsTarget = {JsPoll, JsIsSynced, JsRequestSync, JsResult};

class AgLink : public Napi::ObjectWrap<AgLink> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "AgLink",
                       {InstanceMethod("add", &AgLink::Add), InstanceMethod("tick", &AgLink::Tick),
                        InstanceMethod("answer", &AgLink::Answer), InstanceMethod("synced", &AgLink::Synced),
                        InstanceMethod("pump", &AgLink::Pump), InstanceMethod("isStale", &AgLink::IsStale),
                        InstanceMethod("lastGoodMs", &AgLink::LastGoodMs), InstanceMethod("setSend", &AgLink::SetSend),
                        InstanceMethod("receive", &AgLink::Receive), InstanceMethod("setSynced", &AgLink::SetSynced),
                        InstanceMethod("isSynced", &AgLink::IsSynced), InstanceMethod("badMacs", &AgLink::BadMacs),
                        InstanceMethod("counters", &AgLink::Counters), InstanceMethod("meter", &AgLink::Meter),
                        InstanceMethod("rows", &AgLink::Rows), InstanceMethod("latest", &AgLink::Latest), InstanceMethod("stateBytes", &AgLink::StateBytes),
                        InstanceMethod("acceptVerdicts", &AgLink::AcceptVerdicts), InstanceMethod("command", &AgLink::Command),
                        InstanceMethod("commandPending", &AgLink::CommandPending), InstanceMethod("reachable", &AgLink::Reachable)});
  }

  // new AgLink(secocNode, {capacity, maxInFlight, staleAfterPeriods, syncAfterMisses, syncRetryMs, syncRetryMaxMs?}, nowMs)
  explicit AgLink(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AgLink>(info) {
    Napi::Env env = info.Env();
    uint8_t* secoc = info.Length() > 0 ? meternetSecocState(info[0]) : nullptr;
    if (!secoc || info.Length() < 2 || !info[1].IsObject()) {
      if (!env.IsExceptionPending()) Napi::TypeError::New(env, "AgLink(secocNode, options, nowMs): a SecocNode and options").ThrowAsJavaScriptException();
      return;
    }
    secocRef_ = Napi::Persistent(info[0].As<Napi::Object>());
    Napi::Object o = info[1].As<Napi::Object>();
    auto num = [&](const char* k, double d) { Napi::Value v = o.Get(k); return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : d; };
    mn_ag_options_t opt;
    opt.capacity = static_cast<uint16_t>(num("capacity", 0));
    opt.maxInFlight = static_cast<uint8_t>(num("maxInFlight", 3));
    opt.staleAfterPeriods = static_cast<uint8_t>(num("staleAfterPeriods", 3));
    opt.syncAfterMisses = static_cast<uint8_t>(num("syncAfterMisses", 2));
    opt.syncRetryMs = static_cast<uint32_t>(num("syncRetryMs", 200));
    opt.syncRetryMaxMs = static_cast<uint32_t>(num("syncRetryMaxMs", 60000));
    size_t n = mn_ag_bytes(opt.capacity, opt.maxInFlight);
    st_.assign(n > 0 ? n : 1, 0);
    if (n == 0 || mn_ag_init(st_.data(), n, &opt, static_cast<int64_t>(Arg(info, 2, 0))) != 0) {
      Napi::RangeError::New(env, "AgLink: capacity 0..1024, maxInFlight 1..8, syncRetryMs > 0").ThrowAsJavaScriptException();
      return;
    }
    link_ = {st_.data(), secoc, SendCb, this, nullptr, nullptr};
    if (mn_ag_cmd_options(st_.data(), static_cast<unsigned>(num("ackTimeoutMs", 100)), static_cast<unsigned>(num("cmdRetries", 2))) != 0)
      Napi::RangeError::New(env, "AgLink: ackTimeoutMs 1..65535, cmdRetries 0..3").ThrowAsJavaScriptException();
  }

 private:
  std::vector<uint8_t> st_;
  Napi::ObjectReference secocRef_;
  Napi::FunctionReference send_;
  mn_ag_link_t link_{};
  Napi::Env* env_ = nullptr;
  uint32_t accept_ = 0; // verdicts rewritten to OK (fault-campaign tests only)

  static int Hook(void* ctx, int v) {
    const AgLink* self = static_cast<const AgLink*>(ctx);
    return v >= 0 && v < 32 && (self->accept_ & (1u << v)) ? 0 : v;
  }
  // acceptVerdicts(verdicts: number[]): a receiver without those checks (tests of the fault campaign); [] restores.
  Napi::Value AcceptVerdicts(const Napi::CallbackInfo& info) {
    accept_ = 0;
    if (info.Length() > 0 && info[0].IsArray()) {
      Napi::Array a = info[0].As<Napi::Array>();
      for (uint32_t i = 0; i < a.Length(); i++) {
        Napi::Value x = a.Get(i);
        if (x.IsNumber() && x.As<Napi::Number>().Int32Value() >= 0 && x.As<Napi::Number>().Int32Value() < 32) accept_ |= 1u << x.As<Napi::Number>().Int32Value();
      }
    }
    link_.verdictHook = accept_ ? Hook : nullptr;
    link_.hookCtx = this;
    return info.Env().Undefined();
  }

  static int SendCb(void* ctx, uint32_t id, int remote, uint8_t dlc, const uint8_t data[8]) {
    AgLink* self = static_cast<AgLink*>(ctx);
    if (self->send_.IsEmpty() || !self->env_) return -22;
    Napi::Env env = *self->env_;
    Napi::Uint8Array d = Napi::Uint8Array::New(env, remote ? 0 : dlc);
    if (!remote) std::memcpy(d.Data(), data, dlc);
    Napi::Value r = self->send_.Call({Napi::Number::New(env, id), Napi::Boolean::New(env, remote != 0), Napi::Number::New(env, dlc), d});
    if (env.IsExceptionPending()) return -22;
    return r.IsNumber() ? r.As<Napi::Number>().Int32Value() : -22;
  }

  // Runs op with the JS target in info[i] when it is an object, else the link's own target.
  template <typename F>
  Napi::Value WithTarget(const Napi::CallbackInfo& info, size_t i, F op) {
    Napi::Env env = info.Env();
    env_ = &env;
    if (info.Length() > i && info[i].IsObject()) {
      JsTarget t{env, info[i].As<Napi::Object>(), false};
      double r = op(&kJsTarget, static_cast<void*>(&t));
      env_ = nullptr;
      return env.IsExceptionPending() ? env.Undefined() : Napi::Number::New(env, r);
    }
    double r = op(&mn_ag_link_target, static_cast<void*>(&link_));
    env_ = nullptr;
    return env.IsExceptionPending() ? env.Undefined() : Napi::Number::New(env, r);
  }

  // add(address, fn, periodMs, priority, deadlineMs, retries, nowMs) -> index or negative
  Napi::Value Add(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), mn_ag_add(st_.data(), static_cast<unsigned>(Arg(info, 0, 64)), static_cast<unsigned>(Arg(info, 1, 99)),
                                                   static_cast<unsigned>(Arg(info, 2, 0)), static_cast<unsigned>(Arg(info, 3, 0)),
                                                   static_cast<unsigned>(Arg(info, 4, 0)), static_cast<unsigned>(Arg(info, 5, 0)),
                                                   static_cast<int64_t>(Arg(info, 6, 0))));
  }
  // tick(nowMs, target?)
  Napi::Value Tick(const Napi::CallbackInfo& info) {
    int64_t now = static_cast<int64_t>(Arg(info, 0, 0));
    // the link's own target: the commands' retries too (aglinkCommands.h), as CAN1's tick does
    return WithTarget(info, 1, [&](const mn_ag_target_t* t, void* c) {
      mn_ag_tick(st_.data(), t, c, now);
      if (t == &mn_ag_link_target) mn_ag_cmd_tick(&link_, now);
      return 0.0;
    });
  }
  Napi::Value Pump(const Napi::CallbackInfo& info) {
    int64_t now = static_cast<int64_t>(Arg(info, 0, 0));
    return WithTarget(info, 1, [&](const mn_ag_target_t* t, void* c) { mn_ag_pump(st_.data(), t, c, now); return 0.0; });
  }
  // answer(address, fn, nowMs, target?) -> entry or -1
  Napi::Value Answer(const Napi::CallbackInfo& info) {
    unsigned a = static_cast<unsigned>(Arg(info, 0, 64)), fn = static_cast<unsigned>(Arg(info, 1, 99));
    int64_t now = static_cast<int64_t>(Arg(info, 2, 0));
    return WithTarget(info, 3, [&](const mn_ag_target_t* t, void* c) { return static_cast<double>(mn_ag_answer(st_.data(), t, c, a, fn, now)); });
  }
  // synced(address, nowMs, target?)
  Napi::Value Synced(const Napi::CallbackInfo& info) {
    unsigned a = static_cast<unsigned>(Arg(info, 0, 64));
    int64_t now = static_cast<int64_t>(Arg(info, 1, 0));
    return WithTarget(info, 2, [&](const mn_ag_target_t* t, void* c) { mn_ag_synced(st_.data(), t, c, a, now); return 0.0; });
  }
  Napi::Value IsStale(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), mn_ag_is_stale(st_.data(), static_cast<unsigned>(Arg(info, 0, 64)), static_cast<unsigned>(Arg(info, 1, 99)),
                                                         static_cast<int64_t>(Arg(info, 2, 0))) != 0);
  }
  Napi::Value LastGoodMs(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(mn_ag_last_good_ms(st_.data(), static_cast<unsigned>(Arg(info, 0, 64)),
                                                                                static_cast<unsigned>(Arg(info, 1, 99)))));
  }
  // reachable(address): another protocol heard the meter (aglinkSchedule.h mn_ag_reachable)
  Napi::Value Reachable(const Napi::CallbackInfo& info) {
    mn_ag_reachable(st_.data(), static_cast<unsigned>(Arg(info, 0, 64)));
    return info.Env().Undefined();
  }
  // setSend((id, remote, dlc, data) -> code)
  Napi::Value SetSend(const Napi::CallbackInfo& info) {
    if (info.Length() > 0 && info[0].IsFunction()) send_ = Napi::Persistent(info[0].As<Napi::Function>());
    else send_.Reset();
    return info.Env().Undefined();
  }
  // receive(id, flags, dlc, payload, nowMs, out: Float64Array(7) <- [verdict, fv, data32, v0..v3], not for PLAIN) -> action (MN_AG_ACT_*)
  Napi::Value Receive(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint8_t payload[8] = {0};
    uint8_t dlc = static_cast<uint8_t>(Arg(info, 2, 0));
    if (info.Length() > 3 && info[3].IsTypedArray() && info[3].As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
      Napi::Uint8Array p = info[3].As<Napi::Uint8Array>();
      size_t len = p.ElementLength();
      if (len != dlc) return Napi::Number::New(env, MN_AG_ACT_PLAIN);
      std::memcpy(payload, p.Data(), len < 8 ? len : 8);
    }
    mn_ag_frame_t f{};
    env_ = &env;
    int act = mn_ag_receive(&link_, static_cast<uint32_t>(Arg(info, 0, 0xFFFF)), static_cast<uint8_t>(Arg(info, 1, 0)), dlc, payload,
                            static_cast<int64_t>(Arg(info, 4, 0)), &f);
    env_ = nullptr;
    if (act != MN_AG_ACT_PLAIN && info.Length() > 5 && info[5].IsTypedArray()) {
      Napi::Float64Array out = info[5].As<Napi::Float64Array>();
      if (out.ElementLength() >= 7) {
        out[0] = f.verdict;
        out[1] = static_cast<double>(f.fv);
        out[2] = f.data32;
        for (int i = 0; i < 4; i++) out[3 + i] = f.v[i];
      }
    }
    return Napi::Number::New(env, act);
  }
  Napi::Value SetSynced(const Napi::CallbackInfo& info) {
    mn_ag_set_synced(&link_, static_cast<unsigned>(Arg(info, 0, 64)), info.Length() > 1 && info[1].ToBoolean().Value());
    return info.Env().Undefined();
  }
  Napi::Value IsSynced(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), mn_ag_is_synced(&link_, static_cast<unsigned>(Arg(info, 0, 64))) != 0);
  }
  Napi::Value BadMacs(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), mn_ag_bad_macs(&link_, static_cast<unsigned>(Arg(info, 0, 64))));
  }
  // command(address, code, tariff, arg, nowMs) -> 0, -1 (not synchronised), MN_AG_EBUSY, MN_AG_EINVAL (mn_ag_command)
  Napi::Value Command(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    double a = Arg(info, 0, -1), c = Arg(info, 1, -1), t = Arg(info, 2, 0), g = Arg(info, 3, 0);
    if (!(a >= 0 && c >= 0 && t >= 0 && g >= 0)) return Napi::Number::New(env, MN_AG_EINVAL);
    env_ = &env;
    int r = mn_ag_command(&link_, static_cast<unsigned>(a), static_cast<unsigned>(c), static_cast<unsigned>(t), static_cast<unsigned>(g),
                          static_cast<int64_t>(Arg(info, 4, 0)));
    env_ = nullptr;
    return env.IsExceptionPending() ? env.Undefined() : Napi::Number::New(env, r);
  }
  Napi::Value CommandPending(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), mn_ag_cmd_pending(&link_, static_cast<unsigned>(Arg(info, 0, 64))) != 0);
  }
  // counters(out: Uint32Array(MN_AGC_COUNT + MN_AGR_COUNT)) -> count written (the rare path's MN_AGR_* after MN_AGC_*)
  Napi::Value Counters(const Napi::CallbackInfo& info) {
    uint32_t c[MN_AGC_COUNT + MN_AGR_COUNT];
    mn_ag_counters(&link_, c);
    mn_ag_rare_counters(&link_, c + MN_AGC_COUNT);
    if (info.Length() > 0 && info[0].IsTypedArray() && info[0].As<Napi::TypedArray>().TypedArrayType() == napi_uint32_array) {
      Napi::Uint32Array out = info[0].As<Napi::Uint32Array>();
      const size_t all = MN_AGC_COUNT + MN_AGR_COUNT;
      size_t n = out.ElementLength() < all ? out.ElementLength() : all;
      std::memcpy(out.Data(), c, 4 * n);
      return Napi::Number::New(info.Env(), static_cast<double>(n));
    }
    return Napi::Number::New(info.Env(), 0);
  }
  // meter(address, out: Uint32Array(5 or 6) <- polls, answered, missed, readings, synced[, refused])
  Napi::Value Meter(const Napi::CallbackInfo& info) {
    uint32_t m[MN_AG_METER_COUNT];
    mn_ag_meter(&link_, static_cast<unsigned>(Arg(info, 0, 64)), m);
    if (info.Length() > 1 && info[1].IsTypedArray() && info[1].As<Napi::TypedArray>().TypedArrayType() == napi_uint32_array &&
        info[1].As<Napi::Uint32Array>().ElementLength() >= 5) {
      Napi::Uint32Array out = info[1].As<Napi::Uint32Array>();
      size_t n = out.ElementLength() < static_cast<size_t>(MN_AG_METER_COUNT) ? out.ElementLength() : static_cast<size_t>(MN_AG_METER_COUNT);
      std::memcpy(out.Data(), m, 4 * n);
    }
    return info.Env().Undefined();
  }
  // rows(fns: Uint8Array, freshMask, changedMask, out: Float64Array) -> rows written (mn_ag_rows)
  Napi::Value Rows(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 4 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
        !info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
      return Napi::Number::New(env, MN_AG_EINVAL);
    Napi::Uint8Array fns = info[0].As<Napi::Uint8Array>();
    Napi::Float64Array out = info[3].As<Napi::Float64Array>();
    return Napi::Number::New(env, mn_ag_rows(&link_, fns.Data(), static_cast<unsigned>(fns.ElementLength()),
                                             static_cast<uint32_t>(Arg(info, 1, 0)), static_cast<uint32_t>(Arg(info, 2, 0)), out.Data(),
                                             static_cast<unsigned>(out.ElementLength())));
  }
  // latest(address, fn, out: Float64Array(3)) -> 1, 0 (not polled or never answered: NaN), -22 (mn_ag_latest)
  Napi::Value Latest(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
        info[2].As<Napi::Float64Array>().ElementLength() < 3)
      return Napi::Number::New(env, MN_AG_EINVAL);
    Napi::Float64Array out = info[2].As<Napi::Float64Array>();
    return Napi::Number::New(env, mn_ag_latest(&link_, static_cast<unsigned>(Arg(info, 0, 64)), static_cast<unsigned>(Arg(info, 1, 0)), out.Data()));
  }
  Napi::Value StateBytes(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(st_.size())); }
};

}  // namespace

Napi::Function meternetDefineAgLink(Napi::Env env) { return AgLink::Define(env); }
