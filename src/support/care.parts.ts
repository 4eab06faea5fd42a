import { NOTE_FIELDS, PROTECTION_FIELDS, SHELTER_FIELDS } from '../access/field-registry';
import type { CasePart } from '../cases/parts/case-parts.service';

export const PROTECTION_PART: CasePart<keyof typeof PROTECTION_FIELDS> = {
  table: 'protection_measures', prefix: 'protectionMeasures.', fields: PROTECTION_FIELDS, keyOwner: 'person', audit: 'protection', purpose: 'PROTECTION',
};
export const SHELTER_PART: CasePart<keyof typeof SHELTER_FIELDS> = {
  table: 'shelter_stays', prefix: 'shelterStays.', fields: SHELTER_FIELDS, keyOwner: 'person', audit: 'shelter', purpose: 'SUPPORT',
};
export const NOTE_PART: CasePart<keyof typeof NOTE_FIELDS> = {
  table: 'case_notes', prefix: 'notes.', fields: NOTE_FIELDS, keyOwner: 'case', audit: 'note', purpose: 'CASE_MANAGEMENT',
};
