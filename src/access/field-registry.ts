import type { BlindIndexKind } from '../crypto';
import type { Role } from './roles';

/**
 * THE FIELD REGISTRY — the one declaration of every field a case exposes, how it is protected and who may
 * read or write it. Encryption, blind indexes, response mappers, CASL field rules, audit field paths and the
 * OpenAPI description all derive from this file. A field that is not here cannot be stored or returned.
 *
 * STAT      non-identifying, plaintext, usable by statistics
 * PERSONAL  identifies a person: encrypted under the person's data key
 * SENSITIVE narrative, health, exploitation details, ethnicity: encrypted, narrower audiences
 */
export type Classification = 'STAT' | 'PERSONAL' | 'SENSITIVE';

/** Why an actor may see a case. What they see is a function of role × reason, not role alone. */
export const ACCESS_REASONS = ['OWNER_AGENCY', 'ASSIGNED', 'REFERRAL', 'VERIFICATION_TASK', 'HANDOVER', 'BREAK_GLASS'] as const;
export type AccessReason = (typeof ACCESS_REASONS)[number];

export type FieldType = 'uuid' | 'string' | 'date' | 'datetime' | 'integer' | 'boolean' | 'string[]' | 'json';

export interface FieldSpec {
  classification: Classification;
  type: FieldType;
  /** Database column. Encrypted fields live in `<column>` as bytea (AES-256-GCM, AAD = table/column/row id). */
  column: string;
  encrypted: boolean;
  /** Blind indexes this field feeds (equality search / duplicate detection). */
  blindIndex?: BlindIndexKind[];
}

const stat = (column: string, type: FieldType = 'string'): FieldSpec => ({ classification: 'STAT', type, column, encrypted: false });
const personal = (column: string, type: FieldType = 'string', blindIndex?: BlindIndexKind[]): FieldSpec => ({
  classification: 'PERSONAL',
  type,
  column,
  encrypted: true,
  blindIndex,
});
const sensitive = (column: string, type: FieldType = 'string'): FieldSpec => ({ classification: 'SENSITIVE', type, column, encrypted: true });

/** Case-level fields (table `cases`; encrypted ones under the per-case data key). */
export const CASE_FIELDS = {
  id: stat('id', 'uuid'),
  caseNumber: stat('case_number'),
  stage: stat('stage'),
  stageChangedAt: stat('stage_changed_at', 'datetime'),
  identificationOutcome: stat('identification_outcome'),
  channel: stat('channel'),
  receivedAt: stat('received_at', 'datetime'),
  provinceCode: stat('province_code'),
  communeCode: stat('commune_code'),
  ownerAgencyId: stat('owner_agency_id', 'uuid'),
  assignedUserId: stat('assigned_user_id', 'uuid'),
  exploitationForms: stat('exploitation_forms', 'string[]'),
  destinationCountry: stat('destination_country'),
  createdAt: stat('created_at', 'datetime'),
  updatedAt: stat('updated_at', 'datetime'),
  summary: sensitive('summary_enc'),
} as const satisfies Record<string, FieldSpec>;

/** Person fields (table `persons`; victim, accompanying minors — each under their own data key). */
export const PERSON_FIELDS = {
  id: stat('id', 'uuid'),
  relation: stat('relation'),
  sex: stat('sex'),
  nationality: stat('nationality'),
  location: stat('location'),
  ageBand: stat('age_band'),
  fullName: personal('full_name_enc', 'string', ['name', 'name_birth_year']),
  dateOfBirth: personal('date_of_birth_enc', 'date'),
  birthYear: personal('birth_year_enc', 'integer', ['name_birth_year']),
  idNumber: personal('id_number_enc', 'string', ['id_number']),
  phone: personal('phone_enc', 'string', ['phone']),
  address: personal('address_enc'),
  ethnicity: sensitive('ethnicity_enc'),
  narrative: sensitive('narrative_enc'),
} as const satisfies Record<string, FieldSpec>;

/** Article 37 support deliveries (table `support_services`; the note under the person's data key). */
export const SUPPORT_FIELDS = {
  id: stat('id', 'uuid'),
  personId: stat('person_id', 'uuid'),
  type: stat('type'),
  status: stat('status'),
  providerAgencyId: stat('provider_agency_id', 'uuid'),
  startDate: stat('start_date', 'date'),
  endDate: stat('end_date', 'date'),
  amountVnd: stat('amount_vnd', 'integer'),
  legalBasis: stat('legal_basis'),
  applicationSubmittedOn: stat('application_submitted_on', 'date'),
  decisionDueOn: stat('decision_due_on', 'date'),
  note: sensitive('note_enc'),
} as const satisfies Record<string, FieldSpec>;

