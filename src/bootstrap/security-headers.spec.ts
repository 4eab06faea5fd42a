import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { securityHeaders } from './security-headers';

/** What helmet's middleware leaves on a real Node response (the way @fastify/helmet applied it per request). */
function helmetOnRealResponse(options: Parameters<typeof helmet>[0] = {}): Record<string, string> {
  const req = new IncomingMessage(new Socket());
  const res = new ServerResponse(req);
  res.setHeader('X-Powered-By', 'something'); // helmet removes it
  helmet(options)(req, res, (e?: unknown) => {
    if (e) throw e;
  });
  return Object.fromEntries(Object.entries(res.getHeaders()).map(([k, v]) => [k, String(v)]));
}

describe('securityHeaders', () => {
  it('are exactly the headers helmet sets on a real response (defaults)', () => {
    const computed = securityHeaders();
    expect(computed).toEqual(helmetOnRealResponse());
    // The ones this API relies on, spelled out so a helmet upgrade that drops one fails here.
    expect(computed['x-content-type-options']).toBe('nosniff');
    expect(computed['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(computed['content-security-policy']).toContain("default-src 'self'");
    expect(computed['x-frame-options']).toBe('SAMEORIGIN');
    expect(computed['x-powered-by']).toBeUndefined();
  });

  it('follow the options given (and stay frozen)', () => {
    const options = { contentSecurityPolicy: false as const, strictTransportSecurity: { maxAge: 60 } };
    const computed = securityHeaders(options);
    expect(computed).toEqual(helmetOnRealResponse(options));
    expect(computed['content-security-policy']).toBeUndefined();
    expect(computed['strict-transport-security']).toBe('max-age=60; includeSubDomains');
    expect(Object.isFrozen(computed)).toBe(true);
  });

  it('refuse per-request CSP directives, which a one-time computation would freeze', () => {
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", () => "'nonce-x'"] } } })).toThrow(/per-request/);
  });
});
