/**
 * The request and response shapes of Espruino's http server (httpSRq/httpSRs), the
 * only ones the handler touches; host/web/nodeAdapter.ts gives Node's the same shape.
 * Bodies are byte strings. write() may return false: wait for "drain" before the next
 * chunk (Espruino always returns false and emits "drain" when its buffer is empty).
 */
export interface HttpReq {
  method: string;
  url: string;
  headers: { [name: string]: string };
  /** The client's address when the platform tells it (Node does; Espruino's http does not). */
  remote?: string;
  on(ev: "data" | "close", cb: (d?: string) => void): void;
}
export interface HttpRes {
  writeHead(status: number, headers?: { [name: string]: string }): void;
  write(data: string): unknown;
  end(data?: string): void;
  on(ev: "drain" | "close", cb: () => void): void;
}

/** What a route returns: a whole small body, or chunks produced one at a time. */
export interface Reply {
  status: number;
  type?: string;
  headers?: { [name: string]: string };
  body?: string;
  /** Called with 0, 1, 2 ... until it returns null; each chunk is sent before the next is made. */
  chunks?: (i: number) => string | null;
}

export interface Ctx {
  method: string;
  path: string;
  query: { [k: string]: string };
  body: string;
  headers: { [name: string]: string };
  nowS: number;
  /** Session nonce when logged in (or "api" for the bearer token), "" otherwise. */
  session: string;
  csrf: string;
  /** Who asks, for the login lockout: the client's address, "" when unknown. */
  client: string;
}

export type Handler = (c: Ctx) => Reply;

/**
 * A route. level 0: public; 1: reading (public only when configured so); 2: control
 * (login, and the session's CSRF token in X-CSRF-Token on POST). maxBody: largest
 * accepted body in bytes (POST only).
 */
export interface Route { h: Handler; level: number; maxBody?: number; }
/**
 * The routes: an object, or a function answering a "METHOD /path" with its route (or
 * undefined). A function keeps a large table in code, which stays in flash on Espruino
 * when run from Storage, instead of one closure and one object per route in RAM.
 */
export type Routes = { [methodAndPath: string]: Route } | ((methodAndPath: string) => Route | undefined);

/** Throwable answer for a bad request: caught by the server and sent as JSON {error, field?}. */
export interface HttpFail { status: number; msg: string; field?: string; }
export function fail(status: number, msg: string, field?: string): never {
  throw { status: status, msg: msg, field: field };
}
