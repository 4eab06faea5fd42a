import { AbilityBuilder, createMongoAbility, MongoAbility, subject } from '@casl/ability';
import { permittedFieldsOf } from '@casl/ability/extra';
import type { Role } from './roles';
import { AccessReason, ALL_FIELD_PATHS, POLICY } from './field-registry';

export type CaseAction = 'read' | 'update' | 'create' | 'transition';
type CaseAbility = MongoAbility<[CaseAction, 'Case' | { __caseSubject: true }]>;

/** CASL abilities for role × action × field, derived from the field registry (one rule per reason). */
function buildAbility(role: Role): CaseAbility {
  const { can, build } = new AbilityBuilder<CaseAbility>(createMongoAbility);
  const policy = POLICY[role];
  for (const [reason, fields] of Object.entries(policy.read)) can('read', 'Case', fields, { reasons: { $in: [reason] } } as never);
  for (const [reason, fields] of Object.entries(policy.write)) can('update', 'Case', fields, { reasons: { $in: [reason] } } as never);
  for (const reason of policy.transition ?? []) can('transition', 'Case', { reasons: { $in: [reason] } } as never);
  if (policy.create) can('create', 'Case');
  return build();
}

const abilities = new Map<Role, CaseAbility>();
const fieldCache = new Map<string, ReadonlySet<string>>();

export function caseAbility(role: Role): CaseAbility {
  let a = abilities.get(role);
  if (!a) abilities.set(role, (a = buildAbility(role)));
  return a;
}

/**
 * The field paths `role` may read/update on a case for which `reasons` hold. Deny by default: no reasons,
 * no fields. Memoised: the answer depends only on (role, action, reasons).
 */
export function permittedCaseFields(role: Role, action: 'read' | 'update', reasons: readonly AccessReason[]): ReadonlySet<string> {
  const key = `${role}|${action}|${[...reasons].sort().join(',')}`;
  let fields = fieldCache.get(key);
  if (!fields) {
    const list = reasons.length
      ? permittedFieldsOf(caseAbility(role), action, subject('Case', { reasons: [...reasons] }) as never, {
          fieldsFrom: (rule) => rule.fields ?? [...ALL_FIELD_PATHS],
        })
      : [];
    fields = new Set(list);
    fieldCache.set(key, fields);
  }
  return fields;
}

/** May `role` issue stage transitions on a case for which `reasons` hold? */
export function canTransitionCase(role: Role, reasons: readonly AccessReason[]): boolean {
  return caseAbility(role).can('transition', subject('Case', { reasons: [...reasons] }) as never);
}

export function canCreateCase(role: Role): boolean {
  return caseAbility(role).can('create', 'Case');
}

/** Always visible to a referred agency: what it needs to know which case it is working on. */
const REFERRAL_ALWAYS = new Set(['id', 'caseNumber', 'stage']);

/**
 * The fields `role` may read/update on one case: the union over the reasons that hold, where the REFERRAL
 * reason gives only the fields its active referrals share (intersected with the role's referral maximum).
 */
export function fieldsForCase(
  role: Role,
  action: 'read' | 'update',
  access: { reasons: readonly string[]; referral_fields?: readonly string[] | null },
): ReadonlySet<string> {
  const reasons = access.reasons as AccessReason[];
  if (!reasons.includes('REFERRAL')) return permittedCaseFields(role, action, reasons);
  const out = new Set(permittedCaseFields(role, action, reasons.filter((r) => r !== 'REFERRAL')));
  const shared = new Set(access.referral_fields ?? []);
  for (const f of permittedCaseFields(role, action, ['REFERRAL'])) {
    // Writes through a referral are the receiving agency's own records (support it provides), not shared data.
    if (action === 'update' || shared.has(f) || REFERRAL_ALWAYS.has(f)) out.add(f);
  }
  return out;
}
