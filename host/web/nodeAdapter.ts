/**
 * Node's http in the shape of Espruino's: the device handler runs unchanged.
 * Bodies are byte strings both ways (latin1), as on Espruino, so UTF-8 passes through.
 * Node's own parser answers what never reaches a handler (a malformed request line:
 * 400; headers over maxHeaderSize: 431) and keeps serving.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { HttpReq, HttpRes } from "../../modules/http/types.ts";

export type DeviceHandler = (req: HttpReq, res: HttpRes) => void;

export function adapt(handler: DeviceHandler) {
  return (nreq: http.IncomingMessage, nres: http.ServerResponse) => {
    nreq.setEncoding("latin1");
    const req: HttpReq = {
      method: nreq.method ?? "",
      url: nreq.url ?? "",
      headers: nreq.headers as { [k: string]: string },
      remote: nreq.socket.remoteAddress ?? "",
      on(ev, cb) {
        if (ev === "data") nreq.on("data", cb as (d: string) => void);
        else nreq.on("end", () => cb());
      },
    };
    const res: HttpRes = {
      writeHead(status, headers) { nres.writeHead(status, headers); },
      write(data) { return nres.write(data, "latin1"); },
      end(data) { if (data) nres.end(data, "latin1"); else nres.end(); },
      on(ev, cb) { nres.on(ev, cb); },
    };
    handler(req, res);
  };
}

/** Serves a device handler on 127.0.0.1:port (0: any free port); resolves with the port. */
export function serve(handler: DeviceHandler, port: number): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer({ maxHeaderSize: 4096 }, adapt(handler));
  server.keepAliveTimeout = 5000;
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve({ server, port: (server.address() as AddressInfo).port })));
}
