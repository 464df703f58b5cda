/* ISO 15765-2 on classic CAN: see isotp.h. PCI types: 0 single, 1 first, 2 consecutive, 3 flow control. */
#include "isotp.h"

#include <string.h>

enum { TX_IDLE, TX_WAIT_FC, TX_SENDING };
enum { FC_CTS = 0, FC_WAIT = 1, FC_OVERFLOW = 2 };

static int fail(mn_isotp_t *t, int e) {
  t->errors[-e - 1]++;
  return e;
}

static int out(mn_isotp_t *t, const uint8_t *b, unsigned n) {
  uint8_t f[8];
  memset(f, MN_ISOTP_PAD, 8);
  memcpy(f, b, n);
  return t->send(t->ctx, f) == 0 ? 0 : MN_ISOTP_E_SEND;
}

static int flowControl(mn_isotp_t *t, uint8_t status) {
  uint8_t fc[3] = {(uint8_t)(0x30u | status), t->bs, t->stMin};
  return out(t, fc, 3);
}

uint32_t mn_isotp_stmin_ms(uint8_t s) {
  if (s <= 0x7F) return s;
  if (s >= 0xF1 && s <= 0xF9) return 1;
  return 127;
}

void mn_isotp_init(mn_isotp_t *t, uint8_t *rxBuf, uint16_t cap, uint8_t blockSize, uint8_t stMin, mn_isotp_send_fn send, void *ctx) {
  memset(t, 0, sizeof *t);
  t->buf = rxBuf;
  t->cap = cap;
  t->bs = blockSize;
  t->stMin = stMin;
  t->send = send;
  t->ctx = ctx;
}

static int onFlowControl(mn_isotp_t *t, const uint8_t *d, uint8_t dlc, uint32_t nowMs) {
  if (t->txState != TX_WAIT_FC) return fail(t, MN_ISOTP_E_UNEXPECTED);
  if (dlc < 3) return fail(t, MN_ISOTP_E_FRAME);
  switch (d[0] & 0x0F) {
    case FC_CTS:
      t->txState = TX_SENDING;
      t->txBs = d[1];
      t->txBsLeft = d[1];
      t->txStMinMs = mn_isotp_stmin_ms(d[2]);
      t->txNextMs = nowMs;
      t->txWaits = 0;
      return 0;
    case FC_WAIT:
      if (++t->txWaits > MN_ISOTP_MAX_WAIT) { t->txState = TX_IDLE; return fail(t, MN_ISOTP_E_PEER); }
      t->txDeadlineMs = nowMs + MN_ISOTP_TIMEOUT_MS;
      return 0;
    case FC_OVERFLOW:
      t->txState = TX_IDLE;
      return fail(t, MN_ISOTP_E_PEER);
    default:
      t->txState = TX_IDLE; /* reserved flow status: the standard aborts the transfer */
      return fail(t, MN_ISOTP_E_FRAME);
  }
}

