/*
 * DMA register operations (RM0008 chapter 13), controller registers first,
 * channels numbered 1..7 as in the manual. Errors: MN_EINVAL (-22) for a
 * channel outside 1..7 or a count outside 1..65535.
 */
#ifndef MN_DMA_H
#define MN_DMA_H

#include <stdint.h>
#include "stm32f107Regs.h"

/* dma_take_flags result bits */
#define MN_DMA_FLAG_TC 0x1u
#define MN_DMA_FLAG_HT 0x2u
#define MN_DMA_FLAG_TE 0x4u

/* Peripheral-to-memory, 32-bit both sides, memory increment, circular, over
 * `count` words, priority 0..3. Leaves the channel disabled. */
int dma_setup_circular_p2m32(dma_regs_t *dma, unsigned ch, uint32_t periphAddr, uint32_t memAddr, uint32_t count,
                             unsigned priority);
/* Enables the channel with half-transfer, transfer-complete and error interrupts. */
int dma_enable_with_irqs(dma_regs_t *dma, unsigned ch);
int dma_disable(dma_regs_t *dma, unsigned ch);
/* Reads the channel's TC/HT/TE flags (DMA_FLAG_*) and clears those it read. */
uint32_t dma_take_flags(dma_regs_t *dma, unsigned ch);
/* Reads the flags without clearing them. */
uint32_t dma_peek_flags(dma_regs_t *dma, unsigned ch);
/* Items left before the transfer wraps (CNDTR). */
uint32_t dma_remaining(dma_regs_t *dma, unsigned ch);

#endif
