/** Agency types of the API contract (DESIGN.md "Enumerations"). */
export const AGENCY_TYPES = [
  'SOCIAL_AFFAIRS',
  'POLICE',
  'BORDER_GUARD',
  'LEGAL_AID',
  'HEALTH',
  'COMMUNE_PC',
  'SHELTER',
  'FOREIGN_AFFAIRS',
  'STEERING_COMMITTEE',
] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];
