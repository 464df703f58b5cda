/* Device instances, clocks, pins, NVIC and interrupt handlers; see meternetBoard.h. */
#include "meternetBoard.h"

#include "drivers/stm32f107Regs.h"

#define RCC ((rcc_regs_t *)MN_RCC_BASE)
#define AFIO ((afio_regs_t *)MN_AFIO_BASE)
#define GPIOC ((gpio_regs_t *)MN_GPIOC_BASE)
#define GPIOD ((gpio_regs_t *)MN_GPIOD_BASE)
#define NVIC ((nvic_regs_t *)MN_NVIC_BASE)

/* The aggregator's image (METERNET_F107_AGG.py) has no ADC hook and no kernel:
 * built with -DMN_NO_METERADC it keeps only CAN1. */
#define DEMCR (*(mn_reg_t *)MN_DEMCR_ADDR)
#define DWT_CTRL (*(mn_reg_t *)MN_DWT_CTRL_ADDR)
#define DWT_CYCCNT (*(mn_reg_t *)MN_DWT_CYCCNT_ADDR)

#ifndef MN_NO_METERADC
/* The sampler counts half-buffers lost while its interrupt was held off from
 * elapsed timer ticks: the core's cycle counter runs at SYSCLK, which is also
 * TIM3's clock here (72 MHz, APB1 prescaler 2). */
#if MN_BOARD_TIM3_HZ != MN_BOARD_SYSCLK_HZ
#error "timerTicksNow must count TIM3 ticks: scale the DWT cycle count"
#endif
static uint32_t cycles_now(void) { return MN_RD(DWT_CYCCNT); }
static mk_kernel_t kernel;
static uint32_t adcBuffer[2u * MN_BOARD_ADC_HALF_PAIRS];

static mn_adc_config_t adcConfig = {
    .adc1 = (adc_regs_t *)MN_ADC1_BASE,
    .adc2 = (adc_regs_t *)MN_ADC2_BASE,
    .dma = (dma_regs_t *)MN_DMA1_BASE,
    .dmaChannel = 1,
    .tim = (tim_regs_t *)MN_TIM3_BASE,
    .timerClkHz = MN_BOARD_TIM3_HZ,
    .vChannel = MN_BOARD_V_CHANNEL,
    .iChannel = MN_BOARD_I_CHANNEL,
    .sampleTimeCode = 6, /* 71.5 cycles: 7 us per pair at 12 MHz, high source impedance tolerated */
    .buffer = adcBuffer,
    .halfPairs = MN_BOARD_ADC_HALF_PAIRS,
    .kernel = &kernel,
    .timerTicksNow = cycles_now,
    .dmaIrqPriority = MN_BOARD_PRIO_DMA,
};
mn_adc_t mn_board_adc;
void mn_board_set_adc_notify(int (*notify)(void *ctx)) { adcConfig.notify = notify; }
#endif

static mn_can_config_t canConfig = {
    .regs = (bxcan_regs_t *)MN_CAN1_BASE,
    .pclkHz = MN_BOARD_APB1_HZ,
    .firstBank = 0,
    .bankCount = 14, /* CAN2 gets 14..27 (CAN2SB = 14, the reset value) */
};

mn_can_t mn_board_can1;

/* One 4-bit nibble of a GPIO CRL/CRH (MODE[1:0], CNF[1:0]) per pin. */
static void gpio_config(gpio_regs_t *port, unsigned pin, uint32_t nibble) {
  mn_reg_t *cr = pin < 8u ? &port->CRL : &port->CRH;
  unsigned shift = 4u * (pin & 7u);
  MN_WR(*cr, (MN_RD(*cr) & ~(0xFu << shift)) | (nibble << shift));
}

/* IPR as words (PM0056 4.3.7: byte or word access), so the register fakes
 * see the access like every other. */
static void nvic_enable(int irq, uint32_t prio) {
  mn_reg_t *ipr = (mn_reg_t *)&NVIC->IP[irq & ~3];
  unsigned shift = 8u * (unsigned)(irq & 3);
  MN_WR(*ipr, (MN_RD(*ipr) & ~(0xFFu << shift)) | ((prio << 4) << shift));
  MN_WR(NVIC->ISER[irq >> 5], 1u << (irq & 31));
}

/* RCC_CSR (RM0008 8.3.10: 0x24 from RCC): reset flags, written 1 to RMVF to clear them. */
#define RCC_CSR (*(mn_reg_t *)(MN_RCC_BASE + 0x24u))
#define RCC_CSR_RMVF (1u << 24)
#define RCC_CSR_SFTRSTF (1u << 28)
#define RCC_CSR_IWDGRSTF (1u << 29)
#define RCC_CSR_WWDGRSTF (1u << 30)