/** Verification tasks (table `verification_tasks`; findings under the case key). */
export const VERIFICATION_FIELDS = {
  id: stat('id', 'uuid'),
  caseId: stat('case_id', 'uuid'),
  requestingAgencyId: stat('requesting_agency_id', 'uuid'),
  assignedAgencyId: stat('assigned_agency_id', 'uuid'),
  requestedAt: stat('requested_at', 'datetime'),
  dueOn: stat('due_on', 'date'),
  status: stat('status'),
  completedAt: stat('completed_at', 'datetime'),
  findings: sensitive('findings_enc'),
} as const satisfies Record<string, FieldSpec>;

/** Protection measures for a person (table `protection_measures`; texts under the person's key). */
export const PROTECTION_FIELDS = {
  id: stat('id', 'uuid'),
  personId: stat('person_id', 'uuid'),
  type: stat('type'),
  decidedByAgencyId: stat('decided_by_agency_id', 'uuid'),
  startDate: stat('start_date', 'date'),
  endDate: stat('end_date', 'date'),
  refused: stat('refused', 'boolean'),
  refusalCommitment: sensitive('refusal_commitment_enc'),
  note: sensitive('note_enc'),
} as const satisfies Record<string, FieldSpec>;

/** Shelter stays (table `shelter_stays`): the 120-day limit of Art. 37(1)(a) with extensions. */
export const SHELTER_FIELDS = {
  id: stat('id', 'uuid'),
  personId: stat('person_id', 'uuid'),
  facilityAgencyId: stat('facility_agency_id', 'uuid'),
  admittedOn: stat('admitted_on', 'date'),
  extensionDays: stat('extension_days', 'integer'),
  plannedExitOn: stat('planned_exit_on', 'date'),
  dischargedOn: stat('discharged_on', 'date'),
  extensionReason: sensitive('extension_reason_enc'),
} as const satisfies Record<string, FieldSpec>;

/** Case notes (table `case_notes`; the body under the case key). Append-only. */
export const NOTE_FIELDS = {
  id: stat('id', 'uuid'),
  createdBy: stat('created_by', 'uuid'),
  createdAt: stat('created_at', 'datetime'),
  body: sensitive('body_enc'),
} as const satisfies Record<string, FieldSpec>;

/** Referrals to other agencies under a recorded consent (table `referrals`; the consent note under the case key). */
export const REFERRAL_FIELDS = {
  id: stat('id', 'uuid'),
  toAgencyId: stat('to_agency_id', 'uuid'),
  purpose: stat('purpose'),
  sharedFields: stat('shared_fields', 'string[]'),
  consentGivenBy: stat('consent_given_by'),
  consentRecordedOn: stat('consent_recorded_on', 'date'),
  status: stat('status'),
  createdAt: stat('created_at', 'datetime'),
  consentNote: sensitive('consent_note_enc'),
} as const satisfies Record<string, FieldSpec>;

/** Border handover records (table `handovers`; officers and documents under the handover's data key). */
export const HANDOVER_FIELDS = {
  id: stat('id', 'uuid'),
  foreignAuthority: stat('foreign_authority'),
  country: stat('country'),
  borderGate: stat('border_gate'),
  handedOverAt: stat('handed_over_at', 'datetime'),
  receivingAgencyId: stat('receiving_agency_id', 'uuid'),
  recordedByAgencyId: stat('recorded_by_agency_id', 'uuid'),
  personCount: stat('person_count', 'integer'),
  createdAt: stat('created_at', 'datetime'),
  officers: personal('officers_enc', 'json'),
  documents: personal('documents_enc', 'json'),
} as const satisfies Record<string, FieldSpec>;

/** The roll call of a handover (table `handover_persons`; each person under their own data key). */
export const HANDOVER_PERSON_FIELDS = {
  id: stat('id', 'uuid'),
  personIndex: stat('ordinal', 'integer'),
  screeningOutcome: stat('screening_outcome'),
  sex: stat('sex'),
  nationality: stat('nationality'),
  ageBand: stat('age_band'),
  caseId: stat('case_id', 'uuid'),
  fullName: personal('full_name_enc'),
  dateOfBirth: personal('date_of_birth_enc', 'date'),
  birthYear: personal('birth_year_enc', 'integer'),
  idNumber: personal('id_number_enc'),
  healthOnArrival: sensitive('health_on_arrival_enc'),
  nonPunishmentNote: sensitive('non_punishment_note_enc'),
  accompanyingMinors: personal('minors_enc', 'json'),
} as const satisfies Record<string, FieldSpec>;

/** Why an actor may see a handover record. */
export type HandoverReason = 'RECORDING_UNIT' | 'RECEIVING_AGENCY';

