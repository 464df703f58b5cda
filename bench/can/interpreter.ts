/**
 * The time an Espruino interpreter spends on JavaScript, as a serial queue on the bus's
 * simulated clock: a task posted at t starts when the interpreter is free and its
 * effect happens when it ends. Espruino runs one event at a time, so a slow handler
 * delays every later one; this is what separates "the answer leaves from the
 * interrupt" from "the answer waits for the interpreter".
 */
import type { Scheduler } from "../../host/canbus/scheduler.ts";

export class InterpreterModel {
  private freeAtUs = 0;
  busyUs = 0;
  tasks = 0;

  constructor(private readonly sched: Scheduler) {}

  /** Runs `fn` after `costUs` of interpreter time, queued behind earlier tasks. */
  post(costUs: number, fn: () => void): void {
    const start = Math.max(this.sched.nowUs(), this.freeAtUs);
    this.freeAtUs = start + costUs;
    this.busyUs += costUs;
    this.tasks++;
    this.sched.at(this.freeAtUs, fn);
  }
}
