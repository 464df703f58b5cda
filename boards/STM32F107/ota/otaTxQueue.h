/*
 * A small queue of OTA frames waiting for a transmit mailbox. bxCAN has three
 * mailboxes and the poll answers use them too, so the OTA C never assumes one is
 * free: frames wait here in order and mn_ota_txq_pump moves them out as the hardware
 * (or the host's model) takes them, from the transmit-empty interrupt or a tick.
 */
#ifndef MN_OTA_TXQ_H
#define MN_OTA_TXQ_H

#include <stdint.h>

#define MN_OTA_TXQ_LEN 16u

/* Puts one frame in a transmit mailbox: 0 when taken, nonzero when none is free. */
typedef int (*mn_ota_hw_send_fn)(void *ctx, uint16_t id, const uint8_t data[8]);

typedef struct {
  uint16_t id[MN_OTA_TXQ_LEN];
  uint8_t data[MN_OTA_TXQ_LEN][8];
  uint8_t head, count;
  uint32_t overflows; /* frames refused because the queue was full */
} mn_ota_txq_t;

/* 0 when queued, -1 when full (counted). */
int mn_ota_txq_put(mn_ota_txq_t *q, uint16_t id, const uint8_t data[8]);
/* Hands queued frames to hw until it refuses one or the queue is empty; the number handed. */
unsigned mn_ota_txq_pump(mn_ota_txq_t *q, mn_ota_hw_send_fn hw, void *ctx);

#endif
