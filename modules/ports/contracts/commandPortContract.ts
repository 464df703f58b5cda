/**
 * Contract suite of the command port (modules/aggregator/commandPort.ts): a command to
 * a reachable meter returns 0 and reaches that meter's load; one the port cannot carry
 * returns a negative code and reaches nothing; nothing throws. commandPortContract.test.ts
 * runs it on every implementation (table: modules/ports/README.md).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CommandPort, LoadCommand } from "../../aggregator/commandPort";

export interface CommandPortHarness {
  port: CommandPort;
  /** A meter the port can command (after settle() the first time, e.g. synchronised). */
  reachable: number;
  /** An address the port cannot command. */
  unreachable: number;
  /** Lets time pass until queued commands have arrived (or failed). */
  settle(): void;
  /** What reached the loads, in order. */
  delivered: { address: number; command: LoadCommand }[];
}

export function commandPortContract(name: string, make: () => CommandPortHarness): void {
  test(name + ": a queued command returns 0 and reaches the load of that meter, in order", () => {
    const h = make();
    h.settle();
    assert.equal(h.port.sendCommand(h.reachable, "disconnect"), 0);
    h.settle();
    assert.equal(h.port.sendCommand(h.reachable, "connect"), 0);
    h.settle();
    assert.deepEqual(h.delivered, [{ address: h.reachable, command: "disconnect" }, { address: h.reachable, command: "connect" }]);
  });
  test(name + ": a meter it cannot reach gets a negative code, nothing is delivered, nothing throws", () => {
    const h = make();
    h.settle();
    const rc = h.port.sendCommand(h.unreachable, "disconnect");
    assert.equal(typeof rc, "number");
    assert.ok(rc < 0, "code " + rc);
    h.settle();
    assert.deepEqual(h.delivered, []);
  });
}
