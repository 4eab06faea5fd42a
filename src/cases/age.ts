/** Age in whole years at `at`, from a full date of birth or (approximately) a birth year. */
export function ageAt(at: Date, dateOfBirth?: string | null, birthYear?: number | null): number | null {
  if (dateOfBirth) {
    const [y, m, d] = dateOfBirth.split('-').map(Number);
    let age = at.getUTCFullYear() - y;
    if (at.getUTCMonth() + 1 < m || (at.getUTCMonth() + 1 === m && at.getUTCDate() < d)) age -= 1;
    return age;
  }
  if (birthYear) return at.getUTCFullYear() - birthYear;
  return null;
}

/** Coarse age band (STAT): statistics need age groups, never the birth date. */
export function ageBand(age: number | null): string {
  if (age === null || age < 0) return 'UNKNOWN';
  if (age <= 5) return '0-5';
  if (age <= 11) return '6-11';
  if (age <= 15) return '12-15';
  if (age <= 17) return '16-17';
  if (age <= 24) return '18-24';
  if (age <= 34) return '25-34';
  if (age <= 49) return '35-49';
  return '50+';
}
