/**
 * Wall-clock port for the metering chain: UTC seconds (with fraction). The chain
 * reads it once, when sampling starts, and from then on places every window on the
 * sample count (fs is crystal-locked), so 10-minute and 15-minute boundaries follow
 * the clock the meter was set to. Device: Espruino's Date / getTime set over CAN;
 * host: the runtime's clock or a COMTRADE record's start time.
 */
export interface UtcClock {
  nowUtcS(): number;
}
