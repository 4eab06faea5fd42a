import { HttpException, HttpStatus } from '@nestjs/common';

/** RFC 9457 problem types are relative URIs under /problems/ (documented in the README). */
export const PROBLEM_BASE = '/problems/';

export interface FieldError {
  /** JSON pointer or dotted path of the offending field, e.g. `victim.fullName`. Never the value. */
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/**
 * The one exception type for deliberate errors. `detail` and extensions must never carry personal data
 * or echo input values: they reach the client and the logs.
 */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super({ slug, title, detail, ...extensions }, status);
  }

  static badRequest(slug: string, detail?: string, errors?: FieldError[]) {
    return new ProblemException(HttpStatus.BAD_REQUEST, slug, 'Bad request', detail, errors ? { errors } : {});
  }
  static validation(errors: FieldError[]) {
    return new ProblemException(HttpStatus.BAD_REQUEST, 'validation-failed', 'Validation failed', 'The request has invalid fields.', { errors });
  }
  static unauthorized(slug = 'unauthorized', detail?: string) {
    return new ProblemException(HttpStatus.UNAUTHORIZED, slug, 'Unauthorized', detail);
  }
  static forbidden(slug = 'forbidden', detail?: string) {
    return new ProblemException(HttpStatus.FORBIDDEN, slug, 'Forbidden', detail);
  }
  /** The same answer for missing and out-of-scope records. */
  static notFound(resource = 'resource') {
    return new ProblemException(HttpStatus.NOT_FOUND, 'not-found', 'Not found', `The ${resource} does not exist or is not accessible.`);
  }
  static conflict(slug: string, detail?: string, extensions: Record<string, unknown> = {}) {
    return new ProblemException(HttpStatus.CONFLICT, slug, 'Conflict', detail, extensions);
  }
  static unprocessable(slug: string, detail?: string, extensions: Record<string, unknown> = {}) {
    return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, slug, 'Unprocessable content', detail, extensions);
  }
  static preconditionRequired() {
    return new ProblemException(428, 'precondition-required', 'Precondition required', 'This update requires an If-Match header with the current ETag.');
  }
  static preconditionFailed() {
    return new ProblemException(HttpStatus.PRECONDITION_FAILED, 'precondition-failed', 'Precondition failed', 'The resource was changed by someone else; reload it and retry.');
  }
  static tooManyRequests(retryAfterSeconds: number, slug = 'too-many-requests') {
    return new ProblemException(HttpStatus.TOO_MANY_REQUESTS, slug, 'Too many requests', 'Try again later.', { retryAfter: retryAfterSeconds });
  }
  static serviceUnavailable(slug = 'service-unavailable', detail = 'The service is temporarily unavailable.') {
    return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, slug, 'Service unavailable', detail);
  }
}
