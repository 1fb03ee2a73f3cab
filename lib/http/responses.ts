/** JSON answers shared by the route handlers, so every error has the same shape. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

export function jsonError(status: number, error: string, extra: Record<string, unknown> = {}): Response {
  return json({ error, ...extra }, status);
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];
type Handler = (request: Request) => Response;

/**
 * Handlers for the methods a route does not take, to export beside its own
 * (`export const { GET, PUT, PATCH, DELETE } = otherMethods('POST')`): a JSON 405 with `Allow`,
 * where Next's own 405 has an empty body and no `Allow`.
 */
export function otherMethods(...allowed: Method[]): Record<Method, Handler> {
  return everyMethod((request) => json({ error: `${request.method} is not allowed here; use ${allowed.join(' or ')}` }, 405, { allow: allowed.join(', ') }));
}

/** Every method of an address that names no endpoint: a JSON 404 (Next's own is its HTML page). */
export function noEndpoint(): Record<Method, Handler> {
  return everyMethod((request) => jsonError(404, `no endpoint at ${new URL(request.url).pathname}`));
}

function everyMethod(answer: Handler): Record<Method, Handler> {
  return Object.fromEntries(METHODS.map((m) => [m, answer])) as Record<Method, Handler>;
}
