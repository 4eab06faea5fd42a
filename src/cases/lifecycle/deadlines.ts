/**
 * Deadline arithmetic in Viet Nam's time zone (UTC+7 all year, no daylight saving). Calendar deadlines count
 * days from the local date of the start; working-day deadlines skip Saturdays, Sundays and configured holidays.
 * Results are local due dates (YYYY-MM-DD): the deadline ends at the end of that day.
 */
const VN_OFFSET_MS = 7 * 3600_000;

/** The local (Asia/Ho_Chi_Minh) calendar date of an instant. */
export function localDate(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

function addDaysToDate(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function isWeekend(date: string): boolean {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 || day === 6;
}

export function calendarDeadline(start: Date, days: number): string {
  return addDaysToDate(localDate(start), days);
}

/** The n-th working day after the local date of `start` (the day of submission does not count). */
export function workingDayDeadline(start: Date, workingDays: number, holidays: ReadonlySet<string>): string {
  let date = localDate(start);
  let counted = 0;
  while (counted < workingDays) {
    date = addDaysToDate(date, 1);
    if (!isWeekend(date) && !holidays.has(date)) counted += 1;
  }
  return date;
}

/** Overdue when the local date now is after the due date. */
export function isOverdue(dueDate: string, now: Date): boolean {
  return localDate(now) > dueDate;
}

/**
 * Default public holidays (Labour Code 2019 Art. 112, as announced for 2025–2026, including the Tết and
 * National Day bridges). Operators replace or extend them with PUBLIC_HOLIDAYS.
 */
export const DEFAULT_HOLIDAYS = [
  '2025-01-01', '2025-01-25', '2025-01-26', '2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02',
  '2025-04-07', '2025-04-30', '2025-05-01', '2025-05-02', '2025-09-01', '2025-09-02',
  '2026-01-01', '2026-02-14', '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22',
  '2026-04-27', '2026-04-30', '2026-05-01', '2026-09-01', '2026-09-02',
];
