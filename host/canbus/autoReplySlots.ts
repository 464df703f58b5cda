// The auto-reply table lives in modules/can/autoReplySlots.ts, shared with the protocol
// tests' LoopbackNode (modules/can/testing/loopbackBus.ts).
export { clearAutoReply, emptyAutoReplySlots, findAutoReply, storeAutoReply, type AutoReplySlot, type AutoReplySlots } from "../../modules/can/autoReplySlots.ts";
