/*
 * Register layouts and bits of the STM32F105/107 (connectivity line) blocks our
 * drivers use, written from the reference manual RM0008 (Rev 21): register maps
 * in sections 7.3.11 (RCC), 9.5 (AFIO), 9.2 (GPIO), 11.12.15 (ADC), 13.4.7 (DMA),
 * 15.4.19 (TIM2..5), 24.9.5 (bxCAN). Only what the drivers touch is named;
 * reserved gaps are padding so each offset matches the manual (checked by
 * _Static_assert below).
 */
#ifndef STM32F107_REGS_H
#define STM32F107_REGS_H

#include <stddef.h>
#include <stdint.h>
#include "mnReg.h"

/* ---- bxCAN (RM0008 24.9) ---- */
typedef struct {
  mn_reg_t TIR, TDTR, TDLR, TDHR;
} bxcan_txmb_t;
typedef struct {
  mn_reg_t RIR, RDTR, RDLR, RDHR;
} bxcan_rxfifo_t;
typedef struct {
  mn_reg_t FR1, FR2;
} bxcan_bank_t;
typedef struct {
  mn_reg_t MCR;            /* 0x000 */
  mn_reg_t MSR;            /* 0x004 */
  mn_reg_t TSR;            /* 0x008 */
  mn_reg_t RFR[2];         /* 0x00C RF0R, 0x010 RF1R */
  mn_reg_t IER;            /* 0x014 */
  mn_reg_t ESR;            /* 0x018 */
  mn_reg_t BTR;            /* 0x01C */
  mn_reg_t reserved0[88];  /* 0x020..0x17F */
  bxcan_txmb_t TX[3];      /* 0x180 */
  bxcan_rxfifo_t RX[2];    /* 0x1B0 */
  mn_reg_t reserved1[12];  /* 0x1D0..0x1FF */
  mn_reg_t FMR;            /* 0x200 */
  mn_reg_t FM1R;           /* 0x204 */
  mn_reg_t reserved2;
  mn_reg_t FS1R;           /* 0x20C */
  mn_reg_t reserved3;
  mn_reg_t FFA1R;          /* 0x214 */
  mn_reg_t reserved4;
  mn_reg_t FA1R;           /* 0x21C */
  mn_reg_t reserved5[8];   /* 0x220..0x23F */
  bxcan_bank_t FB[28];     /* 0x240..0x31F */
} bxcan_regs_t;

#define MN_CAN_MCR_INRQ (1u << 0)
#define MN_CAN_MCR_SLEEP (1u << 1)
#define MN_CAN_MCR_TXFP (1u << 2)
#define MN_CAN_MCR_RFLM (1u << 3)
#define MN_CAN_MCR_NART (1u << 4)
#define MN_CAN_MCR_AWUM (1u << 5)
#define MN_CAN_MCR_ABOM (1u << 6)
#define MN_CAN_MCR_TTCM (1u << 7)
#define MN_CAN_MCR_RESET (1u << 15)
#define MN_CAN_MCR_DBF (1u << 16)

#define MN_CAN_MSR_INAK (1u << 0)
#define MN_CAN_MSR_SLAK (1u << 1)
#define MN_CAN_MSR_ERRI (1u << 2)
#define MN_CAN_MSR_WKUI (1u << 3)
#define MN_CAN_MSR_SLAKI (1u << 4)

/* TSR: per mailbox m (0..2) the request bits sit at 8*m. */
#define MN_CAN_TSR_RQCP(m) (1u << (8u * (m)))
#define MN_CAN_TSR_TXOK(m) (1u << (8u * (m) + 1u))
#define MN_CAN_TSR_ALST(m) (1u << (8u * (m) + 2u))
#define MN_CAN_TSR_TERR(m) (1u << (8u * (m) + 3u))
#define MN_CAN_TSR_ABRQ(m) (1u << (8u * (m) + 7u))
#define MN_CAN_TSR_CODE_SHIFT 24u
#define MN_CAN_TSR_CODE_MASK (3u << 24)
#define MN_CAN_TSR_TME(m) (1u << (26u + (m)))
#define MN_CAN_TSR_TME_ALL (7u << 26)
#define MN_CAN_TSR_LOW(m) (1u << (29u + (m)))

#define MN_CAN_RFR_FMP_MASK 3u
#define MN_CAN_RFR_FULL (1u << 3)
#define MN_CAN_RFR_FOVR (1u << 4)
#define MN_CAN_RFR_RFOM (1u << 5)

