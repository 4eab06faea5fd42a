/** Realistic reception payloads (invented people; Vietnamese names with diacritics). */
export function receptionPayload(seed = 1) {
  return {
    channel: 'FOREIGN_HANDOVER',
    receivedAt: '2026-10-02T09:15:00+07:00',
    provinceCode: '20',
    communeCode: '06271',
    exploitationForms: ['FORCED_MARRIAGE'],
    destinationCountry: 'CN',
    summary: `Được trao trả tại cửa khẩu Hữu Nghị, lần ${seed}.`,
    victim: {
      fullName: `Nguyễn Thị Lành ${seed}`,
      dateOfBirth: '2004-03-17',
      sex: 'FEMALE',
      nationality: 'VN',
      location: 'IN_VIETNAM',
      idNumber: `0203040${String(seed).padStart(5, '0')}`,
      phone: `09123${String(seed).padStart(5, '0')}`,
      address: `Thôn Bản Chắt ${seed}, xã Đồng Đăng`,
      ethnicity: 'Tày',
      narrative: `Bị lừa sang Trung Quốc làm việc nhẹ lương cao, bị ép kết hôn. Mã ${seed}.`,
    },
    accompanyingMinors: [
      { fullName: `Hoàng Văn Bảo ${seed}`, birthYear: 2022, sex: 'MALE', nationality: 'XX', relation: 'CHILD' },
    ],
  };
}

/** The personal values of a receptionPayload, as the privacy scans look for them (long texts by a prefix). */
export function personalValuesOf(body: ReturnType<typeof receptionPayload>): string[] {
  const v = body.victim;
  return [v.fullName, v.idNumber, v.phone, v.address, v.narrative.slice(0, 30), body.accompanyingMinors[0].fullName, body.summary.slice(0, 25)];
}

/** The forms a personal value could be stored or written in: as given, decomposed (NFD), lower case. */
export function textFormsOf(values: string[]): string[] {
  return [...new Set(values.flatMap((s) => [s, s.normalize('NFD'), s.toLowerCase()]))];
}

/** Response keys, written out literally so the tests do not derive expectations from the code under test. */
export const CASE_KEYS_ALL = [
  'id', 'caseNumber', 'stage', 'stageChangedAt', 'identificationOutcome', 'channel', 'receivedAt', 'provinceCode', 'communeCode', 'ownerAgencyId', 'assignedUserId',
  'exploitationForms', 'destinationCountry', 'createdAt', 'updatedAt', 'summary', 'victim', 'accompanyingMinors', 'relatives',
].sort();
export const PERSON_KEYS_ALL = [
  'id', 'relation', 'sex', 'nationality', 'location', 'ageBand', 'fullName', 'dateOfBirth', 'birthYear', 'idNumber', 'phone',
  'address', 'ethnicity', 'narrative',
].sort();
export const LIST_ITEM_KEYS = [
  'id', 'caseNumber', 'stage', 'stageChangedAt', 'identificationOutcome', 'channel', 'receivedAt', 'provinceCode', 'communeCode', 'ownerAgencyId', 'assignedUserId',
  'exploitationForms', 'destinationCountry', 'createdAt', 'updatedAt', 'victim',
].sort();
export const LIST_VICTIM_KEYS = ['id', 'fullName', 'sex', 'nationality', 'ageBand'].sort();
