// Node binding of the OTA links (boards/STM32F107/ota): the meter's (otaMeterLink.c,
// the chunk path and control answers behind CAN1) and the aggregator's (otaAggLink.c,
// manifests, broadcast rounds, repairs, commits). The C is the boards' C; this file
// only converts numbers and typed arrays. build/Release/meterOta.node; driven by
// host/canbus/otaAttach.ts on the simulator's bxCAN models.
//
// The aggregator's staged image (otaNorImage.c) runs over w25q.c and an SPI object in
// JavaScript: the simulator's SPI1 (host/runtime/nor.ts norSpi over the NOR model),
// each transaction (chip select low to high) one send(bytes, cs).
//
// The meter's staging space is a flash model in memory: erase sets 0xFF, and a write
// to a byte that is not erased fails, as STM32F1 half-word programming does, so a
// chunk staged twice would be caught.
#include <napi.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

extern "C" {
#include "otaAggLink.h"
#include "otaBoot.h"
#include "otaBootHook.h"
#include "otaMeterLink.h"
#include "otaNorImage.h"
#include "otaNorStaging.h"
#include "w25q.h"
}

namespace {

struct Flash {
  std::vector<uint8_t> bytes;
  uint32_t writes = 0, erases = 0;
  int failWrites = 0;
};

int FlashErase(void* ctx, uint32_t n) {
  Flash* f = static_cast<Flash*>(ctx);
  if (n > f->bytes.size()) return -1;
  std::memset(f->bytes.data(), 0xFF, f->bytes.size());
  f->erases++;
  return 0;
}
int FlashWrite(void* ctx, uint32_t off, const uint8_t* d, uint32_t n) {
  Flash* f = static_cast<Flash*>(ctx);
  if (f->failWrites > 0) { f->failWrites--; return -1; }
  if (off + n > f->bytes.size()) return -1;
  for (uint32_t i = 0; i < n; i++)
    if (f->bytes[off + i] != 0xFF) return -1;
  std::memcpy(f->bytes.data() + off, d, n);
  f->writes++;
  return 0;
}
int FlashRead(void* ctx, uint32_t off, uint8_t* d, uint32_t n) {
  Flash* f = static_cast<Flash*>(ctx);
  if (off + n > f->bytes.size()) return -1;
  std::memcpy(d, f->bytes.data() + off, n);
  return 0;
}

// A staging space in JavaScript ({erase(bytes), write(offset, data), read(offset, n)}),
// for the power-cut test's flash model: a call that throws (PowerCut) fails the C's
// operation and the exception reaches the caller of frame() when the C returns.
struct JsStaging {
  Napi::Env env;
  Napi::ObjectReference obj;
  explicit JsStaging(Napi::Env e) : env(e) {}
};
int JsCall(JsStaging* s, const char* name, std::initializer_list<napi_value> args, Napi::Value* out) {
  if (s->env.IsExceptionPending()) return -1;
  Napi::Value f = s->obj.Value().Get(name);
  if (!f.IsFunction()) return -1;
  Napi::Value r = f.As<Napi::Function>().Call(s->obj.Value(), args);
  if (s->env.IsExceptionPending()) return -1;
  if (out) *out = r;
  return r.IsNumber() ? r.As<Napi::Number>().Int32Value() : (r.IsBoolean() ? (r.As<Napi::Boolean>().Value() ? 0 : -1) : 0);
}
int JsErase(void* ctx, uint32_t n) {
  JsStaging* s = static_cast<JsStaging*>(ctx);
  return JsCall(s, "erase", {Napi::Number::New(s->env, n)}, nullptr);
}
int JsWrite(void* ctx, uint32_t off, const uint8_t* d, uint32_t n) {
  JsStaging* s = static_cast<JsStaging*>(ctx);
  if (s->env.IsExceptionPending()) return -1; // no array can be made while an exception is pending
  Napi::Uint8Array a = Napi::Uint8Array::New(s->env, n);
  std::memcpy(a.Data(), d, n);
  return JsCall(s, "write", {Napi::Number::New(s->env, off), a}, nullptr);
}
// name(args...) must return exactly n bytes, copied into d.
int JsBytes(JsStaging* s, const char* name, std::initializer_list<napi_value> args, uint8_t* d, uint32_t n) {
  Napi::Value r;
  if (JsCall(s, name, args, &r) != 0 || !r.IsTypedArray()) return -1;
  Napi::Uint8Array a = r.As<Napi::Uint8Array>();
  if (a.ElementLength() != n) return -1;
  std::memcpy(d, a.Data(), n);
  return 0;
}
int JsRead(void* ctx, uint32_t off, uint8_t* d, uint32_t n) {
  JsStaging* s = static_cast<JsStaging*>(ctx);
  return JsBytes(s, "read", {Napi::Number::New(s->env, off), Napi::Number::New(s->env, n)}, d, n);
}

double Num(const Napi::CallbackInfo& info, size_t i) {
  return info.Length() > i && info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : 0;
}

// The 8 data bytes of a frame argument (shorter arrays padded with 0); false when it is no typed array.
bool FrameBytes(const Napi::CallbackInfo& info, size_t i, uint8_t buf[8]) {
  std::memset(buf, 0, 8);
  if (info.Length() <= i || !info[i].IsTypedArray()) return false;
  Napi::Uint8Array d = info[i].As<Napi::Uint8Array>();
  std::memcpy(buf, d.Data(), d.ElementLength() < 8 ? d.ElementLength() : 8);
  return true;
}

// Calls send(id, data8) for each queued frame until it returns nonzero.
struct JsSend {
  Napi::Env env;
  Napi::Function fn;
};
int JsHw(void* ctx, uint16_t id, const uint8_t data[8]) {
  JsSend* s = static_cast<JsSend*>(ctx);
  if (s->env.IsExceptionPending()) return -1;
  Napi::Uint8Array d = Napi::Uint8Array::New(s->env, 8);
  std::memcpy(d.Data(), data, 8);
  Napi::Value r = s->fn.Call({Napi::Number::New(s->env, id), d});
  if (s->env.IsExceptionPending()) return -1;
  return r.IsNumber() ? r.As<Napi::Number>().Int32Value() : -1;
}

// The commit: a JavaScript staging object's commit() (the power-cut test's switch), or the set result.
struct CommitCtx {
  int result = 0;
  JsStaging* js = nullptr;
};
int CommitOk(void* ctx, const mn_ota_manifest_t*) {
  CommitCtx* c = static_cast<CommitCtx*>(ctx);
  if (c->js && c->js->obj.Value().Get("commit").IsFunction()) return JsCall(c->js, "commit", {}, nullptr);
  return c->result;
}

class OtaMeter : public Napi::ObjectWrap<OtaMeter> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "OtaMeter",
                       {InstanceMethod("frame", &OtaMeter::Frame), InstanceMethod("tick", &OtaMeter::Tick),
                        InstanceMethod("pump", &OtaMeter::Pump), InstanceMethod("event", &OtaMeter::Event),
                        InstanceMethod("info", &OtaMeter::Info), InstanceMethod("refused", &OtaMeter::Refused),
                        InstanceMethod("staged", &OtaMeter::Staged), InstanceMethod("setCommitResult", &OtaMeter::SetCommitResult),
                        InstanceMethod("failWrites", &OtaMeter::FailWrites), InstanceMethod("failAlloc", &OtaMeter::FailAlloc),
                        InstanceMethod("memory", &OtaMeter::Memory), InstanceMethod("setBootReport", &OtaMeter::SetBootReport)});
  }

  // (key16, address, image, storedCounter, restartCounter, capacityBytes)
  OtaMeter(const Napi::CallbackInfo& info) : Napi::ObjectWrap<OtaMeter>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 6 || !info[0].IsTypedArray() || info[0].As<Napi::Uint8Array>().ElementLength() != 16) {
      Napi::TypeError::New(env, "OtaMeter(key16, address, image, storedCounter, restartCounter, capacityBytes)").ThrowAsJavaScriptException();
      return;
    }
    uint32_t cap = (uint32_t)Num(info, 5);
    if (cap == 0 || cap > MN_OTA_MAX_BYTES) cap = MN_OTA_MAX_BYTES;
    flash_.bytes.assign(cap, 0xFF);
    staging_ = {FlashErase, FlashWrite, FlashRead, &flash_, cap};
    if (info.Length() > 6 && info[6].IsObject()) { // the staging space in JavaScript
      js_.reset(new JsStaging(env));
      js_->obj = Napi::Persistent(info[6].As<Napi::Object>());
      staging_ = {JsErase, JsWrite, JsRead, js_.get(), cap};
      commit_.js = js_.get();
    }
    mn_ota_meter_init(&m_, info[0].As<Napi::Uint8Array>().Data(), (uint8_t)Num(info, 1), (uint8_t)Num(info, 2),
                      (uint32_t)Num(info, 3), &staging_, CommitOk, &commit_);
    m_.rx.restartCounter = (uint32_t)Num(info, 4);
    mn_ota_meter_set_alloc(&m_, XferAlloc, XferRelease, this);
  }

 private:
  // The transfer state from the heap, as the chip's comes from its JsVars (jswrap_ota.c).
  static void* XferAlloc(void* ctx, unsigned n) {
    OtaMeter* self = static_cast<OtaMeter*>(ctx);
    if (self->failAlloc_) return nullptr;
    self->xfer_.reset(new uint8_t[n]());
    self->xferBytes_ = n;
    return self->xfer_.get();
  }
  static void XferRelease(void* ctx) {
    OtaMeter* self = static_cast<OtaMeter*>(ctx);
    self->xfer_.reset();
    self->xferBytes_ = 0;
  }
  mn_ota_meter_t m_;
  std::unique_ptr<uint8_t[]> xfer_;
  unsigned xferBytes_ = 0;
  bool failAlloc_ = false;
  Flash flash_;
  mn_ota_staging_t staging_;
  std::unique_ptr<JsStaging> js_;
  CommitCtx commit_;

  // (id, dlc, data, nowMs) -> 1 when taken
  Napi::Value Frame(const Napi::CallbackInfo& info) {
    uint8_t buf[8];
    if (!FrameBytes(info, 2, buf)) return Napi::Number::New(info.Env(), 0);
    return Napi::Number::New(info.Env(), mn_ota_meter_frame(&m_, (uint16_t)Num(info, 0), buf, (uint8_t)Num(info, 1), (uint32_t)Num(info, 3)));
  }
  Napi::Value Tick(const Napi::CallbackInfo& info) {
    mn_ota_meter_tick(&m_, (uint32_t)Num(info, 0));
    return info.Env().Undefined();
  }
  Napi::Value Pump(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsFunction()) return Napi::Number::New(info.Env(), -22);
    JsSend s{info.Env(), info[0].As<Napi::Function>()};
    return Napi::Number::New(info.Env(), mn_ota_meter_pump(&m_, JsHw, &s));
  }
  // (out Uint32Array(2)) -> type or 0
  Napi::Value Event(const Napi::CallbackInfo& info) {
    uint32_t o[2] = {0, 0};
    int t = mn_ota_meter_event(&m_, o);
    if (t && info.Length() > 0 && info[0].IsTypedArray()) {
      Napi::Uint32Array out = info[0].As<Napi::Uint32Array>();
      if (out.ElementLength() >= 2) { out[0] = o[0]; out[1] = o[1]; }
    }
    return Napi::Number::New(info.Env(), t);
  }
  // [state, have, total, storedCounter, lastCause, stray, duplicates, eventsLost, requests, badRequests, queueOverflows, version, sizeBytes, writes, erases]
  Napi::Value Info(const Napi::CallbackInfo& info) {
    const mn_ota_rx_t* r = &m_.rx;
    double v[] = {(double)r->state, (double)r->have, (double)r->total, (double)r->storedCounter, (double)r->lastCause,
                  (double)r->stray, (double)r->duplicates, (double)m_.eventsLost, (double)m_.requests, (double)m_.badRequests,
                  (double)m_.overflows, (double)r->m.version, (double)r->m.sizeBytes, (double)flash_.writes, (double)flash_.erases};
    Napi::Float64Array out = Napi::Float64Array::New(info.Env(), sizeof v / sizeof v[0]);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) out[i] = v[i];
    return out;
  }
  Napi::Value Refused(const Napi::CallbackInfo& info) {
    Napi::Uint32Array out = Napi::Uint32Array::New(info.Env(), MN_OTA_R_COUNT);
    for (unsigned i = 0; i < MN_OTA_R_COUNT; i++) out[i] = m_.rx.refused[i];
    return out;
  }
  Napi::Value Staged(const Napi::CallbackInfo& info) {
    uint32_t n = m_.rx.m.sizeBytes <= flash_.bytes.size() ? m_.rx.m.sizeBytes : 0;
    Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), n);
    std::memcpy(out.Data(), flash_.bytes.data(), n);
    return out;
  }
  Napi::Value SetCommitResult(const Napi::CallbackInfo& info) {
    commit_.result = (int)Num(info, 0);
    return info.Env().Undefined();
  }
  // (report): the boot report the status answer carries (otaMeterLink.h MN_OTA_BOOT_*), as jswrap_ota.c sets it
  Napi::Value SetBootReport(const Napi::CallbackInfo& info) {
    m_.bootReport = (uint8_t)Num(info, 0);
    return info.Env().Undefined();
  }
  Napi::Value FailWrites(const Napi::CallbackInfo& info) {
    flash_.failWrites = (int)Num(info, 0);
    return info.Env().Undefined();
  }
  // (true): the next transfer states cannot be allocated (the chip out of JsVars)
  Napi::Value FailAlloc(const Napi::CallbackInfo& info) {
    failAlloc_ = info.Length() > 0 && info[0].ToBoolean().Value();
    return info.Env().Undefined();
  }
  // [bytes held at rest (the link's struct), transfer state bytes now held (0 at rest), allocations, refused for memory, stalled transfers dropped]
  Napi::Value Memory(const Napi::CallbackInfo& info) {
    double v[] = {(double)sizeof(mn_ota_meter_t), (double)xferBytes_, (double)m_.allocs, (double)m_.noMemory, (double)m_.stalls};
    Napi::Float64Array out = Napi::Float64Array::New(info.Env(), 5);
    for (size_t i = 0; i < 5; i++) out[i] = v[i];
    return out;
  }
};


