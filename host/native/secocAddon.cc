// Node binding of the SecOC C (boards/STM32F107/secoc): conversion of numbers and
// Uint8Arrays only; every MAC, freshness value and verdict comes from the C that
// the boards run. Built as its own target (meterSecoc.node) beside the kernel.
#include <napi.h>

#include <cstring>
#include <vector>

extern "C" {
#include "cmac.h"
#include "secocNode.h"
}

#include <cmath>

namespace {

// A Uint8Array argument of at least n bytes, or nullptr (a TypeError is thrown).
const uint8_t* Bytes(const Napi::CallbackInfo& info, size_t i, size_t n, const char* what) {
  if (info.Length() <= i || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
      info[i].As<Napi::Uint8Array>().ElementLength() < n) {
    Napi::TypeError::New(info.Env(), std::string(what) + " must be a Uint8Array of at least " + std::to_string(n) + " bytes")
        .ThrowAsJavaScriptException();
    return nullptr;
  }
  return info[i].As<Napi::Uint8Array>().Data();
}

double Num(const Napi::CallbackInfo& info, size_t i) {
  return info.Length() > i && info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : -1;
}

class Node : public Napi::ObjectWrap<Node> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "SecocNode",
                       {InstanceMethod("key", &Node::Key), InstanceMethod("setEpoch", &Node::SetEpoch),
                        InstanceMethod("epoch", &Node::Epoch), InstanceMethod("setRx", &Node::SetRx),
                        InstanceMethod("rx", &Node::Rx), InstanceMethod("setSyncLast", &Node::SetSyncLast),
                        InstanceMethod("sign", &Node::Sign), InstanceMethod("verify", &Node::Verify),
                        InstanceMethod("codec", &Node::Codec), InstanceMethod("publish", &Node::Publish),
                        InstanceMethod("stateBytes", &Node::StateBytes)});
  }

  // new SecocNode(slots, rxPerSlot, txPerSlot, plan64)
  explicit Node(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Node>(info) {
    const uint8_t* plan = Bytes(info, 3, MN_SECOC_PLAN_BYTES, "plan");
    if (!plan) return;
    unsigned slots = static_cast<unsigned>(Num(info, 0)), rx = static_cast<unsigned>(Num(info, 1)),
             tx = static_cast<unsigned>(Num(info, 2));
    size_t n = mn_secoc_node_bytes(slots, rx, tx);
    st_.assign(n > 0 ? n : 1, 0);
    if (n == 0 || mn_secoc_node_init(st_.data(), n, slots, rx, tx, plan) != 0) {
      Napi::RangeError::New(info.Env(), "SecocNode: slots 1..64, counters 1..15, and a plan whose indexes fit them")
          .ThrowAsJavaScriptException();
    }
  }

 private:
  std::vector<uint8_t> st_;

  Napi::Value Key(const Napi::CallbackInfo& info) {
    const uint8_t* k = Bytes(info, 2, 16, "key");
    if (!k) return info.Env().Undefined();
    bool derive = info.Length() > 3 && info[3].ToBoolean().Value();
    return Napi::Number::New(info.Env(), mn_secoc_node_key(st_.data(), static_cast<unsigned>(Num(info, 0)),
                                                           static_cast<unsigned>(Num(info, 1)), k, derive ? 1 : 0));
  }
  Napi::Value SetEpoch(const Napi::CallbackInfo& info) {
    mn_secoc_node_set_epoch(st_.data(), static_cast<int64_t>(Num(info, 0)));
    return info.Env().Undefined();
  }
  Napi::Value Epoch(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(mn_secoc_node_epoch(st_.data())));
  }
  Napi::Value SetRx(const Napi::CallbackInfo& info) {
    mn_secoc_node_set_rx(st_.data(), static_cast<unsigned>(Num(info, 0)), static_cast<int64_t>(Num(info, 1)));
    return info.Env().Undefined();
  }
  Napi::Value Rx(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(mn_secoc_node_rx(st_.data(), static_cast<unsigned>(Num(info, 0)),
                                                                              static_cast<unsigned>(Num(info, 1)))));
  }
  Napi::Value SetSyncLast(const Napi::CallbackInfo& info) {
    mn_secoc_node_set_sync_last(st_.data(), static_cast<unsigned>(Num(info, 0)), static_cast<int64_t>(Num(info, 1)));
    return info.Env().Undefined();
  }
  // sign(id, data4, fv, out8) -> FV used or negative code
  Napi::Value Sign(const Napi::CallbackInfo& info) {
    const uint8_t* d = Bytes(info, 1, 4, "data");
    const uint8_t* o = d ? Bytes(info, 3, 8, "out") : nullptr;
    if (!o) return info.Env().Undefined();
    int64_t r = mn_secoc_node_sign(st_.data(), static_cast<uint32_t>(Num(info, 0)), d, static_cast<int64_t>(Num(info, 2)),
                                   const_cast<uint8_t*>(o));
    return Napi::Number::New(info.Env(), static_cast<double>(r));
  }
  // verify(id, flags, dlc, payload8, out: Float64Array(5) <- [fv, data32, v0, v1, v2]) -> verdict or -1
  Napi::Value Verify(const Napi::CallbackInfo& info) {
    if (info.Length() < 4 || !info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      return Napi::Number::New(info.Env(), -1);
    }
    uint8_t payload[8] = {0};
    Napi::Uint8Array a = info[3].As<Napi::Uint8Array>();
    size_t len = a.ElementLength();
    if (len > 0) std::memcpy(payload, a.Data(), len < 8 ? len : 8);
    uint8_t dlc = static_cast<uint8_t>(Num(info, 2));
    if (len != dlc) return Napi::Number::New(info.Env(), -1);
    int64_t fv = -1;
    uint32_t data = 0;
    uint32_t id = static_cast<uint32_t>(Num(info, 0));
    int v = mn_secoc_node_verify(st_.data(), id, static_cast<uint8_t>(Num(info, 1)), dlc, payload, &fv, &data);
    double sig[4] = {0, 0, 0, 0};
    if (v == MN_SECOC_OK) (void)mn_secoc_node_decode(st_.data(), id >> 6, payload, sig);
    if (info.Length() > 4 && info[4].IsTypedArray()) {
      Napi::Float64Array out = info[4].As<Napi::Float64Array>();
      if (out.ElementLength() >= 5) {
        out[0] = static_cast<double>(fv);
        out[1] = static_cast<double>(data);
        for (int i = 0; i < 3; i++) out[2 + i] = sig[i];
      }
    }
    return Napi::Number::New(info.Env(), v);
  }
  Napi::Value Codec(const Napi::CallbackInfo& info) {
    const uint8_t* t = Bytes(info, 0, 64, "codec table");
    if (!t) return info.Env().Undefined();
    return Napi::Number::New(info.Env(), mn_secoc_node_codec(st_.data(), t, info[0].As<Napi::Uint8Array>().ElementLength()));
  }
  struct StoreCtx {
    Napi::Env env;
    Napi::Function fn;
  };
  static int StoreCb(void* ctx, uint32_t id, const uint8_t payload[8]) {
    StoreCtx* c = static_cast<StoreCtx*>(ctx);
    Napi::Uint8Array p = Napi::Uint8Array::New(c->env, 8);
    std::memcpy(p.Data(), payload, 8);
    Napi::Value r = c->fn.Call({Napi::Number::New(c->env, id), p});
    return r.IsNumber() ? r.As<Napi::Number>().Int32Value() : -22;
  }
  // publish(values: Float64Array, latest: Uint8Array(128), store(id, payload8) -> slot or negative)
  Napi::Value Publish(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
        !info[2].IsFunction()) {
      return Napi::Number::New(env, MN_SECOC_EINVAL);
    }
    const uint8_t* l = Bytes(info, 1, 128, "latest");
    if (!l) return env.Undefined();
    Napi::Float64Array v = info[0].As<Napi::Float64Array>();
    StoreCtx c{env, info[2].As<Napi::Function>()};
    int r = mn_secoc_node_publish(st_.data(), v.Data(), static_cast<unsigned>(v.ElementLength()), const_cast<uint8_t*>(l), nullptr,
                                  StoreCb, &c);
    return Napi::Number::New(env, r);
  }
  Napi::Value StateBytes(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(st_.size()));
  }

 public:
  // The state buffer, for the aggregator link (aglinkAddon.cc), which verifies with it.
  uint8_t* State() { return st_.data(); }
};

