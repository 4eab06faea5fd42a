import type { NextFunction, Request, Response } from 'express';
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

/** Express middleware (after the JSON body parser): 400 problem for a body nested deeper than MAX_JSON_DEPTH. */
export function limitJsonDepth(limit = MAX_JSON_DEPTH) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.body !== null && typeof req.body === 'object' && exceedsJsonDepth(req.body, limit)) {
      return next(ProblemException.badRequest('json-too-deep', `The request body is nested more than ${limit} levels deep.`));
    }
    next();
  };
}