int mn_board_reset_cause(void) {
  static int cause = -1;
  if (cause < 0) {
    uint32_t csr = MN_RD(RCC_CSR);
    cause = (csr & (RCC_CSR_IWDGRSTF | RCC_CSR_WWDGRSTF)) ? 1 : (csr & RCC_CSR_SFTRSTF) ? 2 : 0; /* otaBoot.h MN_RESET_* */
    MN_SET(RCC_CSR, RCC_CSR_RMVF);
  }
  return cause;
}

static int driversReady;

void mn_board_set_can_notify(int (*notify)(void *ctx, uint32_t events)) { canConfig.notify = notify; }

/* Clocks, pins, the CAN1 remap and the NVIC. Espruino's jshReset(), which
 * reset(), save() and load() run before the init hooks, turns every pin not
 * used internally into an analog input: PD0 would then read dominant, bxCAN
 * would never see the 11 recessive bits that end initialisation, and
 * CAN1.start would fail until a power cycle. So this runs on every init; every
 * write is idempotent. */
static void setup_clocks_pins_irqs(void) {
#ifndef MN_NO_METERADC
  MN_SET(RCC->AHBENR, MN_RCC_AHBENR_DMA1EN);
  MN_SET(RCC->APB2ENR, MN_RCC_APB2ENR_IOPCEN | MN_RCC_APB2ENR_ADC1EN | MN_RCC_APB2ENR_ADC2EN);
  MN_SET(RCC->APB1ENR, MN_RCC_APB1ENR_TIM3EN);
  MN_WR(RCC->CFGR, (MN_RD(RCC->CFGR) & ~MN_RCC_CFGR_ADCPRE_MASK) | (MN_RCC_ADCPRE_DIV6 << MN_RCC_CFGR_ADCPRE_SHIFT));
  gpio_config(GPIOC, 0, 0x0u); /* analog */
  gpio_config(GPIOC, 2, 0x0u);
  MN_SET(DEMCR, MN_DEMCR_TRCENA);
  MN_SET(DWT_CTRL, MN_DWT_CTRL_CYCCNTENA);
  nvic_enable(MN_IRQ_DMA1_CH1, MN_BOARD_PRIO_DMA);
#endif
  MN_SET(RCC->APB2ENR, MN_RCC_APB2ENR_AFIOEN | MN_RCC_APB2ENR_IOPDEN);
  MN_SET(RCC->APB1ENR, MN_RCC_APB1ENR_CAN1EN);
  gpio_config(GPIOD, 0, 0x8u); /* input with pull-up (ODR=1): CAN1_RX */
  MN_SET(GPIOD->ODR, 1u << 0);
  gpio_config(GPIOD, 1, 0xBu); /* alternate push-pull 50 MHz: CAN1_TX */
  uint32_t mapr = MN_RD(AFIO->MAPR) & ~(MN_AFIO_MAPR_CAN1_REMAP_MASK | MN_AFIO_MAPR_SWJ_MASK);
  MN_WR(AFIO->MAPR, mapr | (MN_AFIO_CAN1_REMAP_PD0_PD1 << MN_AFIO_MAPR_CAN1_REMAP_SHIFT) | MN_AFIO_MAPR_SWJ_NO_CHANGE);
  nvic_enable(MN_IRQ_CAN1_TX, MN_BOARD_PRIO_CAN);
  nvic_enable(MN_IRQ_CAN1_RX0, MN_BOARD_PRIO_CAN);
  nvic_enable(MN_IRQ_CAN1_RX1, MN_BOARD_PRIO_CAN);
  nvic_enable(MN_IRQ_CAN1_SCE, MN_BOARD_PRIO_CAN);
}

int mn_board_init(void) {
  if (!driversReady) { /* once: later, the kill hooks leave them stopped and their state stays */
#ifndef MN_NO_METERADC
    int rc = mn_adc_init(&mn_board_adc, &adcConfig);
    if (rc != MN_OK) return rc;
#endif
    int crc = mn_can_init(&mn_board_can1, &canConfig);
    if (crc != MN_OK) return crc;
    driversReady = 1;
  }
  setup_clocks_pins_irqs(); /* after the drivers: an interrupt finds them initialised */
  return MN_OK;
}

/* Vector names of ST's startup_stm32f10x_cl.s (weak there, strong here). */
void DMA1_Channel1_IRQHandler(void);
void CAN1_TX_IRQHandler(void);
void CAN1_RX0_IRQHandler(void);
void CAN1_RX1_IRQHandler(void);
void CAN1_SCE_IRQHandler(void);

#ifndef MN_NO_METERADC
void DMA1_Channel1_IRQHandler(void) { mn_adc_isr_dma(&mn_board_adc); }
#endif
void CAN1_TX_IRQHandler(void) { mn_can_isr_tx(&mn_board_can1); }
void CAN1_RX0_IRQHandler(void) { mn_can_isr_rx(&mn_board_can1, 0); }
void CAN1_RX1_IRQHandler(void) { mn_can_isr_rx(&mn_board_can1, 1); }
void CAN1_SCE_IRQHandler(void) { mn_can_isr_sce(&mn_board_can1); }
