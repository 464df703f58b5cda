// Hand-written part of types/canController.d.ts (which tools/build/genHookTypes.js generates
// from boards/STM32F107/jswrap/jswrap_can.c): what has no JSON block.
/**
 * CAN1: the meter's bxCAN controller (boards/STM32F107/jswrap/jswrap_can.c over
 * can/canDriver.c), an object whose methods are exactly the SecuredCanController port
 * of modules/can/secured.ts: the CanController of modules/can/controller.ts (start,
 * stop, send, addFilter, removeFilter, setAutoReply, clearAutoReply, onFrame,
 * onState, state, counters, with the same return codes) plus SecOC framing in C
 * (secoc/): secocInit, secocKey, secocEpoch, secocRx, secocSyncLast, secocSend,
 * secocAutoReply, onSecured. Received secured frames are verified in C and reach
 * JavaScript as onSecured(id, verdict, fv, data32), numbers only. The host runtime provides the same global on the virtual bus
 * (host/canbus/bxcanModel.ts). App code passes CAN1 to modules as their
 * CanController; modules never name it.
 *
 * Device specifics, all within the interface's contract:
 *  - start(bitrate) accepts rates 36 MHz makes exactly with 8..25 quanta (125, 250,
 *    500, 1000 kbit/s, ...), else -22; -100 if the controller never acknowledged.
 *  - 14 filter banks (CAN1's share of 28); one filter takes 1..4 banks (a list that
 *    accepts data and remote frames holds each id twice); addFilter returns the first.
 *  - 16 auto-reply slots, standard data frames only.
 *  - SecOC state: one flat string in the JsVar heap, 136 + per slot 32 + 12 + 6 x rx + 3 x tx
 *    bytes (meter 219 B, aggregator with 64 meters 6600 B); secocInit returns -28 when
 *    it does not fit. AES is the mbedtls of Espruino's AES library (300 B of statics).
 *  - counters() also carries rxRingOverflows, autoReplyMissed, txErrors and rxErrors.
 *  - Leaving bus-off (automatic recovery) is noticed on the main loop's idle pass.
 *  - The aggregator image (-DMN_AGLINK) also runs the poll schedule, the answer path, sync
 *    responses and relay commands with their acknowledgements in C (boards/STM32F107/aglink):
 *    linkInit, linkPlan, linkStart, linkCommand, linkRows, linkLatest, linkCounters, linkMeter
 *    (modules/link/linkPort.ts); once linkInit ran every received frame is the link's (none
 *    reaches onFrame or onSecured). Its state is a second flat string (18 774 bytes at 64
 *    meters x 9 messages); the schedule and the command retries tick on the main loop,
 *    woken every tickMs by the utility timer. The meter images do not have these methods,
 *    and the aggregator image drops the meter-only secocPublish, secocAutoReply and
 *    secocSyncLast (432 bytes of flash).
 */
/** With the aggregator link's link* methods (modules/link/linkPort.ts); only the aggregator image (-DMN_AGLINK) has them. */
type MeternetCanController = import("../modules/link/linkPort").LinkCanController;
type MeternetCanCounters = import("../modules/can/controller").CanCounters;

interface BxCanCounters extends MeternetCanCounters {
  /** Frames dropped because the 32-frame receive ring was full (interpreter too slow). */
  rxRingOverflows: number;
  /** Remote frames an auto-reply slot matched but no mailbox was free for (delivered to onFrame instead). */
  autoReplyMissed: number;
  /** Failed transmit attempts (bus errors while this node sent; the hardware retries each), from the error interrupt. */
  txErrors: number;
  /** Bus errors while this node received (stuff, form, CRC in others' frames). */
  rxErrors: number;
}
