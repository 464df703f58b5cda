// The device's sampler as a Node class: boards/STM32F107/adc/meterAdc.c (with
// sampleClock.c and the kernel) driving the register models of the board tests
// (boards/STM32F107/test/fake/fakeSampling.c: TIM3 with ARR preload, ADC1/2 in
// regular simultaneous mode, DMA1 channel 1 circular with half/complete flags).
// host/meterAdc/hostMeterAdc.ts feeds it the waveform source's codes pair by pair;
// each pair is one timer update that the ADC converts and the DMA moves, and the DMA
// interrupt (mn_adc_isr_dma) runs when its flags say so: the simulator's meter runs
// the device's C from the DMA half-buffer up. This file only converts between
// JavaScript and C and stands in for the board (meternetBoard.c's configuration).
#include <napi.h>

#include <cstring>
#include <vector>

#include "windowJs.h"

extern "C" {
#include "adc/meterAdc.h"
#include "meternetBoard.h"
#include "test/fake/fakeSampling.h"
}

namespace {

class Sampler : public Napi::ObjectWrap<Sampler> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "MeterAdcSampler",
                       {InstanceMethod("start", &Sampler::Start), InstanceMethod("stop", &Sampler::Stop),
                        InstanceMethod("setZeroCodes", &Sampler::SetZeroCodes), InstanceMethod("setSampleRate", &Sampler::SetSampleRate),
                        InstanceMethod("nextBlock", &Sampler::NextBlock), InstanceMethod("feed", &Sampler::Feed),
                        InstanceMethod("takeWindow", &Sampler::TakeWindow), InstanceMethod("dmaError", &Sampler::DmaError),
                        InstanceMethod("stats", &Sampler::Stats)});
  }

  explicit Sampler(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Sampler>(info) {
    std::memset(&dev_, 0, sizeof dev_);
    std::memset(&cfg_, 0, sizeof cfg_);
    fake_regs_reset();
    fake_sampling_init(&hw_);
  }

 private:
  fake_sampling_t hw_;
  mk_kernel_t kernel_;
  std::vector<uint32_t> buffer_;
  mn_adc_config_t cfg_;
  mn_adc_t dev_;
  uint32_t vZero_ = 0, iZero_ = 0;
  // The fake's timer counts on across starts: its ticks and updates at the last start, and
  // the period of the interval that ends at pair 0 (the fake counts time to each update).
  uint64_t ticksAtStart_ = 0, updatesAtStart_ = 0, firstPeriod_ = 0;

  static Sampler* current_;

  // The register fakes dispatch on addresses through one global list: this
  // instance's four blocks are the ones in it while its C runs (single-threaded).
  void Enter() {
    fake_regs_reset();
    fake_regs_add(&hw_.rAdc1);
    fake_regs_add(&hw_.rAdc2);
    fake_regs_add(&hw_.rDma);
    fake_regs_add(&hw_.rTim);
    current_ = this;
  }

  // The DWT cycle counter's stand-in (TIM3's clock = SYSCLK): ticks at the last update.
  static uint32_t TicksNow() { return current_ ? static_cast<uint32_t>(current_->hw_.ticks) : 0u; }
  // The interpreter's event queue: always accepts (windows are taken after every block).
  static int Notify(void*) { return 1; }

  static uint32_t Prop(Napi::Object o, const char* name) {
    Napi::Value v = o.Get(name);
    if (v.IsUndefined() || v.IsNull()) return 0;
    double d = v.ToNumber().DoubleValue();
    // as the binding's int conversion: a negative value arrives as 0xFFFFFFFF
    return d < 0 ? 0xFFFFFFFFu : d > 4294967295.0 ? 0xFFFFFFFFu : static_cast<uint32_t>(d);
  }

  // start({sampleRateHz, nominalHz, cycles?, fitHalfWidth?, vMidLsb?, hysteresisLsb?}, halfPairs)
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsNumber()) {
      Napi::TypeError::New(env, "start(config, halfPairs)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::Object o = info[0].As<Napi::Object>();
    mn_adc_start_args_t a = {Prop(o, "sampleRateHz"), Prop(o, "nominalHz"), Prop(o, "cycles"),
                             Prop(o, "fitHalfWidth"), Prop(o, "vMidLsb"),   Prop(o, "hysteresisLsb")};
    uint32_t half = info[1].As<Napi::Number>().Uint32Value();
    mk_config_t k;
    const char* why = "";
    if (mn_adc_kernel_config(&a, &k, &why) != MN_OK) {
      Napi::Error::New(env, why).ThrowAsJavaScriptException();
      return env.Undefined();
    }
    if (dev_.running) {
      Napi::Error::New(env, mn_adc_start_error_text(&dev_, &k, MN_EALREADY)).ThrowAsJavaScriptException();
      return env.Undefined();
    }
    if (half == 0 || half > 0x7FFFu) {
      Napi::RangeError::New(env, "halfPairs must be 1..32767 (CNDTR is 16-bit)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    buffer_.assign(2u * half, 0u);
    hw_.memory = buffer_.data();
    cfg_ = mn_adc_config_t{};
    cfg_.adc1 = &hw_.adc1;
    cfg_.adc2 = &hw_.adc2;
    cfg_.dma = &hw_.dma;
    cfg_.dmaChannel = 1;
    cfg_.tim = &hw_.tim;
    cfg_.timerClkHz = MN_BOARD_TIM3_HZ;
    cfg_.vChannel = MN_BOARD_V_CHANNEL;
    cfg_.iChannel = MN_BOARD_I_CHANNEL;
    cfg_.sampleTimeCode = 6;
    cfg_.buffer = buffer_.data();
    cfg_.halfPairs = static_cast<uint16_t>(half);
    cfg_.kernel = &kernel_;
    cfg_.notify = Notify;
    cfg_.notifyCtx = this;
    cfg_.timerTicksNow = TicksNow;
    cfg_.dmaIrqPriority = MN_BOARD_PRIO_DMA;
    mn_adc_init(&dev_, &cfg_);
    mn_adc_set_zero_codes(&dev_, vZero_, iZero_);
    Enter();
    int rc = mn_adc_start(&dev_, &k);
    if (rc != MN_OK) {
      Napi::Error::New(env, mn_adc_start_error_text(&dev_, &k, rc)).ThrowAsJavaScriptException();
      return env.Undefined();
    }
    ticksAtStart_ = hw_.ticks;
    updatesAtStart_ = hw_.updates;
    firstPeriod_ = static_cast<uint64_t>(hw_.pscShadow + 1u) * (hw_.arrShadow + 1u);
    return env.Undefined();
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    Enter();
    mn_adc_stop(&dev_);
    return info.Env().Undefined();
  }

  // setZeroCodes(v, i): false when a code is outside 0..4095 (mn_adc_set_zero_codes).
  Napi::Value SetZeroCodes(const Napi::CallbackInfo& info) {
    double v = info[0].ToNumber().DoubleValue(), i = info[1].ToNumber().DoubleValue();
    bool ok = v >= 0 && i >= 0 && v <= 4095 && i <= 4095;
    if (ok) {
      vZero_ = static_cast<uint32_t>(v);
      iZero_ = static_cast<uint32_t>(i);
      if (dev_.cfg) mn_adc_set_zero_codes(&dev_, vZero_, iZero_);
    }
    return Napi::Boolean::New(info.Env(), ok);
  }

  // As jswrap_meteradc_setSampleRate: the achieved rate (Hz), or -22 / -100.
  Napi::Value SetSampleRate(const Napi::CallbackInfo& info) {
    double rateHz = info[0].ToNumber().DoubleValue();
    uint32_t achieved = 0;
    int rc = (rateHz > 0 && rateHz < 4.0e6) ? (dev_.cfg ? mn_adc_set_rate(&dev_, static_cast<uint32_t>(rateHz * 1000.0 + 0.5), &achieved) : MN_ENETDOWN)
                                            : MN_EINVAL;
    return Napi::Number::New(info.Env(), rc == MN_OK ? achieved / 1000.0 : static_cast<double>(rc));
  }

  // [startTicks, periodTicks]: timer ticks from pair 0 to the next pair the timer will
  // trigger, and the period (PSC+1)(ARR+1) of the intervals after it (ARR's preload, which
  // a retune wrote at the last half-buffer interrupt).
  Napi::Value NextBlock(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint64_t next = hw_.updates > updatesAtStart_
                        ? hw_.ticks - ticksAtStart_ + static_cast<uint64_t>(hw_.pscShadow + 1u) * (hw_.arrShadow + 1u) - firstPeriod_
                        : 0u;
    uint64_t period = static_cast<uint64_t>(hw_.tim.PSC + 1u) * (hw_.tim.ARR + 1u);
    Napi::Array a = Napi::Array::New(env, 2);
    a.Set(0u, static_cast<double>(next));
    a.Set(1u, static_cast<double>(period));
    return a;
  }

  // feed(codes: Uint16Array [v0, i0, v1, i1, ...]): one timer update per pair; the DMA
  // interrupt runs whenever its flags are raised. Returns the pairs the DMA stored.
  Napi::Value Feed(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint16_array) {
      Napi::TypeError::New(env, "feed expects a Uint16Array of {v, i} pairs").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::Uint16Array a = info[0].As<Napi::Uint16Array>();
    const uint16_t* p = a.Data();
    size_t n = a.ElementLength() / 2;
    Enter();
    double stored = 0;
    for (size_t j = 0; j < n; j++) {
      stored += fake_sampling_tick(&hw_, p[2 * j], p[2 * j + 1]);
      if (fake_sampling_irq_dma(&hw_)) mn_adc_isr_dma(&dev_);
    }
    return Napi::Number::New(env, stored);
  }

  // The main loop's mn_adc_take_window: the next window (sampleRateHz: the mean rate of
  // its own samples; rateStep: the step inside it) or null.
  Napi::Value TakeWindow(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    static mk_window_t w;
    mn_adc_window_info_t wi;
    Enter();
    if (!mn_adc_take_window(&dev_, &w, &wi)) return env.Null();
    Napi::Object o = WindowJs(env, w, wi.sampleRateHz);
    // the rate step inside the window as the sampler made it, for the chain (meterKernelAddon.cc RateStep)
    Napi::Uint32Array step = Napi::Uint32Array::New(env, 3);
    step[0] = wi.ticksBefore;
    step[1] = wi.ticksAfter;
    step[2] = wi.stepPair;
    o.Set("rateStep", step);
    return o;
  }

  // A DMA transfer error as the hardware raises it; true when the interrupt stopped
  // sampling and the main loop learnt it (mn_adc_take_error).
  Napi::Value DmaError(const Napi::CallbackInfo& info) {
    Enter();
    fake_sampling_dma_error(&hw_);
    if (dev_.cfg && fake_sampling_irq_dma(&hw_)) mn_adc_isr_dma(&dev_);
    return Napi::Boolean::New(info.Env(), dev_.cfg && mn_adc_take_error(&dev_));
  }

  // mn_adc_get_stats with the names of the device's getStats().
  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    mn_adc_stats_t s;
    mn_adc_get_stats(&dev_, &s);
    Napi::Object o = Napi::Object::New(env);
    o.Set("blocks", static_cast<double>(s.blocks));
    o.Set("missedBlocks", static_cast<double>(s.missedBlocks));
    o.Set("lateBlocks", static_cast<double>(s.lateBlocks));
    o.Set("dmaErrors", static_cast<double>(s.dmaErrors));
    o.Set("kernelRestarts", static_cast<double>(s.kernelRestarts));
    o.Set("windows", static_cast<double>(s.windowsDelivered));
    o.Set("dropped", static_cast<double>(s.windowsDropped));
    o.Set("overruns", static_cast<double>(s.missedBlocks) + s.lateBlocks);
    o.Set("running", dev_.running != 0);
    o.Set("sampleRateHz", mn_adc_rate_mhz(&dev_) / 1000.0);
    return o;
  }
};

Sampler* Sampler::current_ = nullptr;

}  // namespace

Napi::Function DefineMeterAdcSampler(Napi::Env env) { return Sampler::Define(env); }