// w25q.c's SPI transfer over a JavaScript SPI object: the pieces of one transaction are
// gathered and sent with one spi.send(Uint8Array, cs) when chip select rises; the bytes
// that come back are given to the pieces that asked for them (all within w25q.c's call).
struct JsSpi {
  Napi::Env env;
  Napi::ObjectReference spi;
  std::string cs;
  std::vector<uint8_t> tx;
  std::vector<std::pair<uint8_t*, std::pair<uint32_t, uint32_t>>> rx; // (buffer, (offset in tx, n))
  explicit JsSpi(Napi::Env e) : env(e) {}
};
int JsSpiXfer(void* ctx, const uint8_t* tx, uint8_t* rx, uint32_t n, int end) {
  JsSpi* s = static_cast<JsSpi*>(ctx);
  if (s->env.IsExceptionPending()) return -1;
  uint32_t at = (uint32_t)s->tx.size();
  if (tx) s->tx.insert(s->tx.end(), tx, tx + n);
  else s->tx.insert(s->tx.end(), n, 0xFF);
  if (rx) s->rx.push_back({rx, {at, n}});
  if (!end) return 0;
  Napi::Uint8Array out = Napi::Uint8Array::New(s->env, s->tx.size());
  std::memcpy(out.Data(), s->tx.data(), s->tx.size());
  s->tx.clear();
  auto want = std::move(s->rx);
  s->rx.clear();
  Napi::Value f = s->spi.Value().Get("send");
  if (!f.IsFunction()) return -1;
  Napi::Value r = f.As<Napi::Function>().Call(s->spi.Value(), {out, Napi::String::New(s->env, s->cs)});
  if (s->env.IsExceptionPending() || !r.IsTypedArray()) return -1; // a PowerCut: the bus failed
  Napi::Uint8Array got = r.As<Napi::Uint8Array>();
  for (auto& w : want) {
    if (w.second.first + w.second.second > got.ElementLength()) return -1;
    std::memcpy(w.first, got.Data() + w.second.first, w.second.second);
  }
  return 0;
}