const handoverHeader = Object.keys(HANDOVER_FIELDS).filter((f) => !HANDOVER_FIELDS[f as keyof typeof HANDOVER_FIELDS].encrypted);
/**
 * Handover records: the recording border unit sees everything it recorded (including persons screened
 * NOT_VICTIM or OTHER, who exist only here); the receiving social-affairs agency sees the header only —
 * the persons it receives reach it as cases, the others never do.
 */
export const HANDOVER_POLICY: Partial<Record<Role, Partial<Record<HandoverReason, string[]>>>> = {
  BORDER_GUARD: { RECORDING_UNIT: [...Object.keys(HANDOVER_FIELDS), ...Object.keys(HANDOVER_PERSON_FIELDS).map((f) => `persons.${f}`)] },
  CASEWORKER: { RECEIVING_AGENCY: handoverHeader },
  SUPERVISOR: { RECEIVING_AGENCY: handoverHeader },
};

export type CaseField = keyof typeof CASE_FIELDS;
export type SupportField = keyof typeof SUPPORT_FIELDS;
export type PersonField = keyof typeof PERSON_FIELDS;

/** The person collections of a case response; field paths are `<collection>.<personField>`. */
export const PERSON_COLLECTIONS = ['victim', 'accompanyingMinors', 'relatives'] as const;
/** The stored person kind of each collection. */
export const COLLECTION_KINDS = { victim: 'VICTIM', accompanyingMinors: 'ACCOMPANYING_MINOR', relatives: 'RELATIVE' } as const;
export type PersonCollection = (typeof PERSON_COLLECTIONS)[number];

const caseKeys = Object.keys(CASE_FIELDS) as CaseField[];
const personKeys = Object.keys(PERSON_FIELDS) as PersonField[];
const personPaths = (fields: readonly PersonField[]) => PERSON_COLLECTIONS.flatMap((c) => fields.map((f) => `${c}.${f}`));

/** Field groups, named so that the policy below reads like the rule it is. */
export const FIELD_GROUPS = {
  /** Enough to know a case exists and where it is: number and stage. */
  caseHeader: ['id', 'caseNumber', 'stage'] as string[],
  caseAll: caseKeys as string[],
  personAll: personPaths(personKeys),
  caseEditable: ['communeCode', 'exploitationForms', 'destinationCountry', 'summary'] as string[],
  personEditable: personPaths(personKeys.filter((f) => f !== 'id' && f !== 'ageBand')),
  supportAll: Object.keys(SUPPORT_FIELDS).map((f) => `supportServices.${f}`),
  verificationAll: Object.keys(VERIFICATION_FIELDS).map((f) => `verificationTasks.${f}`),
  careAll: [
    ...Object.keys(PROTECTION_FIELDS).map((f) => `protectionMeasures.${f}`),
    ...Object.keys(SHELTER_FIELDS).map((f) => `shelterStays.${f}`),
    ...Object.keys(NOTE_FIELDS).map((f) => `notes.${f}`),
    ...Object.keys(REFERRAL_FIELDS).map((f) => `referrals.${f}`),
  ],
  careEditable: [
    ...Object.keys(PROTECTION_FIELDS).filter((f) => f !== 'id').map((f) => `protectionMeasures.${f}`),
    ...Object.keys(SHELTER_FIELDS).filter((f) => !['id', 'plannedExitOn'].includes(f)).map((f) => `shelterStays.${f}`),
    'notes.body',
    ...['toAgencyId', 'purpose', 'sharedFields', 'consentGivenBy', 'consentRecordedOn', 'consentNote', 'status'].map((f) => `referrals.${f}`),
  ],
  /** What the police need to verify and identify: who the person is and what happened — not support, notes or ethnicity. */
  policeView: [
    'id', 'caseNumber', 'stage', 'stageChangedAt', 'identificationOutcome', 'channel', 'receivedAt', 'provinceCode', 'communeCode', 'exploitationForms', 'destinationCountry',
    ...['id', 'sex', 'nationality', 'location', 'ageBand', 'fullName', 'dateOfBirth', 'birthYear', 'idNumber', 'phone', 'address', 'narrative'].map((f) => `victim.${f}`),
    ...['id', 'relation', 'sex', 'nationality', 'ageBand', 'fullName', 'dateOfBirth', 'birthYear'].map((f) => `accompanyingMinors.${f}`),
    ...Object.keys(VERIFICATION_FIELDS).map((f) => `verificationTasks.${f}`),
  ],
  verificationRequest: ['verificationTasks.assignedAgencyId', 'verificationTasks.dueOn'],
  /** The most a legal-aid centre can be given through a referral (the referral names the subset). */
  referralMaxLegalAid: [
    'id', 'caseNumber', 'stage', 'identificationOutcome', 'channel', 'receivedAt', 'provinceCode', 'exploitationForms', 'destinationCountry',
    ...['id', 'sex', 'nationality', 'location', 'ageBand', 'fullName', 'dateOfBirth', 'birthYear', 'idNumber', 'phone', 'address', 'narrative'].map((f) => `victim.${f}`),
    ...Object.keys(SUPPORT_FIELDS).map((f) => `supportServices.${f}`),
  ],
  /** The most a health facility can be given through a referral. */
  referralMaxHealth: [
    'id', 'caseNumber', 'stage', 'identificationOutcome',
    ...['id', 'sex', 'nationality', 'ageBand', 'fullName', 'dateOfBirth', 'birthYear', 'phone', 'narrative'].map((f) => `victim.${f}`),
    ...['id', 'relation', 'sex', 'ageBand', 'fullName', 'dateOfBirth', 'birthYear'].map((f) => `accompanyingMinors.${f}`),
    ...Object.keys(SUPPORT_FIELDS).map((f) => `supportServices.${f}`),
  ],
  supportEditable: Object.keys(SUPPORT_FIELDS)
    .filter((f) => !['id', 'decisionDueOn'].includes(f))
    .map((f) => `supportServices.${f}`),
};

