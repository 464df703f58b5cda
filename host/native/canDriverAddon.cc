// The device's CAN driver (boards/STM32F107/can/canDriver.c) on the register model of
// the board tests (boards/STM32F107/test/fake/fakeBxcan.c), as a Node class, so the
// CanController contract (host/canbus/controllerContract.ts) runs on the C that CAN1
// runs (host/native/canDriver.ts wraps it). Conversion between JavaScript and the C
// structs only; the board's configuration as meternetBoard.c gives it (APB1 36 MHz,
// banks 0..13).
#include <napi.h>

#include <cstring>

extern "C" {
#include "can/canDriver.h"
#include "meternetBoard.h"
#include "test/fake/fakeBxcan.h"
}

namespace {

class FakeCan : public Napi::ObjectWrap<FakeCan> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "CanDriverOnFakes",
                       {InstanceMethod("start", &FakeCan::Start), InstanceMethod("stop", &FakeCan::Stop),
                        InstanceMethod("send", &FakeCan::Send), InstanceMethod("addFilter", &FakeCan::AddFilter),
                        InstanceMethod("removeFilter", &FakeCan::RemoveFilter), InstanceMethod("setAutoReply", &FakeCan::SetAutoReply),
                        InstanceMethod("clearAutoReply", &FakeCan::ClearAutoReply), InstanceMethod("state", &FakeCan::State),
                        InstanceMethod("counters", &FakeCan::Counters), InstanceMethod("transmit", &FakeCan::Transmit),
                        InstanceMethod("receive", &FakeCan::Receive), InstanceMethod("takeFrame", &FakeCan::TakeFrame),
                        InstanceMethod("takeStateChange", &FakeCan::TakeStateChange)});
  }

  explicit FakeCan(const Napi::CallbackInfo& info) : Napi::ObjectWrap<FakeCan>(info) {
    std::memset(&dev_, 0, sizeof dev_);
    fake_regs_reset();
    fake_bxcan_init(&hw_);
    cfg_ = mn_can_config_t{};
    cfg_.regs = &hw_.regs;
    cfg_.pclkHz = MN_BOARD_APB1_HZ;
    cfg_.firstBank = 0;
    cfg_.bankCount = 14;
    mn_can_init(&dev_, &cfg_);
  }

 private:
  fake_bxcan_t hw_;
  mn_can_config_t cfg_;
  mn_can_t dev_;

  // The fakes dispatch on addresses through one global list: this controller's block
  // is the one in it while its C runs (single-threaded).
  void Enter() {
    fake_regs_reset();
    fake_regs_add(&hw_.region);
  }

  // The NVIC: every pending CAN interrupt until none is (canDriverTest.c run_irqs).
  void RunIrqs() {
    for (int guard = 0; guard < 20; guard++) {
      if (fake_bxcan_irq_tx(&hw_)) mn_can_isr_tx(&dev_);
      else if (fake_bxcan_irq_rx(&hw_, 0)) mn_can_isr_rx(&dev_, 0);
      else if (fake_bxcan_irq_rx(&hw_, 1)) mn_can_isr_rx(&dev_, 1);
      else if (fake_bxcan_irq_sce(&hw_)) mn_can_isr_sce(&dev_);
      else return;
    }
  }

  static bool FrameIn(Napi::Value v, mn_can_frame_t* f) {
    std::memset(f, 0, sizeof *f);
    if (!v.IsObject()) return false;
    Napi::Object o = v.As<Napi::Object>();
    Napi::Value data = o.Get("data");
    double id = o.Get("id").ToNumber().DoubleValue(), dlc = o.Get("dlc").ToNumber().DoubleValue();
    if (!(id >= 0 && id <= 4294967295.0) || !(dlc >= 0 && dlc <= 255)) return false;
    f->id = static_cast<uint32_t>(id);
    f->dlc = static_cast<uint8_t>(dlc);
    f->flags = (o.Get("extended").ToBoolean() ? MN_CAN_FLAG_EXT : 0u) | (o.Get("rtr").ToBoolean() ? MN_CAN_FLAG_RTR : 0u);
    if (data.IsTypedArray()) {
      Napi::Uint8Array d = data.As<Napi::Uint8Array>();
      // more bytes than dlc (or than 8): malformed, as controller.ts's frameError says
      if (d.ElementLength() > 8) return false;
      if (!(f->flags & MN_CAN_FLAG_RTR) && d.ElementLength() != f->dlc) return false;
      if ((f->flags & MN_CAN_FLAG_RTR) && d.ElementLength() != 0) return false;
      std::memcpy(f->data, d.Data(), d.ElementLength());
    }
    return true;
  }

  static Napi::Object FrameOut(Napi::Env env, const mn_can_frame_t& f) {
    Napi::Object o = Napi::Object::New(env);
    bool rtr = (f.flags & MN_CAN_FLAG_RTR) != 0;
    o.Set("id", static_cast<double>(f.id));
    o.Set("extended", (f.flags & MN_CAN_FLAG_EXT) != 0);
    o.Set("rtr", rtr);
    o.Set("dlc", static_cast<double>(f.dlc));
    size_t n = rtr ? 0 : (f.dlc > 8 ? 8 : f.dlc);
    Napi::Uint8Array d = Napi::Uint8Array::New(env, n);
    std::memcpy(d.Data(), f.data, n);
    o.Set("data", d);
    o.Set("fifo", static_cast<double>(f.fifo));
    return o;
  }

  Napi::Value Num(Napi::Env env, int v) { return Napi::Number::New(env, v); }

  Napi::Value Start(const Napi::CallbackInfo& info) {
    Enter();
    double r = info[0].ToNumber().DoubleValue();
    int rc = r > 0 && r <= 4294967295.0 ? mn_can_start(&dev_, static_cast<uint32_t>(r)) : MN_EINVAL;
    RunIrqs();
    return Num(info.Env(), rc);
  }
  Napi::Value Stop(const Napi::CallbackInfo& info) {
    Enter();
    mn_can_stop(&dev_);
    return info.Env().Undefined();
  }
  Napi::Value Send(const Napi::CallbackInfo& info) {
    mn_can_frame_t f;
    if (!FrameIn(info[0], &f)) return Num(info.Env(), MN_EINVAL);
    Enter();
    return Num(info.Env(), mn_can_send(&dev_, &f));
  }
  // CanFilter {mode, extended, id?, mask?, ids?, rtr?, fifo} -> mn_can_filter_t.
  Napi::Value AddFilter(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsObject()) return Num(env, MN_EINVAL);
    Napi::Object o = info[0].As<Napi::Object>();
    mn_can_filter_t f;
    std::memset(&f, 0, sizeof f);
    std::string mode = o.Get("mode").IsString() ? o.Get("mode").As<Napi::String>().Utf8Value() : "";
    if (mode != "mask" && mode != "list") return Num(env, MN_EINVAL);
    f.mode = mode == "list" ? MN_CAN_FILTER_LIST : MN_CAN_FILTER_MASK;
    f.extended = o.Get("extended").ToBoolean() ? 1 : 0;
    Napi::Value rtr = o.Get("rtr");
    f.rtr = rtr.IsUndefined() ? MN_CAN_RTR_ANY : (rtr.ToBoolean() ? 1 : 0);
    double fifo = o.Get("fifo").ToNumber().DoubleValue();
    if (fifo != 0 && fifo != 1) return Num(env, MN_EINVAL);
    f.fifo = static_cast<uint8_t>(fifo);
    auto u32 = [](Napi::Value v, uint32_t* out) {
      double d = v.ToNumber().DoubleValue();
      if (!(d >= 0 && d <= 4294967295.0) || d != static_cast<double>(static_cast<uint32_t>(d))) return false;
      *out = static_cast<uint32_t>(d);
      return true;
    };
    if (f.mode == MN_CAN_FILTER_MASK) {
      if (!u32(o.Get("id"), &f.id) || !u32(o.Get("mask"), &f.mask)) return Num(env, MN_EINVAL);
    } else {
      Napi::Value ids = o.Get("ids");
      if (!ids.IsArray()) return Num(env, MN_EINVAL);
      Napi::Array a = ids.As<Napi::Array>();
      if (a.Length() > 4) return Num(env, MN_EINVAL);
      f.idCount = static_cast<uint8_t>(a.Length());
      for (uint32_t k = 0; k < a.Length(); k++)
        if (!u32(a.Get(k), &f.ids[k])) return Num(env, MN_EINVAL);
    }
    Enter();
    return Num(env, mn_can_add_filter(&dev_, &f));
  }
  Napi::Value RemoveFilter(const Napi::CallbackInfo& info) {
    Enter();
    mn_can_remove_filter(&dev_, info[0].ToNumber().Int32Value());
    return info.Env().Undefined();
  }
  Napi::Value SetAutoReply(const Napi::CallbackInfo& info) {
    mn_can_frame_t f;
    if (!FrameIn(info[0], &f)) return Num(info.Env(), MN_EINVAL);
    Enter();
    return Num(info.Env(), mn_can_set_auto_reply(&dev_, &f, info[1].ToBoolean() ? 1 : 0));
  }
  Napi::Value ClearAutoReply(const Napi::CallbackInfo& info) {
    Enter();
    mn_can_clear_auto_reply(&dev_, info[0].ToNumber().Uint32Value());
    return info.Env().Undefined();
  }
  Napi::Value State(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), mn_can_state_name(mn_can_get_state(&dev_)));
  }
  Napi::Value Counters(const Napi::CallbackInfo& info) {
    Enter();
    mn_can_counters_t c;
    mn_can_get_counters(&dev_, &c);
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("tec", static_cast<double>(c.tec));
    o.Set("rec", static_cast<double>(c.rec));
    o.Set("txFrames", static_cast<double>(c.txFrames));
    o.Set("rxFrames", static_cast<double>(c.rxFrames));
    o.Set("rxOverruns", static_cast<double>(c.rxOverruns));
    o.Set("autoReplies", static_cast<double>(c.autoReplies));
    o.Set("busOffCount", static_cast<double>(c.busOffCount));
    return o;
  }
  // Bus side: the frame the controller wins arbitration with (its pending mailbox the
  // hardware picks), sent and acknowledged, or null.
  Napi::Value Transmit(const Napi::CallbackInfo& info) {
    Enter();
    mn_can_frame_t f;
    if (!fake_bxcan_complete_tx(&hw_, &f)) return info.Env().Null();
    RunIrqs();
    return FrameOut(info.Env(), f);
  }
  // Bus side: a frame from another node; the FIFO it went to, -1 (no filter), -2 (not receiving).
  Napi::Value Receive(const Napi::CallbackInfo& info) {
    mn_can_frame_t f;
    if (!FrameIn(info[0], &f)) return Num(info.Env(), -1);
    Enter();
    int fifo = fake_bxcan_receive(&hw_, &f);
    RunIrqs();
    return Num(info.Env(), fifo);
  }
  // Main loop: the next received frame ({..., fifo}) or null.
  Napi::Value TakeFrame(const Napi::CallbackInfo& info) {
    Enter();
    mn_can_frame_t f;
    if (!mn_can_take_frame(&dev_, &f)) return info.Env().Null();
    return FrameOut(info.Env(), f);
  }
  // Main loop: the next state change's name or null.
  Napi::Value TakeStateChange(const Napi::CallbackInfo& info) {
    Enter();
    mn_can_state_t s;
    if (!mn_can_take_state_change(&dev_, &s)) return info.Env().Null();
    return Napi::String::New(info.Env(), mn_can_state_name(s));
  }
};

}  // namespace

Napi::Function DefineCanDriverOnFakes(Napi::Env env) { return FakeCan::Define(env); }
