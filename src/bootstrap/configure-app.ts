import type { IncomingMessage } from 'node:http';
import { INestApplication, RequestMethod } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { LoginAdmission } from '../auth/login-admission';
import { AppConfig } from '../config/app-config';
import { inflateBody, JSON_MEDIA_TYPES, jsonBodyParser, MAX_BODY_BYTES } from '../common/json-body';
import { documentGlobalResponses } from '../common/openapi-global-responses';
import { ProblemFilter } from '../common/problem.filter';
import { createValidationPipe } from '../common/validation';
import { createHttpLogger, PinoNestLogger, requestIdOf } from '../logging/http-logger';
import { securityHeaders } from './security-headers';

export const API_PREFIX = 'api/v1';

/**
 * On every answer, the router's own included: helmet's default headers (computed once, security-headers.ts) and
 * `Cache-Control: no-store` — nearly every answer carries personal data or says something about a case, so no
 * browser or proxy may keep a copy; a route that may be cached would have to say so itself, explicitly.
 */
const RESPONSE_HEADERS = Object.freeze({ ...securityHeaders(), 'cache-control': 'no-store' });

/**
 * The HTTP server: NestJS on Fastify (on Express the framework alone cost ≈ 0.25 ms of CPU per request,
 * measured in bench/README.md, session 6). Options that must exist before the app does.
 */
export function createHttpAdapter(config: Pick<AppConfig, 'TRUST_PROXY'>): FastifyAdapter {
  const problems = new ProblemFilter();
  return new FastifyAdapter({
    // X-Forwarded-For is believed only for hops from these proxy addresses (none listed: never).
    trustProxy: config.TRUST_PROXY.length > 0 ? config.TRUST_PROXY : false,
    bodyLimit: MAX_BODY_BYTES,
    // Every request's id (X-Request-Id): the client's when well formed, so logs can be joined across services.
    genReqId: (req: IncomingMessage) => requestIdOf(req.headers['x-request-id']),
    requestIdHeader: false,
    // Request lines are ours (src/logging/http-logger.ts); Fastify's logger would build a child per request.
    logger: false,
    // A path parameter is validated by its pipe (400 naming it), not cut off by the router at 100 characters
    // (Node refuses request heads over 16 kB before this).
    routerOptions: { maxParamLength: 8192 },
    // A URL Fastify cannot decode: its default answer quotes the URL back.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      reply.headers(RESPONSE_HEADERS);
      reply.header('X-Request-Id', request.id);
      problems.reply(error, request, reply);
    },
  });
}

/** Everything the HTTP layer needs, shared by main.ts and the e2e tests so they test the real thing. */
export async function configureApp(app: NestFastifyApplication, opts: { logDestination?: DestinationStream } = {}): Promise<INestApplication> {
  const config = app.get(AppConfig);
  // A destination other than stdout only in tests that read the logs back (the log privacy scan).
  const httpLogger = createHttpLogger(config, opts.logDestination);
  app.useLogger(new PinoNestLogger(httpLogger.logger));
  const fastify = app.getHttpAdapter().getInstance();

  // First: every request gets its id and the response headers before anything can fail, and one log line when
  // it ends.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(RESPONSE_HEADERS);
    reply.header('X-Request-Id', request.id);
    httpLogger.track({ id: request.id, method: request.method, url: request.url }, reply.raw);
    done();
  });
  // Logins wait for their turn before their body is parsed (auth/login-admission.ts).
  app.get(LoginAdmission).register(fastify, 'POST', `/${API_PREFIX}/auth/login`);

  // Bodies must be JSON (src/common/json-body.ts): any other media type or content encoding is 415 (not silently
  // ignored), a body over MAX_BODY_BYTES (counted after inflating gzip/deflate/br) 413. Nest's error handler on
  // Fastify hands these to ProblemFilter like any other error.
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    try {
      done(null, inflateBody(request.headers, payload));
    } catch (e) {
      done(e as Error);
    }
  });
  fastify.removeAllContentTypeParsers();
  const parseJson = jsonBodyParser(fastify.getDefaultJsonParser('error', 'error'));
  for (const type of JSON_MEDIA_TYPES) fastify.addContentTypeParser(type, { parseAs: 'string' }, (req, body, done) => parseJson(req, body as string, done));

  app.setGlobalPrefix(API_PREFIX, { exclude: [{ path: 'health', method: RequestMethod.GET }] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  // Nest becomes Fastify's error handler here; routes added after it (the API description's) use it too.
  await app.init();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Victim case management (anti-trafficking, Viet Nam)')
      .setDescription(
        'Reception, verification, identification, referral and support of trafficking victims. ' +
          'Errors are RFC 9457 problem+json. Fields a caller may not see are omitted from responses.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  documentGlobalResponses(app, document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
