import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ProblemException } from './problem';

/**
 * The deepest JSON body the API accepts. The deepest legitimate body (a handover: persons → accompanying
 * minors) is 5 levels; class-transformer walks a body recursively, so a 10,000-level body overflowed the
 * stack and answered 500 before this limit existed.
 */
export const MAX_JSON_DEPTH = 32;

/** True when `value` nests objects/arrays more than `limit` levels deep. Iterative: a deep value cannot overflow it. */
export function exceedsJsonDepth(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(v as object)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** The largest request body, in bytes (a reception with its minors is a few KB). */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Media types read as JSON: `application/json` and structured-syntax `+json` types (RFC 6839). Fastify tests
 * a RegExp against the whole header, parameters included (`application/merge-patch+json; charset=utf-8`).
 */
export const JSON_MEDIA_TYPES = ['application/json', /^application\/[a-z0-9!#$&^_.-]+\+json(?:\s*;|$)/i] as const;

type Done = (err: Error | null, value?: unknown) => void;

/**
 * The request body parser: Fastify's JSON parser (it refuses `__proto__` and `constructor.prototype` keys),
 * and around it the rules of this API —
 * - an empty body reads as `{}`, as no body does, so validation names the missing fields;
 * - the top level must be an object or an array: `null`, `0`, `"text"` are 400 (they would otherwise reach
 *   validation as "no body" and a PATCH of `null` would succeed as an empty update);
 * - nested more than `limit` levels: 400 (class-transformer walks a body recursively).
 */
export function jsonBodyParser<Req>(parse: (req: Req, body: string, done: Done) => void, limit = MAX_JSON_DEPTH) {
  return (req: Req, body: string, done: Done): void => {
    if (body === '') return done(null, {});
    parse(req, body, (err, value) => {
      if (err) return done(err);
      if (value === null || typeof value !== 'object') return done(ProblemException.badRequest('json-not-object', 'The request body must be a JSON object or array.'));
      if (exceedsJsonDepth(value, limit)) return done(ProblemException.badRequest('json-too-deep', `The request body is nested more than ${limit} levels deep.`));
      done(null, value);
    });
  };
}

const INFLATERS: Record<string, () => NodeJS.ReadWriteStream> = { gzip: createGunzip, deflate: createInflate, br: createBrotliDecompress };

/**
 * A compressed request body (Content-Encoding gzip, deflate or br), inflated on the way to the parser: the
 * body limit counts inflated bytes (Fastify stops reading past it, so a 20 kB gzip of 20 MB is 413, not 20 MB
 * of memory). Any other encoding is 415. `receivedEncodedLength` is what Fastify compares to Content-Length.
 */
export function inflateBody(headers: { 'content-encoding'?: string; 'content-length'?: string; 'transfer-encoding'?: string }, payload: Readable): Readable {
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const hasBody = Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
  if (encoding === 'identity' || !hasBody) return payload;
  const inflater = INFLATERS[encoding];
  if (!inflater) throw new ProblemException(415, 'unsupported-media-type', 'Unsupported media type', 'Send the body uncompressed, or compressed with gzip, deflate or br.');
  const inflated = Object.assign(inflater(), { receivedEncodedLength: 0 });
  payload.on('data', (chunk: Buffer) => (inflated.receivedEncodedLength += chunk.length));
  payload.on('error', (e) => (inflated as unknown as Readable).destroy(e));
  return payload.pipe(inflated) as unknown as Readable;
}
