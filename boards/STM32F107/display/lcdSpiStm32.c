#include "lcdSpiStm32.h"
#include "drivers/mnReg.h"
#include "drivers/stm32f107Regs.h"

/* RM0008: SPI3 (25.5), DMA2 (13.4; SPI3_TX is channel 2, table 79), AFIO MAPR SPI3_REMAP (bit 28, connectivity line). */
#define SPI3_BASE 0x40003C00u
#define DMA2_BASE 0x40020400u
#define GPIOB_BASE 0x40010C00u
typedef struct { mn_reg_t CR1, CR2, SR, DR; } spi_regs_t;
#define SPI_CR1_MSTR (1u << 2)
#define SPI_CR1_BR_DIV4 (1u << 3)
#define SPI_CR1_SPE (1u << 6)
#define SPI_CR1_SSI (1u << 8)
#define SPI_CR1_SSM (1u << 9)
#define SPI_CR1_DFF (1u << 11)
#define SPI_CR2_TXDMAEN (1u << 1)
#define SPI_SR_TXE (1u << 1)
#define SPI_SR_BSY (1u << 7)
#define DMA_CCR_EN (1u << 0)
#define DMA_CCR_DIR (1u << 4)
#define DMA_CCR_PSIZE16 (1u << 8)
#define DMA_CCR_MSIZE16 (1u << 10)
#define DMA_ISR_TCIF2 (1u << 5)
#define DMA_IFCR_CGIF2 (1u << 4)
#define RCC_AHBENR_DMA2EN (1u << 1)
#define RCC_APB1ENR_SPI3EN (1u << 15)
#define RCC_APB2ENR_IOPBEN (1u << 3)
#define AFIO_MAPR_SPI3_REMAP (1u << 28)

#define SPI3 ((spi_regs_t *)SPI3_BASE)
#define DMA2 ((dma_regs_t *)DMA2_BASE)
#define RCC ((rcc_regs_t *)MN_RCC_BASE)
#define AFIO ((afio_regs_t *)MN_AFIO_BASE)
#define GPIOB ((gpio_regs_t *)GPIOB_BASE)
#define GPIOC ((gpio_regs_t *)MN_GPIOC_BASE)

static const uint32_t cr1 = SPI_CR1_MSTR | SPI_CR1_BR_DIV4 | SPI_CR1_SSM | SPI_CR1_SSI | SPI_CR1_SPE;

void lcd_spi_init(void) {
  MN_WR(RCC->AHBENR, MN_RD(RCC->AHBENR) | RCC_AHBENR_DMA2EN);
  MN_WR(RCC->APB1ENR, MN_RD(RCC->APB1ENR) | RCC_APB1ENR_SPI3EN);
  MN_WR(RCC->APB2ENR, MN_RD(RCC->APB2ENR) | MN_RCC_APB2ENR_AFIOEN | RCC_APB2ENR_IOPBEN | MN_RCC_APB2ENR_IOPCEN);
  MN_WR(AFIO->MAPR, (MN_RD(AFIO->MAPR) & ~MN_AFIO_MAPR_SWJ_MASK) | MN_AFIO_MAPR_SWJ_NO_CHANGE | AFIO_MAPR_SPI3_REMAP);
  /* PC10 SCK, PC12 MOSI: alternate push-pull 50 MHz (0xB); PC11 MISO: floating input (0x4) */
  MN_WR(GPIOC->CRH, (MN_RD(GPIOC->CRH) & ~0x000FFF00u) | 0x000B4B00u);
  /* PB2 chip select: push-pull output 50 MHz (0x3), high (deselected) */
  MN_WR(GPIOB->BSRR, 1u << 2);
  MN_WR(GPIOB->CRL, (MN_RD(GPIOB->CRL) & ~0x00000F00u) | 0x00000300u);
  MN_WR(SPI3->CR1, cr1);
}

static void wait_idle(void) {
  while (!(MN_RD(SPI3->SR) & SPI_SR_TXE)) {}
  while (MN_RD(SPI3->SR) & SPI_SR_BSY) {}
}

static void sel(void *ctx, int on) {
  (void)ctx;
  if (!on) wait_idle();
  MN_WR(GPIOB->BSRR, on ? (1u << (2 + 16)) : (1u << 2));
}

static void byte(void *ctx, uint8_t b) {
  (void)ctx;
  while (!(MN_RD(SPI3->SR) & SPI_SR_TXE)) {}
  MN_WR(SPI3->DR, b);
}

static void repeat16(void *ctx, uint16_t value, uint32_t n) {
  if (n < 8) {
    while (n--) { byte(ctx, (uint8_t)(value >> 8)); byte(ctx, (uint8_t)value); }
    return;
  }
  /* 16-bit frames (DFF may change only with SPE off), then DMA from one fixed half-word */
  static volatile uint16_t v;
  v = value;
  wait_idle();
  MN_WR(SPI3->CR1, cr1 & ~SPI_CR1_SPE);
  MN_WR(SPI3->CR1, cr1 | SPI_CR1_DFF);
  MN_WR(SPI3->CR2, SPI_CR2_TXDMAEN);
  while (n) {
    uint32_t k = n > 65535u ? 65535u : n;
    MN_WR(DMA2->CH[1].CCR, 0);
    MN_WR(DMA2->IFCR, DMA_IFCR_CGIF2);
    MN_WR(DMA2->CH[1].CPAR, (uint32_t)(uintptr_t)&SPI3->DR);
    MN_WR(DMA2->CH[1].CMAR, (uint32_t)(uintptr_t)&v);
    MN_WR(DMA2->CH[1].CNDTR, k);
    MN_WR(DMA2->CH[1].CCR, DMA_CCR_DIR | DMA_CCR_PSIZE16 | DMA_CCR_MSIZE16 | DMA_CCR_EN);
    while (!(MN_RD(DMA2->ISR) & DMA_ISR_TCIF2)) {}
    n -= k;
  }
  MN_WR(DMA2->CH[1].CCR, 0);
  MN_WR(SPI3->CR2, 0);
  wait_idle();
  MN_WR(SPI3->CR1, cr1 & ~SPI_CR1_SPE);
  MN_WR(SPI3->CR1, cr1);
}

const lcd_io_t lcd_spi_io = {0, sel, byte, repeat16};
