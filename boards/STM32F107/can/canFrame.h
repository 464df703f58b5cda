/*
 * One CAN 2.0 frame as our C code passes it around: 16 bytes, no pointers, so
 * a ring of them can be filled from an interrupt and copied with memcpy.
 * Same meaning as modules/can/frame.ts (CanFrame).
 */
#ifndef MN_CAN_FRAME_H
#define MN_CAN_FRAME_H

#include <stdint.h>

#define MN_CAN_FLAG_EXT 0x01u /* 29-bit identifier */
#define MN_CAN_FLAG_RTR 0x02u /* remote frame: no data, dlc is the length asked for */

#define MN_CAN_STD_ID_MAX 0x7FFu
#define MN_CAN_EXT_ID_MAX 0x1FFFFFFFu

typedef struct {
  uint32_t id;
  uint8_t dlc;    /* 0..8 */
  uint8_t flags;  /* MN_CAN_FLAG_* */
  uint8_t fifo;   /* receive FIFO (0/1) of a received frame */
  uint8_t filter; /* filter match index (RDTR.FMI) of a received frame */
  uint8_t data[8];
} mn_can_frame_t;

/* 0 when the frame is well formed, else MN_EINVAL (-22): id out of range for
 * its format, dlc above 8. */
int mn_can_frame_check(const mn_can_frame_t *f);

#endif