#define MN_CAN_IER_TMEIE (1u << 0)
#define MN_CAN_IER_FMPIE0 (1u << 1)
#define MN_CAN_IER_FFIE0 (1u << 2)
#define MN_CAN_IER_FOVIE0 (1u << 3)
#define MN_CAN_IER_FMPIE1 (1u << 4)
#define MN_CAN_IER_FFIE1 (1u << 5)
#define MN_CAN_IER_FOVIE1 (1u << 6)
#define MN_CAN_IER_EWGIE (1u << 8)
#define MN_CAN_IER_EPVIE (1u << 9)
#define MN_CAN_IER_BOFIE (1u << 10)
#define MN_CAN_IER_LECIE (1u << 11)
#define MN_CAN_IER_ERRIE (1u << 15)

#define MN_CAN_ESR_EWGF (1u << 0)
#define MN_CAN_ESR_EPVF (1u << 1)
#define MN_CAN_ESR_BOFF (1u << 2)
#define MN_CAN_ESR_LEC_SHIFT 4u
#define MN_CAN_ESR_TEC_SHIFT 16u
#define MN_CAN_ESR_REC_SHIFT 24u

#define MN_CAN_BTR_BRP_SHIFT 0u  /* BRP[9:0]: tq = (BRP+1) * tPCLK */
#define MN_CAN_BTR_TS1_SHIFT 16u /* TS1[3:0]: tBS1 = (TS1+1) tq */
#define MN_CAN_BTR_TS2_SHIFT 20u /* TS2[2:0]: tBS2 = (TS2+1) tq */
#define MN_CAN_BTR_SJW_SHIFT 24u /* SJW[1:0]: tRJW = (SJW+1) tq */
#define MN_CAN_BTR_LBKM (1u << 30)
#define MN_CAN_BTR_SILM (1u << 31)

/* TIxR / RIxR identifier words */
#define MN_CAN_IR_TXRQ (1u << 0)
#define MN_CAN_IR_RTR (1u << 1)
#define MN_CAN_IR_IDE (1u << 2)
#define MN_CAN_IR_EXID_SHIFT 3u
#define MN_CAN_IR_STID_SHIFT 21u
#define MN_CAN_DTR_DLC_MASK 0xFu
#define MN_CAN_RDTR_FMI_SHIFT 8u

#define MN_CAN_FMR_FINIT (1u << 0)
#define MN_CAN_FMR_CAN2SB_SHIFT 8u

/* ---- ADC (RM0008 11.12) ---- */
typedef struct {
  mn_reg_t SR;    /* 0x00 */
  mn_reg_t CR1;   /* 0x04 */
  mn_reg_t CR2;   /* 0x08 */
  mn_reg_t SMPR1; /* 0x0C channels 10..17 */
  mn_reg_t SMPR2; /* 0x10 channels 0..9 */
  mn_reg_t JOFR[4];
  mn_reg_t HTR, LTR;
  mn_reg_t SQR1;  /* 0x2C L[3:0] at 20 */
  mn_reg_t SQR2;
  mn_reg_t SQR3;  /* 0x34 SQ1 at bits 4:0 */
  mn_reg_t JSQR;
  mn_reg_t JDR[4];
  mn_reg_t DR;    /* 0x4C: in dual mode ADC1's DR holds ADC2's result in 31:16 */
} adc_regs_t;

#define MN_ADC_SR_EOC (1u << 1)
#define MN_ADC_SR_STRT (1u << 4)
#define MN_ADC_CR1_SCAN (1u << 8)
#define MN_ADC_CR1_DUALMOD_SHIFT 16u
#define MN_ADC_CR1_DUALMOD_MASK (0xFu << 16)
#define MN_ADC_DUALMOD_INDEPENDENT 0u
#define MN_ADC_DUALMOD_REG_SIMULT 6u
#define MN_ADC_CR2_ADON (1u << 0)
#define MN_ADC_CR2_CONT (1u << 1)
#define MN_ADC_CR2_CAL (1u << 2)
#define MN_ADC_CR2_RSTCAL (1u << 3)
#define MN_ADC_CR2_DMA (1u << 8)
#define MN_ADC_CR2_ALIGN (1u << 11)
#define MN_ADC_CR2_EXTSEL_SHIFT 17u
#define MN_ADC_CR2_EXTSEL_MASK (7u << 17)
#define MN_ADC_EXTSEL_TIM3_TRGO 4u /* ADC1/ADC2 regular group, RM0008 table 69 */
#define MN_ADC_EXTSEL_SWSTART 7u
#define MN_ADC_CR2_EXTTRIG (1u << 20)
#define MN_ADC_CR2_SWSTART (1u << 22)
#define MN_ADC_SQR1_L_SHIFT 20u