// cmac(key16, msg) -> Uint8Array(16): RFC 4493 on the board's C, for tests.
Napi::Value Cmac(const Napi::CallbackInfo& info) {
  const uint8_t* k = Bytes(info, 0, 16, "key");
  const uint8_t* m = k ? Bytes(info, 1, 0, "message") : nullptr;
  if (!m) return info.Env().Undefined();
  Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), 16);
  if (mn_cmac(k, m, info[1].As<Napi::Uint8Array>().ElementLength(), out.Data()) != 0) {
    Napi::Error::New(info.Env(), "AES failed").ThrowAsJavaScriptException();
  }
  return out;
}

// meterKey(master16, address) -> Uint8Array(16)
Napi::Value MeterKey(const Napi::CallbackInfo& info) {
  const uint8_t* k = Bytes(info, 0, 16, "master key");
  if (!k) return info.Env().Undefined();
  Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), 16);
  if (mn_secoc_meter_key(k, static_cast<unsigned>(Num(info, 1)), out.Data()) != 0) {
    Napi::RangeError::New(info.Env(), "meter address out of range 0..63").ThrowAsJavaScriptException();
  }
  return out;
}

}  // namespace

// For aglinkAddon.cc: the SecOC state of a SecocNode object, or nullptr.
uint8_t* meternetSecocState(const Napi::Value& v) {
  if (!v.IsObject()) return nullptr;
  Node* n = Node::Unwrap(v.As<Napi::Object>());
  return n ? n->State() : nullptr;
}
Napi::Function meternetDefineAgLink(Napi::Env env);

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("SecocNode", Node::Define(env));
  exports.Set("cmac", Napi::Function::New(env, Cmac));
  exports.Set("meterKey", Napi::Function::New(env, MeterKey));
  exports.Set("AgLink", meternetDefineAgLink(env));
  return exports;
}

NODE_API_MODULE(meterSecoc, Init)