// otaNorImage.c over w25q.c over a JavaScript SPI object: the aggregator's upload staged
// on its NOR. (spi {send(bytes, cs)}, cs).
class OtaNorImage : public Napi::ObjectWrap<OtaNorImage> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "OtaNorImage",
                       {InstanceMethod("begin", &OtaNorImage::Begin), InstanceMethod("write", &OtaNorImage::Write),
                        InstanceMethod("info", &OtaNorImage::Info), InstanceMethod("sha256", &OtaNorImage::Sha)});
  }
  OtaNorImage(const Napi::CallbackInfo& info) : Napi::ObjectWrap<OtaNorImage>(info), spi_(info.Env()) {
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsString()) {
      Napi::TypeError::New(info.Env(), "OtaNorImage(spi {send(bytes, cs)}, cs)").ThrowAsJavaScriptException();
      return;
    }
    spi_.spi = Napi::Persistent(info[0].As<Napi::Object>());
    spi_.cs = info[1].As<Napi::String>().Utf8Value();
    mn_w25q_init(&nor_, JsSpiXfer, &spi_, MN_W25Q32_BYTES);
    mn_nor_image_init(&im_, &nor_);
  }
  mn_nor_image_t* image() { return &im_; }

 private:
  JsSpi spi_;
  mn_w25q_t nor_;
  mn_nor_image_t im_;
  Napi::Value Ret(const Napi::CallbackInfo& info, int r) {
    if (info.Env().IsExceptionPending()) return info.Env().Undefined(); // the SPI object threw (a power cut): it reaches the caller
    return Napi::Number::New(info.Env(), r);
  }
  // (norAddress, areaBytes, size, sha256?) -> 0 or the C's code
  Napi::Value Begin(const Napi::CallbackInfo& info) {
    const uint8_t* sha = nullptr;
    if (info.Length() > 3 && info[3].IsTypedArray()) {
      if (info[3].As<Napi::Uint8Array>().ElementLength() != 32) return Napi::Number::New(info.Env(), -22);
      sha = info[3].As<Napi::Uint8Array>().Data();
    }
    return Ret(info, mn_nor_image_begin(&im_, (uint32_t)Num(info, 0), (uint32_t)Num(info, 1), (uint32_t)Num(info, 2), sha));
  }
  // (offset, data) -> bytes staged, or the C's code
  Napi::Value Write(const Napi::CallbackInfo& info) {
    if (info.Length() < 2 || !info[1].IsTypedArray()) return Napi::Number::New(info.Env(), -22);
    Napi::Uint8Array d = info[1].As<Napi::Uint8Array>();
    std::vector<uint8_t> copy(d.Data(), d.Data() + d.ElementLength()); // the SPI calls may run JavaScript
    return Ret(info, mn_nor_image_write(&im_, (uint32_t)Num(info, 0), copy.data(), (uint32_t)copy.size()));
  }
  // [state (0 empty, 1 writing, 2 verified, 3 failed), written, size, programs, erases, failures, norAddress]
  Napi::Value Info(const Napi::CallbackInfo& info) {
    double v[] = {(double)im_.state, (double)im_.written, (double)im_.sizeBytes, (double)im_.programs, (double)im_.erases,
                  (double)im_.failures, (double)im_.base};
    Napi::Float64Array out = Napi::Float64Array::New(info.Env(), 7);
    for (size_t i = 0; i < 7; i++) out[i] = v[i];
    return out;
  }
  Napi::Value Sha(const Napi::CallbackInfo& info) {
    Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), 32);
    std::memcpy(out.Data(), im_.sha256, 32);
    return out;
  }
};
Napi::FunctionReference* norImageCtor = nullptr;

