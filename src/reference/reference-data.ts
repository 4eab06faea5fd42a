import { ROLES } from '../access/roles';
import { AGENCY_TYPES } from '../agencies/agency-types';
import { PROVINCES } from '../agencies/provinces';
import { CURRENT_RULES } from '../cases/lifecycle/lifecycle-rules';

/** One entry of a code list: the code, Vietnamese and English labels, and list-specific extras. */
export interface ReferenceEntry {
  code: string;
  vi: string;
  en: string;
  [extra: string]: unknown;
}

const labels = <C extends string>(codes: readonly C[], table: Record<C, [string, string]>, extra: Partial<Record<C, object>> = {}): ReferenceEntry[] =>
  codes.map((code) => ({ code, vi: table[code][0], en: table[code][1], ...(extra[code] ?? {}) }));

export const CHANNEL_LIST = ['HOTLINE_111', 'SELF_REPORT', 'FAMILY_COMMUNITY', 'RESCUE', 'FOREIGN_HANDOVER', 'CONSULAR_RETURN', 'AGENCY_REFERRAL'] as const;
export const STAGE_LIST = ['RECEIVED', 'INITIAL_VERIFICATION', 'IN_IDENTIFICATION', 'IDENTIFIED_VICTIM', 'NOT_VICTIM', 'SUPPORT', 'REINTEGRATION', 'CLOSED', 'CLOSED_REFERRED'] as const;
export const SUPPORT_TYPE_LIST = ['ESSENTIAL_NEEDS', 'MEDICAL', 'INTERPRETATION', 'LEGAL_SUPPORT', 'LEGAL_AID', 'TRAVEL_COSTS', 'PSYCHOLOGICAL', 'SCHOOLING', 'VOCATIONAL_TRAINING', 'HARDSHIP_ALLOWANCE', 'LOAN'] as const;
export const EXPLOITATION_FORM_LIST = [
  'SEXUAL_EXPLOITATION', 'FORCED_LABOUR', 'FORCED_MARRIAGE', 'SALE_OF_CHILDREN', 'ORGAN_REMOVAL', 'COMMERCIAL_SURROGACY',
  'FORCED_BEGGING', 'FORCED_CRIMINALITY', 'CHILD_LABOUR', 'SERVITUDE', 'FORCED_ADOPTION', 'JOB_SCAM', 'DOMESTIC_TRAFFICKING', 'OTHER',
] as const;
export const SCREENING_OUTCOME_LIST = ['POSSIBLE_VICTIM', 'NOT_VICTIM', 'OTHER'] as const;
export const PROTECTION_MEASURE_LIST = [
  'CONFIDENTIAL_IDENTITY', 'CONFIDENTIAL_RESIDENCE', 'ESCORT', 'NO_CONTACT_WITH_SUSPECTS', 'SAFE_ACCOMMODATION', 'RELOCATION', 'OTHER',
] as const;

export type SupportType = (typeof SUPPORT_TYPE_LIST)[number];

