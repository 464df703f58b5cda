/* DMA register operations; see dma.h. Written from RM0008 chapter 13. */
#include "dma.h"

static int bad_channel(unsigned ch) { return ch < 1u || ch > 7u; }

int dma_setup_circular_p2m32(dma_regs_t *dma, unsigned ch, uint32_t periphAddr, uint32_t memAddr, uint32_t count,
                             unsigned priority) {
  if (bad_channel(ch) || count < 1u || count > 0xFFFFu || priority > 3u) return MN_EINVAL;
  dma_channel_regs_t *c = &dma->CH[ch - 1u];
  MN_CLR(c->CCR, MN_DMA_CCR_EN); /* CPAR, CMAR, CNDTR are writable only while disabled */
  MN_WR(dma->IFCR, MN_DMA_GIF(ch) | MN_DMA_TCIF(ch) | MN_DMA_HTIF(ch) | MN_DMA_TEIF(ch));
  MN_WR(c->CPAR, periphAddr);
  MN_WR(c->CMAR, memAddr);
  MN_WR(c->CNDTR, count);
  MN_WR(c->CCR, MN_DMA_CCR_CIRC | MN_DMA_CCR_MINC | MN_DMA_CCR_PSIZE_32 | MN_DMA_CCR_MSIZE_32 | (priority << MN_DMA_CCR_PL_SHIFT));
  return MN_OK;
}

int dma_enable_with_irqs(dma_regs_t *dma, unsigned ch) {
  if (bad_channel(ch)) return MN_EINVAL;
  MN_SET(dma->CH[ch - 1u].CCR, MN_DMA_CCR_HTIE | MN_DMA_CCR_TCIE | MN_DMA_CCR_TEIE | MN_DMA_CCR_EN);
  return MN_OK;
}

int dma_disable(dma_regs_t *dma, unsigned ch) {
  if (bad_channel(ch)) return MN_EINVAL;
  MN_CLR(dma->CH[ch - 1u].CCR, MN_DMA_CCR_EN | MN_DMA_CCR_HTIE | MN_DMA_CCR_TCIE | MN_DMA_CCR_TEIE);
  return MN_OK;
}

static uint32_t flags_of(uint32_t isr, unsigned ch) {
  return ((isr & MN_DMA_TCIF(ch)) ? MN_DMA_FLAG_TC : 0u) | ((isr & MN_DMA_HTIF(ch)) ? MN_DMA_FLAG_HT : 0u) |
         ((isr & MN_DMA_TEIF(ch)) ? MN_DMA_FLAG_TE : 0u);
}

uint32_t dma_take_flags(dma_regs_t *dma, unsigned ch) {
  if (bad_channel(ch)) return 0;
  uint32_t f = flags_of(MN_RD(dma->ISR), ch);
  uint32_t clear = ((f & MN_DMA_FLAG_TC) ? MN_DMA_TCIF(ch) : 0u) | ((f & MN_DMA_FLAG_HT) ? MN_DMA_HTIF(ch) : 0u) |
                   ((f & MN_DMA_FLAG_TE) ? MN_DMA_TEIF(ch) : 0u);
  /* GIF is cleared only with the others all gone, so a flag set between the
   * read and this write keeps GIF and the interrupt pending. */
  if (clear) MN_WR(dma->IFCR, clear);
  return f;
}

uint32_t dma_peek_flags(dma_regs_t *dma, unsigned ch) { return bad_channel(ch) ? 0u : flags_of(MN_RD(dma->ISR), ch); }

uint32_t dma_remaining(dma_regs_t *dma, unsigned ch) { return bad_channel(ch) ? 0u : (MN_RD(dma->CH[ch - 1u].CNDTR) & 0xFFFFu); }
