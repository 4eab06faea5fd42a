import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_BASE, ProblemBody, ProblemException } from './problem';

const STATUS_SLUGS: Record<number, [string, string]> = {
  400: ['bad-request', 'Bad request'],
  401: ['unauthorized', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  406: ['not-acceptable', 'Not acceptable'],
  409: ['conflict', 'Conflict'],
  413: ['payload-too-large', 'Payload too large'],
  414: ['uri-too-long', 'URI too long'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  422: ['unprocessable', 'Unprocessable content'],
  429: ['too-many-requests', 'Too many requests'],
  503: ['service-unavailable', 'Service unavailable'],
};

const FIXED_DETAILS: Record<number, string> = {
  400: 'The request could not be parsed.',
  404: 'No such resource.',
  414: 'The request URL is too long.',
  413: 'The request body is too large.',
  415: 'Send the body as application/json.',
};

/** Postgres connection-level failures: the database is down or unreachable → 503, not 500. */
function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (!e) return false;
  if (e.code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300', '08006', '08001', '08003'].includes(e.code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(e.message ?? '');
}

/**
 * Renders every error as RFC 9457 problem+json. Messages from libraries are never passed through
 * verbatim for 5xx (they can contain SQL and values); stack traces never leave the process.
 *
 * Also sees what Fastify refuses before a route runs (content type, body size, JSON syntax and depth): Nest
 * installs itself as Fastify's error handler and maps Fastify's errors to HttpExceptions. Their messages
 * quote the input (the media type, a fragment of the body), so every detail here is fixed per status.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    this.reply(exception, ctx.getRequest<FastifyRequest>(), ctx.getResponse<FastifyReply>());
  }

  /** Also Fastify's `frameworkErrors` handler: a URL it cannot route is answered before Nest or any hook runs. */
  reply(exception: unknown, req: Pick<FastifyRequest, 'id'>, res: FastifyReply): void {
    const body = this.toProblem(exception);
    body.instance = req.id ? `urn:request:${req.id}` : undefined;
    if (body.status >= 500) {
      // Log the error class and code only: driver messages may embed parameter values.
      const e = exception as { name?: string; code?: string };
      this.logger.error({ err: { name: e?.name, code: e?.code }, status: body.status }, 'request failed');
    }
    if (res.sent) return;
    if (typeof body.retryAfter === 'number') res.header('Retry-After', String(body.retryAfter));
    res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }

  private toProblem(exception: unknown): ProblemBody {
    if (exception instanceof ProblemException) {
      const { slug, title, detail, extensions } = exception;
      return { type: PROBLEM_BASE + slug, title, status: exception.getStatus(), detail, ...extensions };
    }
    if (exception instanceof ThrottlerException) {
      return { type: PROBLEM_BASE + 'too-many-requests', title: 'Too many requests', status: 429, detail: 'Too many requests; slow down.' };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const [slug, title] = STATUS_SLUGS[status] ?? (status >= 500 ? ['internal-error', 'Internal error'] : ['error', 'Error']);
      // Fastify's body and routing errors: a fixed, value-free detail.
      const detail = FIXED_DETAILS[status];
      return { type: PROBLEM_BASE + slug, title, status, detail };
    }
    const e = exception as { status?: number; statusCode?: number; code?: string };
    // The JSON parser's SyntaxError (status 400), which Nest passes on unmapped, and Fastify's URL errors.
    const status = e?.statusCode ?? e?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const [slug, title] = STATUS_SLUGS[status] ?? ['bad-request', 'Bad request'];
      const detail = e.code === 'FST_ERR_BAD_URL' ? 'The request URL is not valid.' : status === 400 ? 'The request body is not valid JSON.' : FIXED_DETAILS[status];
      return { type: PROBLEM_BASE + slug, title, status, detail };
    }
    if (isDatabaseUnavailable(exception)) {
      return { type: PROBLEM_BASE + 'service-unavailable', title: 'Service unavailable', status: HttpStatus.SERVICE_UNAVAILABLE, detail: 'The database is unavailable; try again shortly.', retryAfter: 5 };
    }
    return { type: PROBLEM_BASE + 'internal-error', title: 'Internal error', status: HttpStatus.INTERNAL_SERVER_ERROR, detail: 'An unexpected error occurred. Quote the request id to the operator.' };
  }
}