/** Every code list served by GET /api/v1/reference/:list (public, unpaginated). */
export const REFERENCE_LISTS: Record<string, ReferenceEntry[]> = {
  roles: labels(ROLES, {
    SYSTEM_ADMIN: ['Quản trị hệ thống', 'System administrator'],
    CASEWORKER: ['Cán bộ quản lý trường hợp', 'Caseworker'],
    SUPERVISOR: ['Lãnh đạo đơn vị', 'Supervisor'],
    BORDER_GUARD: ['Bộ đội Biên phòng', 'Border guard'],
    POLICE_OFFICER: ['Cán bộ Công an', 'Police officer'],
    LEGAL_AID_OFFICER: ['Trợ giúp viên pháp lý', 'Legal-aid officer'],
    HEALTH_WORKER: ['Nhân viên y tế / tâm lý', 'Health / psychological worker'],
    STATISTICIAN: ['Cán bộ thống kê', 'Statistician'],
    AUDITOR: ['Thanh tra', 'Auditor'],
  }),
  'agency-types': labels(AGENCY_TYPES, {
    SOCIAL_AFFAIRS: ['Cơ quan bảo trợ xã hội (Sở Y tế)', 'Social-protection office (Department of Health)'],
    POLICE: ['Công an', 'Police'],
    BORDER_GUARD: ['Bộ đội Biên phòng', 'Border Guard'],
    LEGAL_AID: ['Trung tâm trợ giúp pháp lý', 'State legal-aid centre'],
    HEALTH: ['Cơ sở y tế', 'Health facility'],
    COMMUNE_PC: ['Ủy ban nhân dân xã', 'Commune People\'s Committee'],
    SHELTER: ['Cơ sở hỗ trợ nạn nhân', 'Victim support facility (shelter)'],
    FOREIGN_AFFAIRS: ['Cơ quan ngoại vụ', 'Foreign affairs'],
    STEERING_COMMITTEE: ['Ban Chỉ đạo 138', 'Steering Committee 138'],
  }),
  channels: labels(CHANNEL_LIST, {
    HOTLINE_111: ['Tổng đài 111', 'National hotline 111'],
    SELF_REPORT: ['Tự khai báo', 'Self-report'],
    FAMILY_COMMUNITY: ['Gia đình, cộng đồng báo tin', 'Report by family or community'],
    RESCUE: ['Giải cứu', 'Rescue'],
    FOREIGN_HANDOVER: ['Phía nước ngoài trao trả', 'Handover by a foreign authority'],
    CONSULAR_RETURN: ['Hồi hương qua cơ quan đại diện', 'Consular repatriation'],
    AGENCY_REFERRAL: ['Cơ quan khác chuyển đến', 'Referral from another agency'],
  }),
  stages: labels(STAGE_LIST, {
    RECEIVED: ['Tiếp nhận', 'Received'],
    INITIAL_VERIFICATION: ['Xác minh ban đầu', 'Initial verification'],
    IN_IDENTIFICATION: ['Đang xác định', 'Being identified'],
    IDENTIFIED_VICTIM: ['Đã xác định là nạn nhân', 'Identified victim'],
    NOT_VICTIM: ['Không phải nạn nhân', 'Not a victim'],
    SUPPORT: ['Bảo vệ, hỗ trợ', 'Protection and support'],
    REINTEGRATION: ['Tái hòa nhập cộng đồng', 'Reintegration'],
    CLOSED: ['Kết thúc', 'Closed'],
    CLOSED_REFERRED: ['Kết thúc do chuyển giao', 'Closed (referred)'],
  }, Object.fromEntries(STAGE_LIST.map((stage) => [stage, {
    ownerAgencyTypes: CURRENT_RULES.stageOwners[stage],
    htcds: { RECEIVED: 'Active', SUPPORT: 'Active', REINTEGRATION: 'FollowUp', CLOSED: 'Closed', CLOSED_REFERRED: 'ClosedReferred' }[stage as string] ?? 'Active',
  }]))),
  'support-types': labels(SUPPORT_TYPE_LIST, {
    ESSENTIAL_NEEDS: ['Hỗ trợ nhu cầu thiết yếu (chỗ ở tạm thời, ăn, mặc, vệ sinh cá nhân)', 'Essential needs (temporary accommodation, food, clothing, hygiene)'],
    MEDICAL: ['Hỗ trợ y tế', 'Medical support'],
    INTERPRETATION: ['Hỗ trợ phiên dịch', 'Interpretation'],
    LEGAL_SUPPORT: ['Hỗ trợ pháp luật', 'Legal support'],
    LEGAL_AID: ['Trợ giúp pháp lý', 'Legal aid'],
    TRAVEL_COSTS: ['Hỗ trợ chi phí đi lại', 'Travel costs home'],
    PSYCHOLOGICAL: ['Hỗ trợ tâm lý', 'Psychological support'],
    SCHOOLING: ['Hỗ trợ học văn hóa', 'Schooling'],
    VOCATIONAL_TRAINING: ['Hỗ trợ học nghề, tư vấn, giới thiệu việc làm', 'Vocational training, counselling and job placement'],
    HARDSHIP_ALLOWANCE: ['Trợ cấp khó khăn ban đầu', 'Initial hardship allowance'],
    LOAN: ['Hỗ trợ vay vốn', 'Loans'],
  }, {
    ESSENTIAL_NEEDS: { lawLetter: 'a', article: 'Art. 37(1)(a) Law 53/2024/QH15' },
    MEDICAL: { lawLetter: 'b', article: 'Art. 37(1)(b)' },
    INTERPRETATION: { lawLetter: 'c', article: 'Art. 37(1)(c)' },
    LEGAL_SUPPORT: { lawLetter: 'd', article: 'Art. 37(1)(d)' },
    LEGAL_AID: { lawLetter: 'đ', article: 'Art. 37(1)(đ)' },
    TRAVEL_COSTS: { lawLetter: 'e', article: 'Art. 37(1)(e)' },
    PSYCHOLOGICAL: { lawLetter: 'g', article: 'Art. 37(1)(g)' },
    SCHOOLING: { lawLetter: 'h', article: 'Art. 37(1)(h)', applicationDeadlineWorkingDays: 9 },
    VOCATIONAL_TRAINING: { lawLetter: 'i', article: 'Art. 37(1)(i)', applicationDeadlineWorkingDays: 9 },
    HARDSHIP_ALLOWANCE: { lawLetter: 'k', article: 'Art. 37(1)(k)', applicationDeadlineWorkingDays: 9 },
    LOAN: { lawLetter: 'k', article: 'Art. 37(1)(k)' },
  }),
  'exploitation-forms': labels(EXPLOITATION_FORM_LIST, {
    SEXUAL_EXPLOITATION: ['Bóc lột tình dục', 'Sexual exploitation'],
    FORCED_LABOUR: ['Cưỡng bức lao động (kể cả trên tàu cá)', 'Forced labour (including on fishing vessels)'],
    FORCED_MARRIAGE: ['Cưỡng ép kết hôn', 'Forced marriage'],
    SALE_OF_CHILDREN: ['Mua bán trẻ em', 'Sale of children'],
    ORGAN_REMOVAL: ['Lấy bộ phận cơ thể người', 'Organ removal'],
    COMMERCIAL_SURROGACY: ['Mang thai hộ vì mục đích thương mại', 'Commercial surrogacy'],
    FORCED_BEGGING: ['Cưỡng ép ăn xin', 'Forced begging'],
    FORCED_CRIMINALITY: ['Cưỡng ép phạm tội', 'Forced criminality'],
    CHILD_LABOUR: ['Lao động trẻ em', 'Child labour'],
    SERVITUDE: ['Nô lệ, lệ thuộc', 'Servitude'],
    FORCED_ADOPTION: ['Cưỡng ép nhận con nuôi', 'Forced adoption'],
    JOB_SCAM: ['Lừa "việc nhẹ lương cao" ở nước ngoài', '"Light work, high pay" job scam abroad'],
    DOMESTIC_TRAFFICKING: ['Mua bán người trong nội địa', 'Domestic trafficking'],
    OTHER: ['Mục đích vô nhân đạo khác', 'Other'],
  }, {
    SEXUAL_EXPLOITATION: { htcds: 'SexualExploitation' }, FORCED_LABOUR: { htcds: 'ForcedLabour' }, FORCED_MARRIAGE: { htcds: 'ForcedMarriage' },
    ORGAN_REMOVAL: { htcds: 'OrganRemoval' }, COMMERCIAL_SURROGACY: { htcds: 'Surrogacy' }, FORCED_BEGGING: { htcds: 'ForcedBegging' },
    CHILD_LABOUR: { htcds: 'ChildLabour' }, SERVITUDE: { htcds: 'Servitude' }, FORCED_ADOPTION: { htcds: 'ForcedAdoption' }, OTHER: { htcds: 'Other' },
    SALE_OF_CHILDREN: { htcds: 'Other' }, FORCED_CRIMINALITY: { htcds: 'Other' }, JOB_SCAM: { htcds: 'ForcedLabour' }, DOMESTIC_TRAFFICKING: { htcds: 'Other' },
  }),
  'screening-outcomes': labels(SCREENING_OUTCOME_LIST, {
    POSSIBLE_VICTIM: ['Có dấu hiệu là nạn nhân', 'Possible victim'],
    NOT_VICTIM: ['Không phải nạn nhân', 'Not a victim'],
    OTHER: ['Trường hợp khác (di cư trái phép…)', 'Other (e.g. irregular migrant)'],
  }, { POSSIBLE_VICTIM: { htcds: 'PossibleVictim' }, NOT_VICTIM: { htcds: 'NotAVictim' } }),
  'protection-measures': labels(PROTECTION_MEASURE_LIST, {
    CONFIDENTIAL_IDENTITY: ['Giữ bí mật danh tính', 'Keep identity confidential'],
    CONFIDENTIAL_RESIDENCE: ['Giữ bí mật nơi cư trú, làm việc, học tập', 'Keep residence, workplace and school confidential'],
    ESCORT: ['Bố trí người bảo vệ, đi cùng', 'Escort'],
    NO_CONTACT_WITH_SUSPECTS: ['Ngăn chặn tiếp xúc với đối tượng', 'No contact with suspects'],
    SAFE_ACCOMMODATION: ['Bố trí nơi tạm lánh', 'Safe accommodation'],
    RELOCATION: ['Thay đổi nơi ở', 'Relocation'],
    OTHER: ['Biện pháp khác', 'Other measure'],
  }),
  provinces: PROVINCES.map((p) => ({ ...p })),
};
