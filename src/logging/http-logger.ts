import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';
import { AppConfig } from '../config/app-config';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const SENSITIVE_KEYS = ['password', 'newPassword', 'currentPassword', 'refreshToken', 'accessToken', 'oneTimePassword', 'fullName', 'idNumber', 'phone', 'dateOfBirth', 'narrative'];

/** The request-logging middleware, with the pino logger that service logs share. */
export interface HttpLogger {
  (req: IncomingMessage & { id?: string }, res: ServerResponse, next: () => void): void;
  logger: Pino;
}

/**
 * Structured logs with a request id, and redaction as a second line of defence: personal data must never
 * be passed to the logger in the first place. URLs are logged without their query string.
 *
 * Why not nestjs-pino: its middleware runs every request inside an AsyncLocalStorage context, which on
 * Node 20 turns on promise hooks for every promise of the request — measured at ≈ 0.9 ms of CPU per case
 * read, a third of the whole request (bench/README.md). Why not pino-http either: it builds two child
 * loggers per request (serialising the request into their bindings) even when request logs are off — the
 * largest source of objects that outlive a young-generation GC in a case read (bench/README.md, session 5),
 * whose promotion drove a full GC every ≈ 5 s under load. This middleware allocates nothing for the log
 * unless a line is written; service logs (Nest's `Logger`) go to the same pino instance through
 * `PinoNestLogger`, without the request binding (they carry their own context and never personal values).
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
  const middleware = ((req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    if (req.url === '/health') return next();
    const started = Date.now();
    const done = () => {
      res.removeListener('finish', done);
      res.removeListener('close', done);
      // A server error is logged at `error` (seen at the default `warn`); every other request at `info`.
      const level = res.statusCode >= 500 ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const msg = !res.writableFinished ? 'request aborted' : level === 'error' ? 'request errored' : 'request completed';
      logger[level](
        { req: { id, method: req.method, path: String(req.url).split('?')[0] }, res: { statusCode: res.statusCode }, responseTime: Date.now() - started },
        msg,
      );
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  }) as HttpLogger;
  middleware.logger = logger;
  return middleware;
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
