import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';
import { AppConfig } from '../config/app-config';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const SENSITIVE_KEYS = ['password', 'newPassword', 'currentPassword', 'refreshToken', 'accessToken', 'oneTimePassword', 'fullName', 'idNumber', 'phone', 'dateOfBirth', 'narrative'];

/** The request logger, with the pino logger that service logs share. */
export interface HttpLogger {
  /** Logs one line for the request when its response finishes, or when the client goes away first. */
  track(req: { id: string; method: string; url: string }, res: ServerResponse): void;
  logger: Pino;
}

/** The request's id: a well-formed X-Request-Id from the client (so logs can be joined), else a new UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * Structured logs with a request id, and redaction as a second line of defence: personal data must never
 * be passed to the logger in the first place. URLs are logged without their query string.
 *
 * Why not Fastify's own request logging (or nestjs-pino, pino-http): they build a child logger per request
 * (serialising the request into its bindings) even when request logs are off — pino-http's was the largest
 * source of objects that outlive a young-generation GC in a case read (bench/README.md, session 5), whose
 * promotion drove a full GC every ≈ 5 s under load; nestjs-pino's AsyncLocalStorage context turns on promise
 * hooks for every promise (≈ 0.9 ms of CPU per read). This allocates nothing for the log unless a line is
 * written; service logs (Nest's `Logger`) go to the same pino instance through `PinoNestLogger`, without the
 * request binding (they carry their own context and never personal values).
 */
export function createHttpLogger(config: Pick<AppConfig, 'NODE_ENV' | 'LOG_LEVEL'>, destination?: pino.DestinationStream): HttpLogger {
  const logger = pino(
    {
      level: config.NODE_ENV === 'test' ? 'silent' : config.LOG_LEVEL,
      redact: {
        // Each sensitive key at the top level (service logs merge their object there) and one level down.
        paths: SENSITIVE_KEYS.flatMap((k) => [k, `*.${k}`]).concat(['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]', 'res.headers["set-cookie"]']),
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination(1),
  );
  const track: HttpLogger['track'] = ({ id, method, url }, res) => {
    if (url === '/health') return;
    const started = Date.now();
    const done = () => {
      res.removeListener('finish', done);
      res.removeListener('close', done);
      // A server error is logged at `error` (seen at the default `warn`); every other request at `info`.
      const level = res.statusCode >= 500 ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const msg = !res.writableFinished ? 'request aborted' : level === 'error' ? 'request errored' : 'request completed';
      logger[level]({ req: { id, method, path: url.split('?')[0] }, res: { statusCode: res.statusCode }, responseTime: Date.now() - started }, msg);
    };
    res.on('finish', done);
    res.on('close', done);
  };
  return { track, logger };
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's LoggerService on a pino logger. Accepts Nest's `(message, ...params, context)` and pino's
 * `(object, message)` forms: `logger.error({ err: { name, code } }, 'what failed')`.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, ...params: unknown[]): void {
    this.call('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.call('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.call('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.call('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.call('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.call('fatal', message, params);
  }

  private call(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    // Nest appends the context (the Logger's name) as the last parameter.
    const rest = [...params];
    const context = rest.length && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const bindings: Record<string, unknown> = context ? { context } : {};
    if (message instanceof Error) {
      // Name only: driver messages and traces may quote parameters (personal values).
      this.pino[level]({ ...bindings, err: { name: message.name, code: (message as { code?: unknown }).code } }, String(rest[0] ?? message.name));
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...bindings, ...message }, typeof rest[0] === 'string' ? rest[0] : undefined);
    } else {
      this.pino[level](bindings, String(message));
    }
  }
}
