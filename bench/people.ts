import type { CreateCaseDto } from '../src/cases/dto/create-case.dto';

/**
 * Deterministic, realistic reception payloads for invented people: reception i is always the same person,
 * so the duplicate-check scenario can look up people the seed wrote without keeping them in memory.
 * Names follow the real shape of Vietnamese names (family name, middle name, given name; family names
 * weighted roughly by frequency, ethnic-minority family names common in the northern border provinces).
 */

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Weighted<T> = Array<[T, number]>;
function weighted<T>(items: Weighted<T>): (r: number) => T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let acc = 0;
  const cumulative = items.map(([, w]) => (acc += w) / total);
  return (r) => {
    const i = cumulative.findIndex((c) => r < c);
    return items[i === -1 ? items.length - 1 : i][0];
  };
}

const FAMILY = weighted<string>([
  ['Nguyễn', 31], ['Trần', 10], ['Lê', 8], ['Phạm', 6], ['Hoàng', 4], ['Huỳnh', 2], ['Phan', 3], ['Vũ', 3], ['Võ', 2], ['Đặng', 2],
  ['Bùi', 2], ['Đỗ', 1.5], ['Hồ', 1.2], ['Ngô', 1.2], ['Dương', 1], ['Lý', 0.6], ['Đinh', 0.8], ['Trịnh', 0.6], ['Mai', 0.5], ['Lương', 0.5],
  // Ethnic-minority family names (Tày, Nùng, Thái, H'Mông, Dao) — over-represented among victims from border provinces.
  ['Lò', 1.5], ['Hà', 1.5], ['Vàng', 1.5], ['Sùng', 1.2], ['Giàng', 1.2], ['Thào', 1], ['Lầu', 0.8], ['Mùa', 0.8], ['Cứ', 0.5], ['Nông', 1],
  ['Lục', 0.6], ['Triệu', 0.8], ['Bàn', 0.6], ['Hứa', 0.4], ['Lường', 0.5], ['Quàng', 0.4], ['Mông', 0.3], ['Chảo', 0.3],
]);
const FEMALE_MIDDLE = weighted<string>([
  ['Thị', 55], ['Thị Thu', 5], ['Thị Hồng', 4], ['Thị Kim', 3], ['Thị Thanh', 3], ['Ngọc', 4], ['Thu', 3], ['Hồng', 2], ['Thị Ngọc', 3],
  ['Thị Minh', 2], ['Thị Mỹ', 2], ['Diệu', 1], ['Khánh', 1], ['Phương', 1], ['Thị Hoài', 1], ['Bảo', 1], ['', 4],
]);
const MALE_MIDDLE = weighted<string>([
  ['Văn', 50], ['Đức', 6], ['Minh', 6], ['Quốc', 4], ['Thanh', 3], ['Hữu', 4], ['Công', 3], ['Xuân', 3], ['Ngọc', 2], ['Gia', 2], ['A', 4], ['Seo', 3], ['', 4],
]);
const FEMALE_GIVEN = [
  'Lan', 'Mai', 'Hoa', 'Lành', 'Nhung', 'Dua', 'Hương', 'Thảo', 'Quỳnh', 'Hằng', 'Yến', 'Linh', 'Trang', 'Huyền', 'Ngân', 'Phương', 'Hà', 'Thủy',
  'Nga', 'Loan', 'Dung', 'Hạnh', 'Vân', 'Oanh', 'Thơ', 'Liên', 'Xuân', 'Hiền', 'Tâm', 'Nhàn', 'Chi', 'Ánh', 'Diệp', 'Giang', 'Hồng', 'Khuyên',
  'Lụa', 'Mỷ', 'Nhi', 'Pà', 'Súa', 'Dợ', 'Mỷ Chà', 'Sú', 'Mẩy', 'Pằng', 'Xía', 'Chứ', 'Dín', 'Lìu', 'Sinh', 'Tươi', 'Uyên', 'Vy', 'Xoan', 'Ý',
  'Bích', 'Cúc', 'Đào', 'Gấm', 'Huệ', 'Kiều', 'Lệ', 'Mơ', 'Nụ', 'Quyên', 'Sen', 'Thắm', 'Trinh', 'Vui', 'Yên', 'Ngọc', 'Thoa', 'Hải', 'Châu',
];
const MALE_GIVEN = [
  'Tùng', 'Bảo', 'Dũng', 'Páo', 'Hùng', 'Minh', 'Nam', 'Long', 'Quân', 'Sơn', 'Thắng', 'Tuấn', 'Việt', 'Khánh', 'Phong', 'An', 'Bình', 'Cường',
  'Đạt', 'Giang', 'Hải', 'Hiếu', 'Hoàng', 'Huy', 'Khoa', 'Lâm', 'Lộc', 'Mạnh', 'Nghĩa', 'Phúc', 'Quang', 'Sang', 'Tài', 'Thành', 'Trí', 'Vinh',
  'Chứ', 'Dế', 'Lử', 'Mua', 'Nhìa', 'Pó', 'Sính', 'Tủa', 'Vư', 'Xái', 'Chinh', 'Khải', 'Toàn', 'Đông',
];
const ETHNICITY = weighted<string>([['Kinh', 40], ['Tày', 10], ['Nùng', 8], ['H\'Mông', 15], ['Thái', 10], ['Dao', 7], ['Mường', 4], ['Khmer', 3], ['Giáy', 2], ['Sán Chay', 1]]);
const PLACES = [
  ['20', 'xã Đồng Đăng', 'tỉnh Lạng Sơn'], ['20', 'xã Tân Thanh', 'tỉnh Lạng Sơn'], ['04', 'xã Trà Lĩnh', 'tỉnh Cao Bằng'], ['15', 'xã Bát Xát', 'tỉnh Lào Cai'],
  ['11', 'xã Mường Nhé', 'tỉnh Điện Biên'], ['12', 'xã Phong Thổ', 'tỉnh Lai Châu'], ['14', 'xã Sốp Cộp', 'tỉnh Sơn La'], ['08', 'xã Mèo Vạc', 'tỉnh Tuyên Quang'],
  ['22', 'phường Móng Cái 1', 'tỉnh Quảng Ninh'], ['40', 'xã Kỳ Sơn', 'tỉnh Nghệ An'], ['38', 'xã Mường Lát', 'tỉnh Thanh Hóa'], ['01', 'phường Hoàng Mai', 'thành phố Hà Nội'],
];
const HAMLETS = ['Bản Chắt', 'Nà Lầu', 'Khuổi Khỉn', 'Pò Mã', 'Lũng Cú', 'Sà Phìn', 'Nậm Cang', 'Tả Van', 'Bản Phố', 'Cốc Lếu', 'Nà Pồng', 'Phiêng Luông'];
const NARRATIVES = [
  'Được một người quen giới thiệu sang Trung Quốc làm việc ở nhà máy với lương cao, sau đó bị bán cho một gia đình và bị ép kết hôn.',
  'Bị dụ dỗ qua mạng xã hội, hứa hẹn việc làm nhà hàng ở Campuchia; bị giữ giấy tờ, bị ép làm việc lừa đảo trực tuyến và bị đánh đập khi không đạt chỉ tiêu.',
  'Đi theo bạn trai quen trên Zalo lên biên giới, bị đưa qua đường mòn và bán vào cơ sở mại dâm; trốn thoát và trình báo với công an nước bạn.',
  'Được hứa việc làm giúp việc gia đình ở Malaysia, bị giữ hộ chiếu, không được trả lương, không được liên lạc với gia đình trong nhiều tháng.',
  'Bị lừa mang thai hộ cho một đường dây; sau khi sinh con bị bỏ lại ở khu vực biên giới không có giấy tờ tùy thân.',
  'Làm thuê trên tàu cá, bị giữ lương và giấy tờ, làm việc hơn mười tám giờ mỗi ngày, bị đe dọa khi đòi về nước.',
];
const SUMMARIES = [
  'Được phía Trung Quốc trao trả tại cửa khẩu Hữu Nghị cùng con nhỏ; sức khỏe yếu, cần hỗ trợ y tế và tâm lý.',
  'Tự trình báo qua tổng đài 111; đang ở nhà người thân, cần xác minh và hỗ trợ pháp lý.',
  'Được giải cứu trong đợt kiểm tra của lực lượng chức năng; đã bố trí nơi tạm trú an toàn.',
  'Gia đình báo tin qua chính quyền xã; nạn nhân đã về địa phương, cần hỗ trợ học nghề và vay vốn.',
];
const CHANNELS = weighted<CreateCaseDto['channel']>([
  ['FOREIGN_HANDOVER', 35], ['RESCUE', 15], ['HOTLINE_111', 15], ['SELF_REPORT', 12], ['FAMILY_COMMUNITY', 12], ['CONSULAR_RETURN', 6], ['AGENCY_REFERRAL', 5],
]);
const FORMS = weighted<string>([
  ['FORCED_MARRIAGE', 30], ['SEXUAL_EXPLOITATION', 25], ['FORCED_LABOUR', 15], ['JOB_SCAM', 15], ['COMMERCIAL_SURROGACY', 4], ['SALE_OF_CHILDREN', 3], ['SERVITUDE', 3], ['FORCED_CRIMINALITY', 3], ['OTHER', 2],
]);
const COUNTRY = weighted<string>([['CN', 60], ['KH', 15], ['LA', 8], ['MM', 7], ['MY', 4], ['TH', 3], ['VN', 3]]);

