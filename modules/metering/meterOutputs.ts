/**
 * Where the meter's values go after the C chain. The MeterADC's 'reading', 'event' and
 * 'aggregate' have ONE listener each (app/meter), which hands each value on, in this
 * order, to: the console line, the billing state (the persisted registers), the CAN
 * link (signals, alarms), and last the touchscreen UI when one is loaded, through this
 * interface. Nothing else listens to the MeterADC, so no output depends on the order in
 * which listeners were added, and a value never comes back from an output to the path.
 */
import type { MeterReading, VoltageEvent, AggregateReading } from "./readings";

export interface MeterOutputs {
  /** Once a second (MeterADC readingEvery windows): the chain's reading, its registers the chain's own. */
  reading(r: MeterReading): void;
  /** A dip, swell or interruption, when it ends. */
  event(e: VoltageEvent): void;
  /** A 150/180-cycle or 10-minute aggregate. */
  aggregate(a: AggregateReading): void;
}
