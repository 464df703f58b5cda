// bxCAN acceptance filtering lives in modules/can/filterBanks.ts, shared with the
// protocol tests' LoopbackNode (modules/can/testing/loopbackBus.ts): one filter model
// for every host CanController.
export { FILTER_BANKS, FilterBanks, filterError, filterMatches } from "../../modules/can/filterBanks.ts";
