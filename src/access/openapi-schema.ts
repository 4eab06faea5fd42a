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
  if (!options.list) {
    base.properties.accompanyingMinors = { type: 'array', items: objectSchema(PERSON_FIELDS) };
    base.properties.relatives = { type: 'array', items: objectSchema(PERSON_FIELDS) };
    base.example = CASE_EXAMPLE;
  }
  return base;
}

/** A case as a caseworker of the owning agency sees it (invented person; other callers see fewer fields). */
export const CASE_EXAMPLE = {
  id: '0193a1b2-7c00-7000-8000-000000000001',
  caseNumber: '20-2026-000042',
  stage: 'SUPPORT',
  stageChangedAt: '2026-11-12T03:00:00.000Z',
  identificationOutcome: 'IDENTIFIED_VICTIM',
  channel: 'FOREIGN_HANDOVER',
  receivedAt: '2026-11-02T02:00:00.000Z',
  provinceCode: '20',
  communeCode: '06271',
  ownerAgencyId: '0193a1b2-7c00-7000-8000-0000000000a1',
  assignedUserId: '0193a1b2-7c00-7000-8000-0000000000b1',
  exploitationForms: ['FORCED_MARRIAGE'],
  destinationCountry: 'CN',
  createdAt: '2026-11-02T02:05:00.000Z',
  updatedAt: '2026-11-12T03:00:00.000Z',
  summary: 'Được phía Trung Quốc trao trả tại cửa khẩu Hữu Nghị cùng con nhỏ.',
  victim: {
    id: '0193a1b2-7c00-7000-8000-0000000000c1', relation: null, sex: 'FEMALE', nationality: 'VN', location: 'IN_VIETNAM', ageBand: '18-24',
    fullName: 'Nguyễn Thị Lan', dateOfBirth: '2004-03-17', birthYear: null, idNumber: '020304001234', phone: '0912 345 678',
    address: 'Thôn Bản Chắt, xã Đồng Đăng', ethnicity: 'Tày', narrative: 'Bị lừa sang Trung Quốc làm việc nhẹ lương cao, bị ép kết hôn.',
  },
  accompanyingMinors: [
    { id: '0193a1b2-7c00-7000-8000-0000000000c2', relation: 'CHILD', sex: 'MALE', nationality: 'XX', location: null, ageBand: '0-5', fullName: 'Hoàng Văn Bảo', dateOfBirth: null, birthYear: 2024, idNumber: null, phone: null, address: null, ethnicity: null, narrative: null },
  ],
  relatives: [],
};

export function caseListSchema(): SchemaObject {
  const { summary: _summary, accompanyingMinors: _minors, relatives: _relatives, victim, ...header } = CASE_EXAMPLE;
  return {
    type: 'object',
    properties: { items: { type: 'array', items: caseResponseSchema({ list: true }) }, nextCursor: { type: 'string', nullable: true } },
    example: { items: [{ ...header, victim: { id: victim.id, fullName: victim.fullName, sex: victim.sex, nationality: victim.nationality, ageBand: victim.ageBand } }], nextCursor: null },
  };
}