const pick = <T>(a: readonly T[], r: number) => a[Math.floor(r * a.length) % a.length];
const two = (n: number) => String(n).padStart(2, '0');

export function personName(r: () => number, sex: 'FEMALE' | 'MALE'): string {
  const middle = sex === 'FEMALE' ? FEMALE_MIDDLE(r()) : MALE_MIDDLE(r());
  const given = sex === 'FEMALE' ? pick(FEMALE_GIVEN, r()) : pick(MALE_GIVEN, r());
  return [FAMILY(r()), middle, given].filter(Boolean).join(' ');
}

/** The i-th reception: a victim with 0–2 accompanying minors (`minors` forces the number). */
export function reception(i: number, opts: { provinceCode: string; receivedAt: Date; minors?: number }): CreateCaseDto {
  const r = rng(i * 7919 + 17);
  const received = opts.receivedAt;
  const sex: 'FEMALE' | 'MALE' = r() < 0.86 ? 'FEMALE' : 'MALE';
  const age = 13 + Math.floor(r() * r() * 40); // skewed young: 13–52
  const year = received.getUTCFullYear() - age;
  const withDate = r() < 0.55;
  const dateOfBirth = withDate ? `${year}-${two(1 + Math.floor(r() * 12))}-${two(1 + Math.floor(r() * 28))}` : undefined;
  const place = pick(PLACES, r());
  const minorsCount = opts.minors ?? (r() < 0.62 ? 0 : r() < 0.7 ? 1 : 2);
  const family = personName(r, sex).split(' ')[0];
  const victim = {
    fullName: personName(r, sex),
    ...(withDate ? { dateOfBirth } : { birthYear: year }),
    sex,
    nationality: r() < 0.95 ? 'VN' : 'XX',
    location: r() < 0.9 ? 'IN_VIETNAM' : 'ABROAD',
    ...(r() < 0.6 ? { idNumber: `0${place[0]}${sex === 'FEMALE' ? '3' : '2'}${String(year % 100).padStart(2, '0')}${String(Math.floor(r() * 1e6)).padStart(6, '0')}` } : {}),
    ...(r() < 0.5 ? { phone: `0${pick(['91', '98', '97', '96', '86', '88', '83', '39', '35'], r())}${String(Math.floor(r() * 1e7)).padStart(7, '0')}` } : {}),
    ...(r() < 0.7 ? { address: `Thôn ${pick(HAMLETS, r())}, ${place[1]}, ${place[2]}` } : {}),
    ...(r() < 0.6 ? { ethnicity: ETHNICITY(r()) } : {}),
    ...(r() < 0.8 ? { narrative: `${pick(NARRATIVES, r())} (Hồ sơ ${i}.)` } : {}),
  };
  const accompanyingMinors = Array.from({ length: minorsCount }, () => {
    const msex: 'FEMALE' | 'MALE' = r() < 0.5 ? 'FEMALE' : 'MALE';
    const mage = Math.floor(r() * 12);
    const given = personName(r, msex).split(' ').slice(1).join(' ');
    return { fullName: `${family} ${given}`, birthYear: received.getUTCFullYear() - mage, sex: msex, nationality: r() < 0.7 ? 'VN' : 'XX', relation: r() < 0.85 ? 'CHILD' : 'SIBLING' };
  });
  const forms = [...new Set([FORMS(r()), ...(r() < 0.2 ? [FORMS(r())] : [])])];
  return {
    channel: CHANNELS(r()),
    receivedAt: received.toISOString(),
    provinceCode: opts.provinceCode,
    ...(r() < 0.5 ? { communeCode: String(10000 + Math.floor(r() * 89999)) } : {}),
    exploitationForms: forms,
    destinationCountry: COUNTRY(r()),
    ...(r() < 0.7 ? { summary: pick(SUMMARIES, r()) } : {}),
    victim,
    accompanyingMinors,
  } as unknown as CreateCaseDto;
}
