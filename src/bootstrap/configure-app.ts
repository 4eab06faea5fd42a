import { INestApplication, RequestMethod } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { AppConfig } from '../config/app-config';
import { limitJsonDepth } from '../common/json-depth';
import { documentGlobalResponses } from '../common/openapi-global-responses';
import { ProblemFilter } from '../common/problem.filter';
import { createValidationPipe } from '../common/validation';
import { createHttpLogger, PinoNestLogger } from '../logging/http-logger';

export const API_PREFIX = 'api/v1';

/** Bodies must be JSON: anything else is 415 (instead of being silently ignored as an empty body). */
function requireJsonBody(req: Request, res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || !['POST', 'PUT', 'PATCH'].includes(req.method) || req.is(['application/json', 'application/*+json'])) return next();
  res
    .status(415)
    .type('application/problem+json')
    .send(JSON.stringify({ type: '/problems/unsupported-media-type', title: 'Unsupported media type', status: 415, detail: 'Send the body as application/json.' }));
}
export const MAX_BODY = '256kb';

/** Everything the HTTP layer needs, shared by main.ts and the e2e tests so they test the real thing. */
export function configureApp(app: NestExpressApplication): INestApplication {
  const config = app.get(AppConfig);
  const httpLogger = createHttpLogger(config);
  app.useLogger(new PinoNestLogger(httpLogger.logger));
  app.use(httpLogger); // first: every request gets its id (X-Request-Id) before anything can fail
  app.set('trust proxy', config.TRUST_PROXY);
  app.set('x-powered-by', false);
  app.set('etag', false); // ETags are ours (optimistic concurrency), not Express' body hashes
  app.use(helmet());
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: MAX_BODY, type: ['application/json', 'application/*+json'] });
  app.use(limitJsonDepth()); // a 10,000-level body overflowed class-transformer's recursion (500)
  app.setGlobalPrefix(API_PREFIX, { exclude: [{ path: 'health', method: RequestMethod.GET }] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();

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