/* ---- DMA (RM0008 13.4) ---- */
typedef struct {
  mn_reg_t CCR, CNDTR, CPAR, CMAR, reserved;
} dma_channel_regs_t;
typedef struct {
  mn_reg_t ISR;                  /* 0x00 */
  mn_reg_t IFCR;                 /* 0x04 */
  dma_channel_regs_t CH[7];      /* 0x08 + 20*(x-1) */
} dma_regs_t;

/* ISR/IFCR: channel c (1..7) flags at 4*(c-1): GIF, TCIF, HTIF, TEIF */
#define MN_DMA_GIF(c) (1u << (4u * ((c)-1u)))
#define MN_DMA_TCIF(c) (1u << (4u * ((c)-1u) + 1u))
#define MN_DMA_HTIF(c) (1u << (4u * ((c)-1u) + 2u))
#define MN_DMA_TEIF(c) (1u << (4u * ((c)-1u) + 3u))
#define MN_DMA_CCR_EN (1u << 0)
#define MN_DMA_CCR_TCIE (1u << 1)
#define MN_DMA_CCR_HTIE (1u << 2)
#define MN_DMA_CCR_TEIE (1u << 3)
#define MN_DMA_CCR_DIR (1u << 4)
#define MN_DMA_CCR_CIRC (1u << 5)
#define MN_DMA_CCR_PINC (1u << 6)
#define MN_DMA_CCR_MINC (1u << 7)
#define MN_DMA_CCR_PSIZE_32 (2u << 8)
#define MN_DMA_CCR_MSIZE_32 (2u << 10)
#define MN_DMA_CCR_PL_SHIFT 12u

/* ---- TIM2..TIM5 general-purpose timers (RM0008 15.4) ---- */
typedef struct {
  mn_reg_t CR1;   /* 0x00 */
  mn_reg_t CR2;   /* 0x04 */
  mn_reg_t SMCR;  /* 0x08 */
  mn_reg_t DIER;  /* 0x0C */
  mn_reg_t SR;    /* 0x10 */
  mn_reg_t EGR;   /* 0x14 */
  mn_reg_t CCMR1, CCMR2, CCER;
  mn_reg_t CNT;   /* 0x24 */
  mn_reg_t PSC;   /* 0x28 */
  mn_reg_t ARR;   /* 0x2C */
} tim_regs_t;

#define MN_TIM_CR1_CEN (1u << 0)
#define MN_TIM_CR1_URS (1u << 2)
#define MN_TIM_CR1_ARPE (1u << 7)
#define MN_TIM_CR2_MMS_SHIFT 4u
#define MN_TIM_CR2_MMS_MASK (7u << 4)
#define MN_TIM_MMS_ENABLE 1u /* TRGO = counter enable (CEN) */
#define MN_TIM_MMS_UPDATE 2u
#define MN_TIM_EGR_UG (1u << 0)
#define MN_TIM_SR_UIF (1u << 0)

/* ---- RCC, AFIO, GPIO, NVIC: only enable bits and the few fields we set ---- */
typedef struct {
  mn_reg_t CR, CFGR, CIR, APB2RSTR, APB1RSTR, AHBENR, APB2ENR, APB1ENR;
} rcc_regs_t;
#define MN_RCC_AHBENR_DMA1EN (1u << 0)
#define MN_RCC_APB2ENR_AFIOEN (1u << 0)
#define MN_RCC_APB2ENR_IOPAEN (1u << 2)
#define MN_RCC_APB2ENR_IOPCEN (1u << 4)
#define MN_RCC_APB2ENR_IOPDEN (1u << 5)
#define MN_RCC_APB2ENR_ADC1EN (1u << 9)
#define MN_RCC_APB2ENR_ADC2EN (1u << 10)
#define MN_RCC_APB1ENR_TIM3EN (1u << 1)
#define MN_RCC_APB1ENR_CAN1EN (1u << 25)
#define MN_RCC_CFGR_ADCPRE_SHIFT 14u
#define MN_RCC_CFGR_ADCPRE_MASK (3u << 14)
#define MN_RCC_ADCPRE_DIV6 2u

