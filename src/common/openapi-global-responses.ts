import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ALLOW_PASSWORD_CHANGE_PENDING } from '../auth/public.decorator';
import { PROBLEM_DESCRIPTIONS, problemSchema } from './api-problems.decorator';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/**
 * Schemas of parameters that are validated in one shared place rather than by a DTO: path ids (every one goes
 * through the UUID pipe of src/common/uuid-param.ts) and the headers checked in code.
 */
const HEADER_SCHEMAS: Record<string, { type: 'string'; maxLength: number; pattern: string }> = {
  'idempotency-key': { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9_.:-]{1,128}$' },
  'x-access-purpose': { type: 'string', maxLength: 64, pattern: '^[A-Z0-9_]{1,64}$' },
  'if-match': { type: 'string', maxLength: 16, pattern: '^(W/)?"v[0-9]{1,9}"$' },
};

function describeSharedParameters(op: { parameters?: unknown[] }): void {
  for (const p of (op.parameters ?? []) as Array<{ in?: string; name?: string; schema?: Record<string, unknown> }>) {
    if (p.in === 'path' && p.name && (p.name === 'id' || p.name.endsWith('Id'))) p.schema = { type: 'string', format: 'uuid' };
    const header = p.in === 'header' && p.name ? HEADER_SCHEMAS[p.name.toLowerCase()] : undefined;
    if (header) p.schema = { ...header };
  }
}

/**
 * Documents the error responses that GLOBAL components give on every route they cover, so that no operation
 * can forget them: the JSON body parser and the content-type check (400/413/415 on every body), the global
 * validation pipe (400 on every query), the auth guard (401 on every secured route; 403 password-change-
 * required on all of them but the two a one-time-password holder may call), the throttler (429), the
 * database (503) and the exception filter (500). Route-specific answers (404, 409, 412, 422, 428) stay with
 * the controllers' @ApiProblems.
 */
export function documentGlobalResponses(app: INestApplication, document: OpenAPIObject): OpenAPIObject {
  // operationId (`<Controller>_<method>`, @nestjs/swagger's default) → handler, to read its metadata.
  const handlers = new Map<string, object>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as { name: string; prototype: Record<string, unknown> } | null;
      if (!type?.prototype) continue;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const fn = type.prototype[name];
        if (name !== 'constructor' && typeof fn === 'function') handlers.set(`${type.name}_${name}`, fn);
      }
    }
  }
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      describeSharedParameters(op);
      const add = (status: number) => {
        op.responses[status] ??= { description: PROBLEM_DESCRIPTIONS[status] ?? 'Internal error', content: { 'application/problem+json': { schema: problemSchema } } };
      };
      [429, 500, 503].forEach(add);
      if (op.requestBody) [400, 413, 415].forEach(add);
      if ((op.parameters ?? []).some((p) => 'in' in p && p.in === 'query')) add(400);
      if (op.security?.length) {
        add(401);
        const handler = op.operationId ? handlers.get(op.operationId) : undefined;
        if (!handler || !Reflect.getMetadata(ALLOW_PASSWORD_CHANGE_PENDING, handler)) add(403);
      }
    }
  }
  return document;
}
