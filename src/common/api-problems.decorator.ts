import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

export const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (problem+json naming the fields)',
  401: 'Missing or invalid token',
  403: 'Not permitted for this role (or password change required)',
  404: 'Not found or not accessible (the same answer for both)',
  409: 'Conflict with the current state',
  412: 'ETag does not match: reload and retry',
  413: 'Request body too large',
  415: 'Content-Type must be application/json',
  422: 'Semantically invalid input',
  428: 'If-Match header required',
  429: 'Too many requests',
  503: 'Database or audit unavailable',
};

export const problemSchema = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
};

/** Documents RFC 9457 error responses of an operation (always adds 500 and 503). */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ...[...statuses, 500, 503].map((status) =>
      ApiResponse({ status, description: PROBLEM_DESCRIPTIONS[status] ?? 'Internal error', content: { 'application/problem+json': { schema: problemSchema } } }),
    ),
  );
}
