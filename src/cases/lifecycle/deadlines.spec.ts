import { calendarDeadline, DEFAULT_HOLIDAYS, isOverdue, localDate, workingDayDeadline } from './deadlines';

const noHolidays = new Set<string>();

describe('deadlines (Asia/Ho_Chi_Minh)', () => {
  it('uses the local date: 23:30 in Hà Nội is already the next day in UTC terms', () => {
    expect(localDate(new Date('2026-11-20T16:30:00Z'))).toBe('2026-11-20'); // 23:30 local Friday
    expect(localDate(new Date('2026-11-20T17:30:00Z'))).toBe('2026-11-21'); // 00:30 local Saturday
  });

  it('initial verification: 3 calendar days from reception, weekends included', () => {
    expect(calendarDeadline(new Date('2026-11-20T02:00:00Z'), 3)).toBe('2026-11-23');
    expect(calendarDeadline(new Date('2026-12-30T10:00:00Z'), 3)).toBe('2027-01-02');
  });

  it('applications: 9 working days skip Saturdays and Sundays; the day of submission does not count', () => {
    // Friday 20 Nov 2026 → Mon 23 … Fri 27 (5), Mon 30 (6), Tue 1 (7), Wed 2 (8), Thu 3 Dec (9)
    expect(workingDayDeadline(new Date('2026-11-20T03:00:00Z'), 9, noHolidays)).toBe('2026-12-03');
    // Submitted on a Saturday: counting starts Monday.
    expect(workingDayDeadline(new Date('2026-11-21T03:00:00Z'), 9, noHolidays)).toBe('2026-12-03');
    // Submitted Saturday 00:30 local (Friday 17:30 UTC) counts as Saturday, not Friday.
    expect(workingDayDeadline(new Date('2026-11-20T17:30:00Z'), 1, noHolidays)).toBe('2026-11-23');
  });

  it('applications skip configured holidays (a holiday on a weekday moves the due date)', () => {
    expect(workingDayDeadline(new Date('2026-11-20T03:00:00Z'), 9, new Set(['2026-11-25']))).toBe('2026-12-04');
    // Around National Day 2026 (1–2 Sep are holidays): submitted Mon 31 Aug → 1 working day = Thu 3 Sep.
    expect(workingDayDeadline(new Date('2026-08-31T03:00:00Z'), 1, new Set(DEFAULT_HOLIDAYS))).toBe('2026-09-03');
    // Tết 2026 (14–22 Feb): submitted Fri 13 Feb → first working day Mon 23 Feb.
    expect(workingDayDeadline(new Date('2026-02-13T03:00:00Z'), 1, new Set(DEFAULT_HOLIDAYS))).toBe('2026-02-23');
  });

  it('is overdue only after the end of the due day (local)', () => {
    expect(isOverdue('2026-11-23', new Date('2026-11-23T16:59:00Z'))).toBe(false); // 23:59 local
    expect(isOverdue('2026-11-23', new Date('2026-11-23T17:00:00Z'))).toBe(true); // 00:00 local next day
  });
});
