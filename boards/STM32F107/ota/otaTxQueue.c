/* The OTA transmit queue: see otaTxQueue.h. */
#include "otaTxQueue.h"

#include <string.h>

int mn_ota_txq_put(mn_ota_txq_t *q, uint16_t id, const uint8_t data[8]) {
  if (q->count >= MN_OTA_TXQ_LEN) {
    q->overflows++;
    return -1;
  }
  unsigned at = (q->head + q->count) % MN_OTA_TXQ_LEN;
  q->id[at] = id;
  memcpy(q->data[at], data, 8);
  q->count++;
  return 0;
}

unsigned mn_ota_txq_pump(mn_ota_txq_t *q, mn_ota_hw_send_fn hw, void *ctx) {
  unsigned n = 0;
  while (q->count > 0 && hw(ctx, q->id[q->head], q->data[q->head]) == 0) {
    q->head = (uint8_t)((q->head + 1) % MN_OTA_TXQ_LEN);
    q->count--;
    n++;
  }
  return n;
}