class OtaAgg : public Napi::ObjectWrap<OtaAgg> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "OtaAgg",
                       {InstanceMethod("frame", &OtaAgg::Frame), InstanceMethod("tick", &OtaAgg::Tick),
                        InstanceMethod("chunk", &OtaAgg::Chunk), InstanceMethod("pump", &OtaAgg::Pump),
                        InstanceMethod("phase", &OtaAgg::Phase), InstanceMethod("targets", &OtaAgg::Targets),
                        InstanceMethod("counters", &OtaAgg::Counters), InstanceMethod("commit", &OtaAgg::Commit),
                        InstanceMethod("cancel", &OtaAgg::Cancel), InstanceMethod("sha256", &OtaAgg::Sha),
                        InstanceMethod("memory", &OtaAgg::Memory), InstanceMethod("heard", &OtaAgg::Heard)});
  }

  // (image bytes | OtaNorImage, master16, addresses, {version, counter, image, tag, norAddress?, size?}, autoCommit, nowMs):
  // with an OtaNorImage the sender reads the image staged on the NOR (mn_nor_image_send), as CAN1.otaSend does.
  // A refusal throws a RangeError whose code is the C's.
  OtaAgg(const Napi::CallbackInfo& info) : Napi::ObjectWrap<OtaAgg>(info) {
    Napi::Env env = info.Env();
    bool onNor = info.Length() > 0 && info[0].IsObject() && norImageCtor && info[0].As<Napi::Object>().InstanceOf(norImageCtor->Value());
    if (info.Length() < 6 || !(onNor || info[0].IsTypedArray()) || !info[1].IsTypedArray() || !info[2].IsTypedArray() || !info[3].IsObject() ||
        info[1].As<Napi::Uint8Array>().ElementLength() != 16) {
      Napi::TypeError::New(env, "OtaAgg(image | OtaNorImage, master16, addresses, {version, counter, image, tag, norAddress, size}, autoCommit, nowMs)").ThrowAsJavaScriptException();
      return;
    }
    Napi::Object o = info[3].As<Napi::Object>();
    mn_ota_manifest_t m;
    std::memset(&m, 0, sizeof m);
    m.version = o.Get("version").As<Napi::Number>().Uint32Value();
    m.counter = o.Get("counter").As<Napi::Number>().Uint32Value();
    m.image = (uint8_t)o.Get("image").As<Napi::Number>().Uint32Value();
    m.tag = (uint8_t)o.Get("tag").As<Napi::Number>().Uint32Value();
    Napi::Uint8Array addr = info[2].As<Napi::Uint8Array>();
    a_ = new mn_ota_agg_t; // from the heap, as the chip's comes from its JsVars at otaSend (jswrap_ota.c)
    int r;
    if (onNor) {
      nor_ = Napi::Persistent(info[0].As<Napi::Object>()); // a_ reads through its image: kept alive with it
      OtaNorImage* im = OtaNorImage::Unwrap(info[0].As<Napi::Object>());
      r = mn_nor_image_send(im->image(), a_, o.Get("norAddress").ToNumber().Uint32Value(), o.Get("size").ToNumber().Uint32Value(), &m,
                            info[1].As<Napi::Uint8Array>().Data(), addr.Data(), (unsigned)addr.ElementLength(), info[4].ToBoolean().Value() ? 1 : 0,
                            (uint32_t)Num(info, 5));
      if (env.IsExceptionPending()) return;
    } else {
      Napi::Uint8Array img = info[0].As<Napi::Uint8Array>();
      image_.bytes.assign(img.Data(), img.Data() + img.ElementLength());
      staging_ = {FlashErase, FlashWrite, FlashRead, &image_, (uint32_t)image_.bytes.size()};
      r = mn_ota_agg_start(a_, &staging_, (uint32_t)image_.bytes.size(), &m, info[1].As<Napi::Uint8Array>().Data(), addr.Data(),
                           (unsigned)addr.ElementLength(), info[4].ToBoolean().Value() ? 1 : 0, (uint32_t)Num(info, 5));
    }
    allocs_++;
    if (r != 0) {
      delete a_; // nothing was sent: the state goes at once
      a_ = nullptr;
      Napi::Error e = Napi::RangeError::New(env, "OTA update refused: " + std::to_string(r) +
                                                     (r == -5 ? " (no verified image staged there)" : r == -74 ? " (the NOR copy changed since it was staged)"
                                                                                                              : " (size 1.." + std::to_string(MN_OTA_MAX_BYTES) + " B, 1..64 distinct addresses 1..63)"));
      e.Set("code", Napi::Number::New(env, r));
      e.ThrowAsJavaScriptException();
    }
  }
  ~OtaAgg() { delete a_; }

 private:
  mn_ota_agg_t* a_ = nullptr;
  Flash image_;
  mn_ota_staging_t staging_;
  Napi::ObjectReference nor_;
  // what is kept once the state is freed (jswrap_ota.c ota_agg_settle): the summary, and here the counters and digest too
  std::vector<uint8_t> summary_;
  double kept_[8] = {0};
  uint8_t sha_[32] = {0};
  unsigned allocs_ = 0, frees_ = 0;

  // The update is over: its state goes, as on the chip (mn_ota_agg_finished).
  void Settle() {
    if (!a_ || !mn_ota_agg_finished(a_)) return;
    summary_.assign(MN_OTA_SUMMARY_BYTES(a_->n), 0);
    mn_ota_agg_summary(a_, summary_.data());
    double v[] = {(double)a_->tx.frames, (double)a_->rounds, (double)a_->exchanges, (double)a_->timeouts,
                  (double)a_->badAnswers, (double)a_->controlFrames, (double)a_->q.overflows, (double)a_->tx.total};
    std::memcpy(kept_, v, sizeof v);
    std::memcpy(sha_, a_->m.sha256, 32);
    delete a_;
    a_ = nullptr;
    frees_++;
  }

  Napi::Value Frame(const Napi::CallbackInfo& info) {
    uint8_t buf[8];
    if (!FrameBytes(info, 2, buf)) return Napi::Number::New(info.Env(), 0);
    uint16_t id = (uint16_t)Num(info, 0);
    if (!a_) return Napi::Number::New(info.Env(), id >= MN_OTA_ANS_ID_BASE && id < MN_OTA_ANS_ID_BASE + 64u); // late answers: dropped
    int r = mn_ota_agg_frame(a_, id, buf, (uint8_t)Num(info, 1), (uint32_t)Num(info, 3));
    return Napi::Number::New(info.Env(), r);
  }
  Napi::Value Tick(const Napi::CallbackInfo& info) {
    if (a_) mn_ota_agg_tick(a_, (uint32_t)Num(info, 0));
    Settle();
    return info.Env().Undefined();
  }
  // (out Uint8Array(8)) -> id, or -1 when no chunk is due
  Napi::Value Chunk(const Napi::CallbackInfo& info) {
    uint16_t id = 0;
    uint8_t d[8];
    if (!a_ || info.Length() < 1 || !info[0].IsTypedArray() || !mn_ota_agg_chunk(a_, &id, d)) return Napi::Number::New(info.Env(), -1);
    Napi::Uint8Array out = info[0].As<Napi::Uint8Array>();
    for (size_t i = 0; i < 8 && i < out.ElementLength(); i++) out[i] = d[i];
    return Napi::Number::New(info.Env(), id);
  }
  Napi::Value Pump(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsFunction()) return Napi::Number::New(info.Env(), -22);
    if (!a_) return Napi::Number::New(info.Env(), 0);
    JsSend s{info.Env(), info[0].As<Napi::Function>()};
    int r = mn_ota_txq_pump(&a_->q, JsHw, &s);
    Settle();
    return Napi::Number::New(info.Env(), r);
  }
  // -> the address the watch heard with the last frame, 0 none (otaAggLink.h mn_ota_agg_heard: cleared by the read)
  Napi::Value Heard(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), a_ ? mn_ota_agg_heard(a_) : 0); }
  Napi::Value Phase(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), a_ ? a_->phase : summary_.empty() ? 0 : summary_[0]);
  }
  // -> Float64Array: per target [address, state, cause, have, total] (the summary's numbers, as otaTargets gives them)
  Napi::Value Targets(const Napi::CallbackInfo& info) {
    std::vector<uint8_t> s = summary_;
    if (a_) {
      s.assign(MN_OTA_SUMMARY_BYTES(a_->n), 0);
      mn_ota_agg_summary(a_, s.data());
    }
    unsigned n = s.empty() ? 0 : s[1];
    Napi::Float64Array out = Napi::Float64Array::New(info.Env(), n * 5u);
    for (unsigned i = 0; i < n; i++) {
      const uint8_t* t = s.data() + 4 + 5 * i;
      out[i * 5] = t[0];
      out[i * 5 + 1] = t[1];
      out[i * 5 + 2] = t[2];
      out[i * 5 + 3] = (t[3] << 8) | t[4];
      out[i * 5 + 4] = (s[2] << 8) | s[3];
    }
    return out;
  }
  // [chunkFrames, rounds, exchanges, timeouts, badAnswers, controlFrames, queueOverflows, chunks]
  Napi::Value Counters(const Napi::CallbackInfo& info) {
    double v[8];
    std::memcpy(v, kept_, sizeof v);
    if (a_) {
      double w[] = {(double)a_->tx.frames, (double)a_->rounds, (double)a_->exchanges, (double)a_->timeouts,
                    (double)a_->badAnswers, (double)a_->controlFrames, (double)a_->q.overflows, (double)a_->tx.total};
      std::memcpy(v, w, sizeof v);
    }
    Napi::Float64Array out = Napi::Float64Array::New(info.Env(), 8);
    for (size_t i = 0; i < 8; i++) out[i] = v[i];
    return out;
  }
  Napi::Value Commit(const Napi::CallbackInfo& info) {
    if (a_) mn_ota_agg_commit(a_);
    return info.Env().Undefined();
  }
  Napi::Value Cancel(const Napi::CallbackInfo& info) {
    if (a_) mn_ota_agg_cancel(a_);
    return info.Env().Undefined();
  }
  Napi::Value Sha(const Napi::CallbackInfo& info) {
    Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), 32);
    std::memcpy(out.Data(), a_ ? a_->m.sha256 : sha_, 32);
    return out;
  }
  // [sender state bytes held now (0 once the update is over), summary bytes kept, allocations, frees]
  Napi::Value Memory(const Napi::CallbackInfo& info) {
    double v[] = {a_ ? (double)sizeof(mn_ota_agg_t) : 0, (double)summary_.size(), (double)allocs_, (double)frees_};
    Napi::Float64Array out = Napi::Float64Array::New(info.Env(), 4);
    for (size_t i = 0; i < 4; i++) out[i] = v[i];
    return out;
  }
};

