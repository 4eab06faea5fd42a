import type { Role } from '../access/roles';
import type { AccessReason } from '../access/field-registry';
import { fieldsForCase, permittedCaseFields } from '../access/case-ability';
import { CASE_FIELDS, CaseField, COLLECTION_KINDS, PERSON_COLLECTIONS, PERSON_FIELDS, PersonCollection, PersonField } from '../access/field-registry';
import { FieldProtection } from '../access/field-protection.service';
import { mapRecord } from '../access/record-mapper';
import type { CaseRow, PersonRow } from './cases.repository';

/** What one actor may see of one case: the permitted field paths, split by part. */
export class CaseView {
  readonly caseFields: ReadonlySet<CaseField>;
  readonly personFields: Record<PersonCollection, ReadonlySet<PersonField>>;

  /** The encrypted ones among them: what rendering decrypts (computed once per view, not per row). */
  readonly encryptedCaseFields: readonly CaseField[];
  readonly encryptedPersonFields: Record<PersonCollection, readonly PersonField[]>;

  constructor(readonly paths: ReadonlySet<string>) {
    this.caseFields = new Set([...paths].filter((p) => !p.includes('.')) as CaseField[]);
    const byCollection = (c: PersonCollection) =>
      new Set([...paths].filter((p) => p.startsWith(`${c}.`)).map((p) => p.slice(c.length + 1)) as PersonField[]);
    this.personFields = { victim: byCollection('victim'), accompanyingMinors: byCollection('accompanyingMinors'), relatives: byCollection('relatives') };
    this.encryptedCaseFields = [...this.caseFields].filter((f) => CASE_FIELDS[f].encrypted);
    const encrypted = (c: PersonCollection) => [...this.personFields[c]].filter((f) => PERSON_FIELDS[f].encrypted);
    this.encryptedPersonFields = { victim: encrypted('victim'), accompanyingMinors: encrypted('accompanyingMinors'), relatives: encrypted('relatives') };
  }

  /**
   * The view for one case. Memoised per (role, reasons, shared fields, restriction): a list renders 50 rows that
   * mostly share one combination, and building the sets per row was a visible share of a page's CPU. Views are
   * immutable and depend on nothing else.
   */
  static forRead(role: Role, access: { reasons: readonly string[]; referral_fields?: readonly string[] | null }, restrictTo?: ReadonlySet<string>): CaseView {
    const key = `${role}|${access.reasons.join(',')}|${access.referral_fields?.join(',') ?? ''}`;
    let views = restrictTo ? restrictedViews.get(restrictTo) : unrestrictedViews;
    if (!views) restrictedViews.set(restrictTo!, (views = new Map()));
    let view = views.get(key);
    if (!view) {
      const all = fieldsForCase(role, 'read', access);
      view = new CaseView(restrictTo ? new Set([...all].filter((p) => restrictTo.has(p))) : all);
      if (views.size >= MAX_MEMOISED_VIEWS) views.clear(); // shared-field lists vary by referral: stay bounded
      views.set(key, view);
    }
    return view;
  }

  /**
   * The person kinds `role` could read on ANY case it can reach through `reasons` (the widest view): what a
   * read fetches before it knows which reasons hold for the case. Rendering still uses the case's own view.
   */
  static widestPersonKinds(role: Role, reasons: readonly AccessReason[]): Array<PersonRow['kind']> {
    const key = `${role}|${[...reasons].sort().join(',')}`;
    let kinds = widestKinds.get(key);
    if (!kinds) widestKinds.set(key, (kinds = new CaseView(permittedCaseFields(role, 'read', reasons)).personKinds));
    return kinds;
  }

  get isEmpty(): boolean {
    return this.paths.size === 0;
  }

  /** Person kinds whose rows must be fetched for this view. */
  get personKinds(): Array<PersonRow['kind']> {
    return PERSON_COLLECTIONS.filter((c) => this.personFields[c].size > 0).map((c) => COLLECTION_KINDS[c]);
  }
}

const widestKinds = new Map<string, Array<PersonRow['kind']>>();
const MAX_MEMOISED_VIEWS = 512;
const unrestrictedViews = new Map<string, CaseView>();
const restrictedViews = new WeakMap<ReadonlySet<string>, Map<string, CaseView>>();

export const CASE_TABLE = 'cases';
export const PERSON_TABLE = 'persons';

/**
 * Renders a case for a view: STAT values from the row, encrypted values decrypted only when permitted.
 * Returns the body and the field paths actually returned (for the audit event).
 */
export function renderCase(
  protection: FieldProtection,
  view: CaseView,
  row: CaseRow,
  persons: PersonRow[],
): { body: Record<string, unknown>; fields: string[] } {
  const wantedCase = view.encryptedCaseFields;
  const caseKey = wantedCase.length && row.key_wrapped ? protection.openKey({ ownerId: row.id, kekVersion: row.key_version!, wrapped: row.key_wrapped }) : null;
  const decrypted = caseKey ? protection.open(CASE_TABLE, CASE_FIELDS, row.id, caseKey, row, wantedCase) : {};
  const body = mapRecord(CASE_FIELDS, (f) => view.caseFields.has(f), row, decrypted);
  const fields = [...view.caseFields] as string[];

  const renderPerson = (collection: PersonCollection, p: PersonRow) => {
    const visible = view.personFields[collection];
    const wanted = view.encryptedPersonFields[collection];
    const key = wanted.length ? protection.openKey({ ownerId: p.id, kekVersion: p.key_version, wrapped: p.key_wrapped }) : null;
    const values = key ? protection.open(PERSON_TABLE, PERSON_FIELDS, p.id, key, p, wanted) : {};
    return mapRecord(PERSON_FIELDS, (f) => visible.has(f), p, values);
  };

  for (const collection of PERSON_COLLECTIONS) {
    if (!view.personFields[collection].size) continue;
    const kind = COLLECTION_KINDS[collection];
    const rendered = persons.filter((p) => p.case_id === row.id && p.kind === kind).map((p) => renderPerson(collection, p));
    body[collection] = collection === 'victim' ? (rendered[0] ?? null) : rendered;
    // The audit names what was returned: no minors on the case, no accompanyingMinors.* paths.
    if (rendered.length) fields.push(...[...view.personFields[collection]].map((f) => `${collection}.${f}`));
  }
  return { body, fields };
}