typedef struct {
  mn_reg_t EVCR, MAPR, EXTICR[4], reserved, MAPR2;
} afio_regs_t;
#define MN_AFIO_MAPR_CAN1_REMAP_SHIFT 13u
#define MN_AFIO_MAPR_CAN1_REMAP_MASK (3u << 13)
#define MN_AFIO_CAN1_REMAP_PD0_PD1 3u
/* SWJ_CFG is write-only and reads as 000 (RM0008 9.4.2): a read-modify-write
 * that writes back 000 re-enables JTAG and SWD on PA13-15/PB3/PB4, undoing
 * Espruino's SWJ disable. 111 is a combination with no effect: write it on a
 * read-modify-write (ST's GPIO_PinRemapConfig does the same). */
#define MN_AFIO_MAPR_SWJ_MASK (7u << 24)
#define MN_AFIO_MAPR_SWJ_NO_CHANGE (7u << 24)

typedef struct {
  mn_reg_t CRL, CRH, IDR, ODR, BSRR, BRR, LCKR;
} gpio_regs_t;

typedef struct {
  mn_reg_t ISER[8];
  mn_reg_t reserved0[24];
  mn_reg_t ICER[8];
  mn_reg_t reserved1[24];
  mn_reg_t ISPR[8];
  mn_reg_t reserved2[24];
  mn_reg_t ICPR[8];
  mn_reg_t reserved3[24];
  mn_reg_t IABR[8];
  mn_reg_t reserved4[56];
  volatile uint8_t IP[240];           /* priority bytes; the F1 implements the top 4 bits */
} nvic_regs_t;

/* Cortex-M3 cycle counter (ARMv7-M ARM C1.8.8, C1.6.5): DEMCR.TRCENA powers
 * the DWT, DWT_CTRL.CYCCNTENA runs CYCCNT at the core clock. */
#define MN_DEMCR_ADDR 0xE000EDFCu
#define MN_DEMCR_TRCENA (1u << 24)
#define MN_DWT_CTRL_ADDR 0xE0001000u
#define MN_DWT_CYCCNT_ADDR 0xE0001004u
#define MN_DWT_CTRL_CYCCNTENA (1u << 0)

/* Base addresses (RM0008 table 3, memory map; PM0056 for the NVIC). */
#define MN_TIM3_BASE 0x40000400u
#define MN_CAN1_BASE 0x40006400u
#define MN_AFIO_BASE 0x40010000u
#define MN_GPIOA_BASE 0x40010800u
#define MN_GPIOC_BASE 0x40011000u
#define MN_GPIOD_BASE 0x40011400u
#define MN_ADC1_BASE 0x40012400u
#define MN_ADC2_BASE 0x40012800u
#define MN_DMA1_BASE 0x40020000u
#define MN_RCC_BASE 0x40021000u
#define MN_NVIC_BASE 0xE000E100u

/* IRQ numbers of the connectivity line (RM0008 table 61). */
#define MN_IRQ_DMA1_CH1 11
#define MN_IRQ_CAN1_TX 19
#define MN_IRQ_CAN1_RX0 20
#define MN_IRQ_CAN1_RX1 21
#define MN_IRQ_CAN1_SCE 22

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(offsetof(bxcan_regs_t, BTR) == 0x1C, "bxCAN BTR offset");
_Static_assert(offsetof(bxcan_regs_t, TX) == 0x180, "bxCAN mailbox offset");
_Static_assert(offsetof(bxcan_regs_t, RX) == 0x1B0, "bxCAN FIFO offset");
_Static_assert(offsetof(bxcan_regs_t, FMR) == 0x200, "bxCAN FMR offset");
_Static_assert(offsetof(bxcan_regs_t, FA1R) == 0x21C, "bxCAN FA1R offset");
_Static_assert(offsetof(bxcan_regs_t, FB) == 0x240, "bxCAN filter bank offset");
_Static_assert(offsetof(adc_regs_t, SQR1) == 0x2C, "ADC SQR1 offset");
_Static_assert(offsetof(adc_regs_t, DR) == 0x4C, "ADC DR offset");
_Static_assert(offsetof(dma_regs_t, CH[1]) == 0x1C, "DMA channel 2 offset");
_Static_assert(offsetof(tim_regs_t, ARR) == 0x2C, "TIM ARR offset");
_Static_assert(offsetof(rcc_regs_t, APB1ENR) == 0x1C, "RCC APB1ENR offset");
_Static_assert(offsetof(afio_regs_t, MAPR2) == 0x1C, "AFIO MAPR2 offset");
_Static_assert(offsetof(nvic_regs_t, ICER) == 0x80, "NVIC ICER offset");
_Static_assert(offsetof(nvic_regs_t, IP) == 0x300, "NVIC IP offset");
#endif

#endif
