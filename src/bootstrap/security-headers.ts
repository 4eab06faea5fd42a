import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { HelmetOptions } from 'helmet';

/**
 * The response headers helmet sets for `options`, computed ONCE by running helmet's own middleware against a
 * recording response — so helmet stays the authority on which headers and values (CSP, HSTS, nosniff, …), and
 * every answer, including the router's own (frameworkErrors, answered before any hook runs), gets them.
 *
 * Why not @fastify/helmet: it rebuilt the helmet middleware (and the CSP string) on every request, in two extra
 * onRequest hooks — ≈ 4 % of the app's CPU on a case read (bench/README.md, session 9) for headers that never
 * change. Only options without per-request parts are accepted (no CSP nonces or directive functions): the
 * recording would freeze them, so they are refused here instead.
 */
export function securityHeaders(options: Readonly<HelmetOptions> = {}): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  const csp = options.contentSecurityPolicy;
  if (csp && typeof csp === 'object' && Object.values(csp.directives ?? {}).some((v) => typeof v === 'function' || (Array.isArray(v) && v.some((x) => typeof x === 'function')))) {
    throw new Error('securityHeaders: per-request CSP directives cannot be computed once');
  }
  let failed: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (e?: unknown) => (failed = e));
  if (failed) throw failed;
  return Object.freeze(headers);
}
