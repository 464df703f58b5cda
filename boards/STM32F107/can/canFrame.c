/* Frame validity; see canFrame.h. */
#include "canFrame.h"

#include <stddef.h>

#include "../drivers/mnReg.h"

int mn_can_frame_check(const mn_can_frame_t *f) {
  if (f == NULL || f->dlc > 8) return MN_EINVAL;
  if (f->flags & ~(MN_CAN_FLAG_EXT | MN_CAN_FLAG_RTR)) return MN_EINVAL;
  return f->id <= ((f->flags & MN_CAN_FLAG_EXT) ? MN_CAN_EXT_ID_MAX : MN_CAN_STD_ID_MAX) ? MN_OK : MN_EINVAL;
}
