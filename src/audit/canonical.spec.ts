import type { AuditRecord } from './audit.types';
import { canonicalOf, chainMac, GENESIS_MAC, parseCanonical } from './canonical';
import { invalidPart, toPending } from './validate';

const record: AuditRecord = {
  seq: 7,
  id: '0190a000-0000-7000-8000-000000000001',
  occurredAt: '2026-11-23T06:00:00.123Z',
  actorUserId: '0190a000-0000-7000-8000-000000000002',
  actorAgencyId: null,
  actorRole: 'CASEWORKER',
  action: 'case.read',
  resourceType: 'case',
  resourceId: '0190a000-0000-7000-8000-000000000003',
  resourceIds: null,
  fields: ['victim.fullName', 'accompanyingMinors[0].fullName'],
  purpose: 'NEEDS_ASSESSMENT',
  outcome: 'SUCCESS',
  requestId: 'req-1234',
};

describe('canonical bytes and the chain MAC', () => {
  it('round-trip exactly, with a fixed field order independent of object key order', () => {
    const text = canonicalOf(record);
    expect(parseCanonical(text)).toEqual(record);
    const shuffled = Object.fromEntries(Object.entries(record).reverse()) as unknown as AuditRecord;
    expect(canonicalOf(shuffled)).toBe(text);
  });

  it('refuses an unknown format', () => {
    expect(() => parseCanonical('[2,1]')).toThrow('unknown canonical format');
  });

  it('MAC depends on the key, the previous MAC and every byte', () => {
    const key = Buffer.alloc(32, 1);
    const text = canonicalOf(record);
    const mac = chainMac(key, GENESIS_MAC, text);
    expect(mac).toHaveLength(32);
    expect(chainMac(key, GENESIS_MAC, text)).toEqual(mac);
    expect(chainMac(Buffer.alloc(32, 2), GENESIS_MAC, text)).not.toEqual(mac);
    expect(chainMac(key, mac, text)).not.toEqual(mac);
    expect(chainMac(key, GENESIS_MAC, text.replace('case.read', 'case.reaD'))).not.toEqual(mac);
  });
});

describe('audit input validation (no free text, hence no personal data)', () => {
  const actor = { userId: record.actorUserId, agencyId: null, role: 'CASEWORKER', requestId: 'req-1234' };
  const ok = { action: 'case.read', resourceType: 'case', resourceId: record.resourceId, fields: ['victim.fullName'], purpose: 'NEEDS_ASSESSMENT' };

  it('accepts ids, codes and field paths', () => {
    expect(invalidPart(actor, ok)).toBeNull();
    expect(invalidPart({ userId: null, agencyId: null, role: null, requestId: '' }, { action: 'auth.login', resourceType: 'session', outcome: 'FAILURE' })).toBeNull();
  });

  it.each([
    ['fields', { fields: ['Nguyễn Thị Lành'] }],
    ['fields', { fields: ['victim.fullName', 'phone 0912 345 678'] }],
    ['purpose', { purpose: 'follow up with her mother' }],
    ['action', { action: 'Read the file of Lan' }],
    ['resourceType', { resourceType: 'case file' }],
    ['resourceId', { resourceId: '079123456789' }],
    ['resourceIds', { resourceIds: [record.resourceId!, 'x'] }],
    ['outcome', { outcome: 'MAYBE' }],
  ])('rejects %s that is not an id/code/path', (part, change) => {
    expect(invalidPart(actor, { ...ok, ...change } as never)).toBe(part);
    expect(() => toPending(actor, [{ ...ok, ...change } as never])).toThrow(`${part} is not an id, code or field path`);
  });

  it('rejects actor parts that are not ids or codes, naming the part but never the value', () => {
    expect(invalidPart({ ...actor, requestId: 'Lành <lanh@example.com>' }, ok)).toBe('actor.requestId');
    expect(invalidPart({ ...actor, userId: 'lanh' }, ok)).toBe('actor.userId');
    expect(() => toPending({ ...actor, role: 'chị Lành' }, [ok])).toThrow(/^audit event rejected: actor\.role/);
    expect(() => toPending({ ...actor, role: 'chị Lành' }, [ok])).not.toThrow(/Lành/);
  });
});