// The boot hook's io in JavaScript (the power-cut test's NOR and Storage models):
// {slotRead(slot, offset, n), slotErase(slot), slotProgram(slot, offset, data),
//  storageSize(), storageRead(offset, n), storageCreate(n), storageWrite(offset, data)}.
// A call that throws (PowerCut) fails the C's step; the exception reaches hook()'s caller.
struct HookIo {
  JsStaging* js;
};
int HookSlotRead(void* ctx, int slot, uint32_t off, uint8_t* d, uint32_t n) {
  JsStaging* s = static_cast<HookIo*>(ctx)->js;
  return JsBytes(s, "slotRead", {Napi::Number::New(s->env, slot), Napi::Number::New(s->env, off), Napi::Number::New(s->env, n)}, d, n);
}
int HookSlotErase(void* ctx, int slot) {
  JsStaging* s = static_cast<HookIo*>(ctx)->js;
  return JsCall(s, "slotErase", {Napi::Number::New(s->env, slot)}, nullptr);
}
int HookSlotProgram(void* ctx, int slot, uint32_t off, const uint8_t* d, uint32_t n) {
  JsStaging* s = static_cast<HookIo*>(ctx)->js;
  if (s->env.IsExceptionPending()) return -1;
  Napi::Uint8Array a = Napi::Uint8Array::New(s->env, n);
  std::memcpy(a.Data(), d, n);
  return JsCall(s, "slotProgram", {Napi::Number::New(s->env, slot), Napi::Number::New(s->env, off), a}, nullptr);
}
int32_t HookStorageSize(void* ctx) {
  JsStaging* s = static_cast<HookIo*>(ctx)->js;
  Napi::Value r;
  JsCall(s, "storageSize", {}, &r);
  if (s->env.IsExceptionPending() || r.IsEmpty() || !r.IsNumber()) return -1;
  return r.As<Napi::Number>().Int32Value();
}
int HookStorageRead(void* ctx, uint32_t off, uint8_t* d, uint32_t n) {
  JsStaging* s = static_cast<HookIo*>(ctx)->js;
  return JsBytes(s, "storageRead", {Napi::Number::New(s->env, off), Napi::Number::New(s->env, n)}, d, n);
}
int HookStorageCreate(void* ctx, uint32_t n) {
  JsStaging* s = static_cast<HookIo*>(ctx)->js;
  return JsCall(s, "storageCreate", {Napi::Number::New(s->env, n)}, nullptr);
}
int HookStorageWrite(void* ctx, uint32_t off, const uint8_t* d, uint32_t n) {
  JsStaging* s = static_cast<HookIo*>(ctx)->js;
  if (s->env.IsExceptionPending()) return -1;
  Napi::Uint8Array a = Napi::Uint8Array::New(s->env, n);
  std::memcpy(a.Data(), d, n);
  return JsCall(s, "storageWrite", {Napi::Number::New(s->env, off), a}, nullptr);
}

