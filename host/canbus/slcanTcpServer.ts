/**
 * SLCAN over TCP for the virtual bus: every connection is one adapter node on the bus
 * (python-can: can.Bus(interface="slcan", channel="socket://127.0.0.1:PORT")).
 * Binds to 127.0.0.1 only: the bus has no authentication of its own.
 *
 * The bus must run in wall-clock time while real tools are connected: pass a bus whose
 * scheduler is linked to a RealClock (clockLink.ts), as startSlcanTcpServer's caller
 * in slcanServe.ts does.
 */
import net from "node:net";
import type { VirtualCanBus } from "./bus.ts";
import { SlcanEndpoint } from "./slcanEndpoint.ts";

export interface SlcanTcpServer {
  port: number;
  endpoints(): SlcanEndpoint[];
  close(): Promise<void>;
}

export function startSlcanTcpServer(bus: VirtualCanBus, port: number, host?: string): Promise<SlcanTcpServer> {
  const live = new Set<SlcanEndpoint>();
  const sockets = new Set<net.Socket>();
  let n = 0;
  const server = net.createServer((sock) => {
    sock.setNoDelay(true);
    sock.setEncoding("latin1");
    sockets.add(sock);
    const ep = new SlcanEndpoint(bus, "slcan" + ++n, (s) => {
      if (!sock.destroyed) sock.write(s, "latin1");
    });
    live.add(ep);
    sock.on("data", (d: string) => ep.receive(d));
    const bye = () => {
      ep.dispose();
      live.delete(ep);
      sockets.delete(sock);
    };
    sock.on("close", bye);
    sock.on("error", bye);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host !== undefined ? host : "127.0.0.1", () => {
      const addr = server.address() as net.AddressInfo;
      resolve({
        port: addr.port,
        endpoints: () => Array.from(live),
        close: () =>
          new Promise<void>((res) => {
            for (const s of sockets) s.destroy();
            server.close(() => res());
          }),
      });
    });
  });
}
