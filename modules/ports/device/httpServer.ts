import type { HttpReq, HttpRes } from "../../http/types";

/**
 * The web server: Espruino's require("http") (libs/network/http), one callback per
 * request, listening on `port`. The handler is modules/http/server.ts's, the same code
 * Node runs through host/web/nodeAdapter.ts.
 */
export function listenHttp(port: number, handle: (req: HttpReq, res: HttpRes) => void): void {
  require("http").createServer(handle).listen(port);
}
