import type { Request } from 'express';

/** The client address as Express resolves it (honours X-Forwarded-For only when TRUST_PROXY is set). */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket?.remoteAddress ?? 'unknown';
}
