/**
 * The 34 provincial-level units in force since 1 July 2025 (Resolution 202/2025/QH15), with their official
 * 2-digit codes (Decision 19/2025/QĐ-TTg). Merged provinces kept the code of the unit holding the new seat.
 */
export interface Province {
  code: string;
  vi: string;
  en: string;
}

export const PROVINCES: readonly Province[] = [
  { code: '01', vi: 'Thành phố Hà Nội', en: 'Ha Noi City' },
  { code: '04', vi: 'Tỉnh Cao Bằng', en: 'Cao Bang Province' },
  { code: '08', vi: 'Tỉnh Tuyên Quang', en: 'Tuyen Quang Province' },
  { code: '11', vi: 'Tỉnh Điện Biên', en: 'Dien Bien Province' },
  { code: '12', vi: 'Tỉnh Lai Châu', en: 'Lai Chau Province' },
  { code: '14', vi: 'Tỉnh Sơn La', en: 'Son La Province' },
  { code: '15', vi: 'Tỉnh Lào Cai', en: 'Lao Cai Province' },
  { code: '19', vi: 'Tỉnh Thái Nguyên', en: 'Thai Nguyen Province' },
  { code: '20', vi: 'Tỉnh Lạng Sơn', en: 'Lang Son Province' },
  { code: '22', vi: 'Tỉnh Quảng Ninh', en: 'Quang Ninh Province' },
  { code: '24', vi: 'Tỉnh Bắc Ninh', en: 'Bac Ninh Province' },
  { code: '25', vi: 'Tỉnh Phú Thọ', en: 'Phu Tho Province' },
  { code: '31', vi: 'Thành phố Hải Phòng', en: 'Hai Phong City' },
  { code: '33', vi: 'Tỉnh Hưng Yên', en: 'Hung Yen Province' },
  { code: '37', vi: 'Tỉnh Ninh Bình', en: 'Ninh Binh Province' },
  { code: '38', vi: 'Tỉnh Thanh Hóa', en: 'Thanh Hoa Province' },
  { code: '40', vi: 'Tỉnh Nghệ An', en: 'Nghe An Province' },
  { code: '42', vi: 'Tỉnh Hà Tĩnh', en: 'Ha Tinh Province' },
  { code: '44', vi: 'Tỉnh Quảng Trị', en: 'Quang Tri Province' },
  { code: '46', vi: 'Thành phố Huế', en: 'Hue City' },
  { code: '48', vi: 'Thành phố Đà Nẵng', en: 'Da Nang City' },
  { code: '51', vi: 'Tỉnh Quảng Ngãi', en: 'Quang Ngai Province' },
  { code: '52', vi: 'Tỉnh Gia Lai', en: 'Gia Lai Province' },
  { code: '56', vi: 'Tỉnh Khánh Hòa', en: 'Khanh Hoa Province' },
  { code: '66', vi: 'Tỉnh Đắk Lắk', en: 'Dak Lak Province' },
  { code: '68', vi: 'Tỉnh Lâm Đồng', en: 'Lam Dong Province' },
  { code: '75', vi: 'Tỉnh Đồng Nai', en: 'Dong Nai Province' },
  { code: '79', vi: 'Thành phố Hồ Chí Minh', en: 'Ho Chi Minh City' },
  { code: '80', vi: 'Tỉnh Tây Ninh', en: 'Tay Ninh Province' },
  { code: '82', vi: 'Tỉnh Đồng Tháp', en: 'Dong Thap Province' },
  { code: '86', vi: 'Tỉnh Vĩnh Long', en: 'Vinh Long Province' },
  { code: '91', vi: 'Tỉnh An Giang', en: 'An Giang Province' },
  { code: '92', vi: 'Thành phố Cần Thơ', en: 'Can Tho City' },
  { code: '96', vi: 'Tỉnh Cà Mau', en: 'Ca Mau Province' },
];

export const PROVINCE_CODES: readonly string[] = PROVINCES.map((p) => p.code);