int mn_isotp_rx(mn_isotp_t *t, const uint8_t *d, uint8_t dlc, uint32_t nowMs) {
  if (dlc < 1 || dlc > 8) return fail(t, MN_ISOTP_E_FRAME);
  if (t->rxActive && (int32_t)(nowMs - t->rxDeadlineMs) > 0) {
    t->rxActive = 0;
    fail(t, MN_ISOTP_E_TIMEOUT);
  }
  unsigned type = d[0] >> 4;
  if (type == 0) { /* single frame: a new message; one in progress is dropped (the standard's "unexpected") */
    unsigned len = d[0] & 0x0F;
    if (len == 0 || len > 7 || len + 1u > dlc) return fail(t, MN_ISOTP_E_FRAME);
    if (len > t->cap) return fail(t, MN_ISOTP_E_OVERFLOW);
    int restarted = t->rxActive;
    t->rxActive = 0;
    memcpy(t->buf, d + 1, len);
    if (restarted) fail(t, MN_ISOTP_E_UNEXPECTED);
    return (int)len;
  }
  if (type == 1) { /* first frame */
    if (dlc < 8) return fail(t, MN_ISOTP_E_FRAME);
    unsigned len = ((d[0] & 0x0Fu) << 8) | d[1];
    if (len < 8) return fail(t, MN_ISOTP_E_FRAME);
    if (t->rxActive) fail(t, MN_ISOTP_E_UNEXPECTED);
    t->rxActive = 0;
    if (len > t->cap) {
      flowControl(t, FC_OVERFLOW);
      return fail(t, MN_ISOTP_E_OVERFLOW);
    }
    memcpy(t->buf, d + 2, 6);
    t->rxLen = (uint16_t)len;
    t->rxGot = 6;
    t->rxSn = 1;
    t->rxBsLeft = t->bs;
    t->rxActive = 1;
    t->rxDeadlineMs = nowMs + MN_ISOTP_TIMEOUT_MS;
    return flowControl(t, FC_CTS) == 0 ? 0 : fail(t, MN_ISOTP_E_SEND);
  }
  if (type == 2) { /* consecutive frame */
    if (!t->rxActive) return fail(t, MN_ISOTP_E_UNEXPECTED);
    if ((d[0] & 0x0F) != t->rxSn) {
      t->rxActive = 0;
      return fail(t, MN_ISOTP_E_SN);
    }
    unsigned n = t->rxLen - t->rxGot;
    if (n > 7) n = 7;
    if (n + 1u > dlc) { t->rxActive = 0; return fail(t, MN_ISOTP_E_FRAME); }
    memcpy(t->buf + t->rxGot, d + 1, n);
    t->rxGot = (uint16_t)(t->rxGot + n);
    t->rxSn = (uint8_t)((t->rxSn + 1) & 0x0F);
    t->rxDeadlineMs = nowMs + MN_ISOTP_TIMEOUT_MS;
    if (t->rxGot >= t->rxLen) {
      t->rxActive = 0;
      return t->rxLen;
    }
    if (t->bs && --t->rxBsLeft == 0) {
      t->rxBsLeft = t->bs;
      return flowControl(t, FC_CTS) == 0 ? 0 : fail(t, MN_ISOTP_E_SEND);
    }
    return 0;
  }
  if (type == 3) return onFlowControl(t, d, dlc, nowMs);
  return fail(t, MN_ISOTP_E_FRAME);
}

int mn_isotp_send(mn_isotp_t *t, const uint8_t *msg, uint16_t len, uint32_t nowMs) {
  if (t->txState != TX_IDLE) return fail(t, MN_ISOTP_E_BUSY);
  if (len == 0 || len > MN_ISOTP_MAX) return fail(t, MN_ISOTP_E_FRAME);
  uint8_t f[8];
  if (len <= 7) {
    f[0] = (uint8_t)len;
    memcpy(f + 1, msg, len);
    return out(t, f, len + 1u) == 0 ? 1 : fail(t, MN_ISOTP_E_SEND);
  }
  f[0] = (uint8_t)(0x10u | (len >> 8));
  f[1] = (uint8_t)len;
  memcpy(f + 2, msg, 6);
  if (out(t, f, 8) != 0) return fail(t, MN_ISOTP_E_SEND);
  t->tx = msg;
  t->txLen = len;
  t->txSent = 6;
  t->txSn = 1;
  t->txWaits = 0;
  t->txState = TX_WAIT_FC;
  t->txDeadlineMs = nowMs + MN_ISOTP_TIMEOUT_MS;
  return 0;
}

int mn_isotp_poll(mn_isotp_t *t, uint32_t nowMs) {
  if (t->rxActive && (int32_t)(nowMs - t->rxDeadlineMs) > 0) {
    t->rxActive = 0;
    fail(t, MN_ISOTP_E_TIMEOUT);
  }
  if (t->txState == TX_WAIT_FC) {
    if ((int32_t)(nowMs - t->txDeadlineMs) > 0) { t->txState = TX_IDLE; return fail(t, MN_ISOTP_E_TIMEOUT); }
    return 0;
  }
  while (t->txState == TX_SENDING && (int32_t)(nowMs - t->txNextMs) >= 0) {
    uint8_t f[8];
    unsigned n = t->txLen - t->txSent;
    if (n > 7) n = 7;
    f[0] = (uint8_t)(0x20u | t->txSn);
    memcpy(f + 1, t->tx + t->txSent, n);
    if (out(t, f, n + 1u) != 0) return 0; /* mailbox full: try again on the next poll */
    t->txSent = (uint16_t)(t->txSent + n);
    t->txSn = (uint8_t)((t->txSn + 1) & 0x0F);
    if (t->txSent >= t->txLen) { t->txState = TX_IDLE; return 1; }
    if (t->txBs && --t->txBsLeft == 0) {
      t->txState = TX_WAIT_FC;
      t->txDeadlineMs = nowMs + MN_ISOTP_TIMEOUT_MS;
      return 0;
    }
    t->txNextMs = nowMs + t->txStMinMs;
    if (t->txStMinMs) return 0;
  }
  return 0;
}
