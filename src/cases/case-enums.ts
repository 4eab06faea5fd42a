import { CHANNEL_LIST, EXPLOITATION_FORM_LIST, STAGE_LIST } from '../reference/reference-data';

/** Enumerations of the case aggregate; the code lists (with labels) live in src/reference. */
export const CHANNELS = CHANNEL_LIST;
export const STAGES = STAGE_LIST;
export const EXPLOITATION_FORMS = EXPLOITATION_FORM_LIST;
export const SEXES = ['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'] as const;
export const LOCATIONS = ['IN_VIETNAM', 'ABROAD'] as const;
export const MINOR_RELATIONS = ['CHILD', 'SIBLING', 'OTHER_RELATIVE', 'UNRELATED'] as const;

export type Channel = (typeof CHANNELS)[number];
export type Sex = (typeof SEXES)[number];
export type Stage = (typeof STAGES)[number];