// slotMeta(sizeBytes, version, sha256): the 48-byte meta record the device's commit writes into a slot.
Napi::Value SlotMeta(const Napi::CallbackInfo& info) {
  mn_boot_meta_t m;
  m.sizeBytes = (uint32_t)Num(info, 0);
  m.version = (uint32_t)Num(info, 1);
  std::memset(m.sha256, 0, 32);
  if (info.Length() > 2 && info[2].IsTypedArray() && info[2].As<Napi::Uint8Array>().ElementLength() == 32)
    std::memcpy(m.sha256, info[2].As<Napi::Uint8Array>().Data(), 32);
  Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), MN_BOOT_META_BYTES);
  mn_boot_meta_encode(&m, out.Data());
  return out;
}

// otaBoot.c over a record store in JavaScript ({read(offset, n), write(offset, data)}:
// the FRAM model), for the power-cut test. Methods return the C's code; record() gives
// [seq, active, flags, trialBoots, reverted].
class OtaBoot : public Napi::ObjectWrap<OtaBoot> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "OtaBoot",
                       {InstanceMethod("load", &OtaBoot::Load), InstanceMethod("save", &OtaBoot::Save),
                        InstanceMethod("decide", &OtaBoot::Decide), InstanceMethod("beginStaging", &OtaBoot::Begin),
                        InstanceMethod("staged", &OtaBoot::Staged), InstanceMethod("switchSlot", &OtaBoot::Switch),
                        InstanceMethod("confirm", &OtaBoot::Confirm), InstanceMethod("fail", &OtaBoot::Fail),
                        InstanceMethod("record", &OtaBoot::Record), InstanceMethod("setRecord", &OtaBoot::SetRecord),
                        InstanceMethod("hook", &OtaBoot::Hook)});
  }
  OtaBoot(const Napi::CallbackInfo& info) : Napi::ObjectWrap<OtaBoot>(info), js_(info.Env()) {
    if (info.Length() < 1 || !info[0].IsObject()) {
      Napi::TypeError::New(info.Env(), "OtaBoot({read(offset, n), write(offset, data)})").ThrowAsJavaScriptException();
      return;
    }
    js_.obj = Napi::Persistent(info[0].As<Napi::Object>());
    store_ = {Read, Write, &js_};
    std::memset(&r_, 0, sizeof r_);
  }

 private:
  JsStaging js_;
  mn_boot_store_t store_;
  mn_boot_record_t r_;
  static int Read(void* ctx, uint32_t off, uint8_t* d, uint32_t n) { return JsRead(ctx, off, d, n); }
  static int Write(void* ctx, uint32_t off, const uint8_t* d, uint32_t n) { return JsWrite(ctx, off, d, n); }
  Napi::Value Ret(const Napi::CallbackInfo& info, int r) { return Napi::Number::New(info.Env(), r); }
  Napi::Value Load(const Napi::CallbackInfo& info) { return Ret(info, mn_boot_load(&store_, &r_)); }
  Napi::Value Save(const Napi::CallbackInfo& info) { return Ret(info, mn_boot_save(&store_, &r_)); }
  Napi::Value Decide(const Napi::CallbackInfo& info) { return Ret(info, mn_boot_decide(&store_, &r_, (int)Num(info, 0))); }
  Napi::Value Begin(const Napi::CallbackInfo& info) { return Ret(info, mn_boot_begin_staging(&store_, &r_)); }
  Napi::Value Staged(const Napi::CallbackInfo& info) { return Ret(info, mn_boot_staged(&store_, &r_)); }
  Napi::Value Switch(const Napi::CallbackInfo& info) { return Ret(info, mn_boot_switch(&store_, &r_)); }
  Napi::Value Confirm(const Napi::CallbackInfo& info) { return Ret(info, mn_boot_confirm(&store_, &r_)); }
  Napi::Value Fail(const Napi::CallbackInfo& info) { return Ret(info, mn_boot_fail(&store_, &r_, (uint8_t)Num(info, 0))); }
  Napi::Value Record(const Napi::CallbackInfo& info) {
    Napi::Float64Array out = Napi::Float64Array::New(info.Env(), 5);
    out[0] = r_.seq; out[1] = r_.active; out[2] = r_.flags; out[3] = r_.trialBoots; out[4] = r_.reverted;
    return out;
  }
  // hook(io, resetCause): otaBootHook.c, the device's boot step, over the io object;
  // [rc, slot, action, reverted, trial, failedStep], and the record in force kept here.
  Napi::Value Hook(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsObject()) {
      Napi::TypeError::New(env, "hook({slotRead, slotErase, slotProgram, storageSize, storageRead, storageCreate, storageWrite}, resetCause)")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
    JsStaging js(env);
    js.obj = Napi::Persistent(info[0].As<Napi::Object>());
    HookIo hio{&js};
    mn_boot_io_t io = {store_, HookSlotRead, HookSlotErase, HookSlotProgram, MN_NOR_SLOT_META_OFFSET, MN_OTA_MAX_BYTES,
                       HookStorageSize, HookStorageRead, HookStorageCreate, HookStorageWrite, &hio};
    mn_boot_outcome_t o;
    int rc = mn_boot_hook(&io, (int)Num(info, 1), &o);
    if (env.IsExceptionPending()) return env.Undefined();
    r_ = o.r;
    Napi::Float64Array out = Napi::Float64Array::New(env, 6);
    out[0] = rc; out[1] = o.slot; out[2] = o.action; out[3] = o.reverted; out[4] = o.trial; out[5] = o.failedStep;
    return out;
  }
  // (active, flags): a factory record in memory (save() writes it)
  Napi::Value SetRecord(const Napi::CallbackInfo& info) {
    r_.active = (uint8_t)Num(info, 0);
    r_.flags = (uint8_t)Num(info, 1);
    r_.trialBoots = 0;
    r_.reverted = 0;
    return info.Env().Undefined();
  }
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("OtaBoot", OtaBoot::Define(env));
  exports.Set("OtaMeter", OtaMeter::Define(env));
  Napi::Function nimg = OtaNorImage::Define(env);
  norImageCtor = new Napi::FunctionReference(Napi::Persistent(nimg));
  exports.Set("OtaNorImage", nimg);
  exports.Set("OtaAgg", OtaAgg::Define(env));
  exports.Set("maxBytes", Napi::Number::New(env, MN_OTA_MAX_BYTES));
  exports.Set("slotMeta", Napi::Function::New(env, SlotMeta));
  exports.Set("slotBytes", Napi::Number::New(env, MN_NOR_SLOT_BYTES));
  exports.Set("slotMetaOffset", Napi::Number::New(env, MN_NOR_SLOT_META_OFFSET));
  return exports;
}

}  // namespace

NODE_API_MODULE(meterOta, Init)
