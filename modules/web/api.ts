/**
 * The device's JSON API from the browser: GET returns the parsed answer, POST sends
 * JSON with the session's CSRF token; a refusal throws ApiError with the device's
 * {error, field}. Types: host/web/apiTypes.ts (the contract the tests check).
 */
export class ApiError extends Error {
  constructor(public status: number, message: string, public field?: string) { super(message); }
}

export const session = { csrf: "" };

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let r: Response;
  try { r = await fetch(path, init); } catch (e) { throw new ApiError(0, "the aggregator does not answer"); }
  const body = await r.json().catch(() => ({ error: "unreadable answer (" + r.status + ")" }));
  if (!r.ok) throw new ApiError(r.status, body.error || "HTTP " + r.status, body.field);
  return body as T;
}

export const get = <T>(path: string) => call<T>(path, { cache: "no-store" });

export const post = <T>(path: string, body: unknown, raw?: boolean) =>
  call<T>(path, { method: "POST", headers: { "content-type": raw ? "text/plain" : "application/json", "x-csrf-token": session.csrf }, body: raw ? (body as string) : JSON.stringify(body) });
