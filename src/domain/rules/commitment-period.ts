import { addDays, daysBetween } from "./time.ts";

/**
 * The periods of a contract's volume commitments, on ISO days (YYYY-MM-DD). One definition for the
 * check rule (contract-commitment.ts) and `contract show`, so both speak of the same period.
 *
 * Periods run from the contract's start in steps of one, three or twelve months: a YEAR commitment
 * on a contract starting 1 April runs 1 April to 31 March, then again from the anniversary; a
 * MONTH commitment from 31 January runs to 27 February, then from 28 February (month ends are
 * clamped, and each period start is counted from the contract's start, so they never drift).
 * The contract's end cuts the last period short.
 */

export type CommitmentPeriodKind = "MONTH" | "QUARTER" | "YEAR";

export const PERIOD_MONTHS: Record<CommitmentPeriodKind, number> = { MONTH: 1, QUARTER: 3, YEAR: 12 };

export interface CommitmentWindow {
  /** First day of the period. */
  start: string;
  /** Last day of the period (inclusive), cut to the contract's end. */
  end: string;
  /** Length in days of the whole period, uncut: the quantity is committed per this many days. */
  fullDays: number;
}

/** An ISO day plus whole months, the day clamped to the end of a shorter month (31 Jan + 1 → 28 Feb). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(Math.min(d, last)).padStart(2, "0")}`;
}

/**
 * The period containing `day`. A day before the contract's start gives the first period, a day
 * after its end the last one.
 */
export function commitmentWindow(contractStartsOn: string, contractEndsOn: string, period: CommitmentPeriodKind, day: string): CommitmentWindow {
  const step = PERIOD_MONTHS[period];
  const at = day < contractStartsOn ? contractStartsOn : day > contractEndsOn ? contractEndsOn : day;
  const [sy, sm] = contractStartsOn.split("-").map(Number) as [number, number];
  const [ay, am] = at.split("-").map(Number) as [number, number];
  // A first guess from the months between, corrected by at most one step either way.
  let k = Math.max(0, Math.floor(((ay - sy) * 12 + (am - sm)) / step));
  while (k > 0 && addMonths(contractStartsOn, k * step) > at) k--;
  while (addMonths(contractStartsOn, (k + 1) * step) <= at) k++;
  const start = addMonths(contractStartsOn, k * step);
  const next = addMonths(contractStartsOn, (k + 1) * step);
  const fullEnd = addDays(next, -1);
  return { start, end: fullEnd > contractEndsOn ? contractEndsOn : fullEnd, fullDays: daysBetween(start, next) };
}

/**
 * What should have been ordered by the end of `day`: the committed quantity pro rata of the days
 * of the period elapsed (`day` included) over the whole period's days. `share` is the elapsed part
 * of the period as cut by the contract's end.
 */
export function expectedSoFar(quantity: number, window: CommitmentWindow, day: string): { target: number; share: number } {
  const elapsed = Math.min(Math.max(daysBetween(window.start, day) + 1, 0), daysBetween(window.start, window.end) + 1);
  return { target: (quantity * elapsed) / window.fullDays, share: elapsed / (daysBetween(window.start, window.end) + 1) };
}