/** Fields of a stage transition (table `case_transitions`, encrypted under the case key). */
export const TRANSITION_FIELDS = {
  reason: sensitive('reason_enc'),
  decision: sensitive('decision_enc'),
} as const satisfies Record<string, FieldSpec>;

export interface RolePolicy {
  /** Field paths readable per reason of access. No entry = no access through that reason. */
  read: Partial<Record<AccessReason, string[]>>;
  /** Field paths writable per reason of access. */
  write: Partial<Record<AccessReason, string[]>>;
  /** May open new cases at their own agency (when it is a case-owning agency). */
  create: boolean;
  /** Reasons of access through which the role may issue stage transitions (the stage machine decides which). */
  transition?: AccessReason[];
}

const { caseHeader, caseAll, personAll, caseEditable, personEditable, supportAll, supportEditable, verificationAll, policeView } = FIELD_GROUPS;
const owning = [...caseAll, ...personAll, ...supportAll, ...verificationAll, ...FIELD_GROUPS.careAll];
const editing = [...caseEditable, ...personEditable, ...supportEditable, ...FIELD_GROUPS.verificationRequest, ...FIELD_GROUPS.careEditable];
const none: RolePolicy = { read: {}, write: {}, create: false };

/**
 * Role × reason of access → fields. Deny by default: a role or reason not listed sees nothing.
 * Reasons REFERRAL, VERIFICATION_TASK, HANDOVER and BREAK_GLASS are declared here and in the scope
 * predicate's design; their grants arrive with the referral, identification, handover and break-glass modules.
 */
export const POLICY: Record<Role, RolePolicy> = {
  CASEWORKER: {
    read: { OWNER_AGENCY: owning, ASSIGNED: owning },
    write: { OWNER_AGENCY: editing, ASSIGNED: editing },
    create: true,
    transition: ['OWNER_AGENCY', 'ASSIGNED'],
  },
  SUPERVISOR: {
    read: { OWNER_AGENCY: owning, ASSIGNED: owning },
    write: { OWNER_AGENCY: [...editing, 'assignedUserId'], ASSIGNED: editing },
    create: true,
    transition: ['OWNER_AGENCY', 'ASSIGNED'],
  },
  BORDER_GUARD: { read: { HANDOVER: caseHeader }, write: {}, create: false },
  // Referred cases: at most these fields, and of them only those the referral (and its consent) shares.
  LEGAL_AID_OFFICER: {
    read: { REFERRAL: FIELD_GROUPS.referralMaxLegalAid },
    write: { REFERRAL: FIELD_GROUPS.supportEditable },
    create: false,
  },
  HEALTH_WORKER: {
    read: { REFERRAL: FIELD_GROUPS.referralMaxHealth },
    write: { REFERRAL: FIELD_GROUPS.supportEditable },
    create: false,
  },
  POLICE_OFFICER: {
    read: { VERIFICATION_TASK: policeView },
    write: { VERIFICATION_TASK: ['verificationTasks.status', 'verificationTasks.findings'] },
    create: false,
    transition: ['VERIFICATION_TASK'],
  },
  STATISTICIAN: none,
  AUDITOR: none,
  SYSTEM_ADMIN: none,
};

/** Agency types that own cases (open and manage them). */
export const CASE_OWNING_AGENCY_TYPES = ['SOCIAL_AFFAIRS', 'SHELTER'] as const;

/** Every declared field path, for validation of the policy and of audit paths. */
export const ALL_FIELD_PATHS = new Set<string>([...caseAll, ...personAll, ...supportAll, ...verificationAll, ...FIELD_GROUPS.careAll]);
