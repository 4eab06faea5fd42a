import type { FastifyRequest } from 'fastify';

/** The client address as Fastify resolves it (honours X-Forwarded-For only when TRUST_PROXY is set). */
export function clientAddress(req: Pick<FastifyRequest, 'ip'>): string {
  return req.ip ?? 'unknown';
}
