/**
 * require("http") on Node's http, with the object shapes of
 * libs/network/http/jswrap_http.c (2v29):
 *
 * createServer(cb) → server with listen(port) (returns the server) and close().
 *   cb(req, res):
 *   req: method, url, headers (names as the client sent them), on('data', s) with
 *        body chunks as strings (one char per byte), on('close') when the body is
 *        complete; without a 'data' listener the body is buffered for read() /
 *        available().
 *   res: writeHead(status, headers), setHeader(name, value), write(data) → bool,
 *        end(data), on('drain') after each write is flushed and after writeHead when
 *        nothing was written meanwhile (socketserver.c queues "drain" whenever its send
 *        buffer empties, the header text alone included), on('close').
 * get(urlOrOptions, cb) / request(options, cb): cb(res) with statusCode,
 *   statusMessage, httpVersion, headers, on('data'|'close'|'error'), read(),
 *   available(); the returned request has write(), end() and on('error').
 *
 * Every callback into interpreter code goes through `invoke` (Espruino's error
 * handling). `mapPort` lets a host move a device port (80) to a free host port; a
 * port that cannot be bound prints "ERROR: http server for port ..." and the
 * program goes on.
 */
import nodeHttp from "node:http";
import type { AddressInfo } from "node:net";
import { ListenerTable } from "./events.ts";
import { Realm, bytesToString, toBytes, toRealmData } from "./realm.ts";

export type Invoke = (fn: (...a: unknown[]) => unknown, args: unknown[], thisArg?: unknown) => void;

export interface HttpOptions {
  realm: Realm;
  invoke: Invoke;
  /** Device port → host port to bind (0 = any free port). Default: identity. */
  mapPort?: (port: number) => number;
  /** Host address servers bind to (e.g. "127.0.0.1"); default: every interface. */
  bindHost?: string;
  /** Console output, for a server that cannot bind its port. */
  print: (text: string) => void;
}

export interface HttpHost {
  module: Record<string, unknown>;
  /** Host port a device port listens on, once bound. */
  boundPort(devicePort: number): Promise<number>;
  /** Closes every server and aborts every request (reset, dispose). */
  closeAll(): Promise<void>;
}

function headersOf(raw: string[]): Record<string, string> {
  const h: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) h[raw[i]] = raw[i + 1];
  return h;
}

/** An Espruino stream object over an incoming Node message. */
function incoming(opts: HttpOptions, msg: nodeHttp.IncomingMessage, extra: Record<string, unknown>) {
  const listeners = new ListenerTable(opts.invoke);
  let buffered = "";
  const obj = listeners.attachTo({
    headers: toRealmData(opts.realm, headersOf(msg.rawHeaders)),
    ...extra,
    available(): number { return buffered.length; },
    read(): string { const s = buffered; buffered = ""; return s; },
  });
  msg.on("data", (chunk: Buffer) => {
    const s = bytesToString(chunk);
    if (listeners.count("data")) listeners.emit(obj, "data", [s]);
    else buffered += s;
  });
  msg.on("end", () => listeners.emit(obj, "close", []));
  msg.on("error", (e: Error) => listeners.emit(obj, "error", [new opts.realm.Error(e.message)]));
  return obj;
}

export function createHttp(opts: HttpOptions): HttpHost {
  const servers = new Map<number, nodeHttp.Server>();
  const bound = new Map<number, Promise<number>>();
  const clients = new Set<nodeHttp.ClientRequest>();
  const mapPort = opts.mapPort || ((p: number) => p);

  function response(res: nodeHttp.ServerResponse) {
    const listeners = new ListenerTable(opts.invoke);
    res.on("close", () => listeners.emit(obj, "close", []));
    let written = false; // since writeHead: the headers' own drain is then the write's
    const obj = listeners.attachTo({
      writeHead(status: unknown, headers?: unknown) {
        res.writeHead(Number(status), (headers || {}) as nodeHttp.OutgoingHttpHeaders);
        written = false;
        setImmediate(() => {
          if (!written && !res.writableEnded && listeners.count("drain")) listeners.emit(obj, "drain", []);
        });
      },
      setHeader(name: unknown, value: unknown) {
        res.setHeader(String(name), String(value));
      },
      write(data: unknown): boolean {
        if (res.writableEnded) return false;
        written = true;
        return res.write(Buffer.from(toBytes(data)), () => {
          if (listeners.count("drain")) listeners.emit(obj, "drain", []);
        });
      },
      end(data?: unknown) {
        if (res.writableEnded) return;
        if (data === undefined) res.end();
        else res.end(Buffer.from(toBytes(data)));
      },
    });
    return obj;
  }

  function createServer(cb: unknown) {
    const server = nodeHttp.createServer((req, res) => {
      const r = incoming(opts, req, { method: req.method, url: req.url });
      if (typeof cb === "function") opts.invoke(cb as (...a: unknown[]) => unknown, [r, response(res)]);
    });
    let devicePort: number | undefined;
    const api = {
      listen(port: unknown) {
        devicePort = Number(port);
        servers.set(devicePort, server);
        const hostPort = mapPort(devicePort);
        const p = new Promise<number>((resolve, reject) => {
          server.once("error", reject);
          server.listen(hostPort, opts.bindHost, () => resolve((server.address() as AddressInfo).port));
        });
        // A port that cannot be bound must not take the host down: say so on the console.
        p.catch((e: Error) => opts.print("ERROR: http server for port " + devicePort + " (host port " + hostPort + "): " + e.message + "\n"));
        bound.set(devicePort, p);
        return api;
      },
      close() {
        server.close();
        if (devicePort !== undefined) servers.delete(devicePort);
      },
    };
    return api;
  }

  function request(options: unknown, cb: unknown, autoEnd: boolean) {
    const listeners = new ListenerTable(opts.invoke);
    const target = typeof options === "string" ? options : (options as nodeHttp.RequestOptions);
    const req = nodeHttp.request(target as string, (res) => {
      clients.delete(req);
      const r = incoming(opts, res, {
        statusCode: String(res.statusCode),
        statusMessage: res.statusMessage,
        httpVersion: res.httpVersion,
      });
      if (typeof cb === "function") opts.invoke(cb as (...a: unknown[]) => unknown, [r]);
    });
    clients.add(req);
    const obj = listeners.attachTo({
      write(data: unknown) { return req.write(Buffer.from(toBytes(data))); },
      end(data?: unknown) { if (data === undefined) req.end(); else req.end(Buffer.from(toBytes(data))); },
    });
    req.on("error", (e: Error) => {
      clients.delete(req);
      // Espruino passes { code, message } and then closes the request.
      listeners.emit(obj, "error", [toRealmData(opts.realm, { code: (e as NodeJS.ErrnoException).code || "ERROR", message: e.message })]);
      listeners.emit(obj, "close", []);
    });
    if (autoEnd) req.end();
    return obj;
  }

  return {
    module: {
      createServer,
      request: (o: unknown, cb: unknown) => request(o, cb, false),
      get: (o: unknown, cb: unknown) => request(o, cb, true),
    },
    boundPort(devicePort: number): Promise<number> {
      const p = bound.get(devicePort);
      return p || Promise.reject(new Error("nothing listens on device port " + devicePort));
    },
    async closeAll(): Promise<void> {
      for (const c of clients) c.destroy();
      clients.clear();
      const closing = [...servers.values()].map((s) => new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve());
      }));
      servers.clear();
      bound.clear();
      await Promise.all(closing);
    },
  };
}
