import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { CASE_FIELDS, FieldSpec, FieldType, PERSON_FIELDS } from './field-registry';

const TYPE_SCHEMAS: Record<FieldType, SchemaObject> = {
  uuid: { type: 'string', format: 'uuid' },
  string: { type: 'string' },
  date: { type: 'string', format: 'date' },
  datetime: { type: 'string', format: 'date-time' },
  integer: { type: 'integer' },
  boolean: { type: 'boolean' },
  'string[]': { type: 'array', items: { type: 'string' } },
  json: { type: 'object' },
};

function objectSchema(fields: Record<string, FieldSpec>, only?: Set<string>): SchemaObject {
  const properties: Record<string, SchemaObject> = {};
  for (const [name, spec] of Object.entries(fields)) {
    if (only && !only.has(name)) continue;
    properties[name] = {
      ...TYPE_SCHEMAS[spec.type],
      nullable: true,
      description: `${spec.classification}${spec.encrypted ? ', encrypted at rest' : ''}. Omitted when the caller may not see it.`,
    };
  }
  return { type: 'object', properties };
}

/**
 * OpenAPI schema of a case as derived from the field registry: the superset of fields; any of them is
 * omitted from a response when the caller's role and reason of access do not permit it.
 */
export function caseResponseSchema(options: { list?: boolean } = {}): SchemaObject {
  const base = objectSchema(CASE_FIELDS, options.list ? new Set(Object.keys(CASE_FIELDS).filter((f) => f !== 'summary')) : undefined);
  const person = objectSchema(PERSON_FIELDS, options.list ? new Set(['id', 'fullName', 'sex', 'nationality', 'ageBand']) : undefined);
  base.properties = { ...base.properties, victim: person };
  if (!options.list) base.properties.accompanyingMinors = { type: 'array', items: objectSchema(PERSON_FIELDS) };
  return base;
}

export function caseListSchema(): SchemaObject {
  return {
    type: 'object',
    properties: { items: { type: 'array', items: caseResponseSchema({ list: true }) }, nextCursor: { type: 'string', nullable: true } },
  };
}
