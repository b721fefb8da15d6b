/** Calendar-day arithmetic on ISO days (YYYY-MM-DD); instants are turned into days in a time zone. */

// Creating an Intl.DateTimeFormat costs far more than using one: one per zone and purpose.
const dayFormats = new Map<string, Intl.DateTimeFormat>();
const clockFormats = new Map<string, Intl.DateTimeFormat>();

function cached(cache: Map<string, Intl.DateTimeFormat>, timeZone: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = cache.get(timeZone);
  if (!f) {
    f = make();
    cache.set(timeZone, f);
  }
  return f;
}

/** The calendar day of an instant in an IANA time zone. */
export function localDay(instant: Date, timeZone: string): string {
  const parts = cached(dayFormats, timeZone, () => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Hour (0–23) and ISO weekday (1 = Monday … 7 = Sunday) of an instant in a time zone. */
export function localClock(instant: Date, timeZone: string): { hour: number; minute: number; weekday: number } {
  const parts = cached(clockFormats, timeZone, () => new Intl.DateTimeFormat("en-US", { timeZone, hour: "2-digit", minute: "2-digit", weekday: "short", hourCycle: "h23" })).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(get("weekday")) + 1;
  return { hour: Number(get("hour")), minute: Number(get("minute")), weekday };
}

const DAY_MS = 86_400_000;

// A sweep does this arithmetic on a few thousand distinct days a hundred thousand times: parsing and
// formatting once per day keeps the rules' share of a sweep small (bench/checks.ts).
const numbers = new Map<string, number>();
const days = new Map<number, string>();
const CACHE_LIMIT = 100_000;

export function dayNumber(day: string): number {
  let n = numbers.get(day);
  if (n === undefined) {
    n = Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
    if (numbers.size >= CACHE_LIMIT) numbers.clear();
    numbers.set(day, n);
  }
  return n;
}

export function addDays(day: string, count: number): string {
  const n = dayNumber(day) + count;
  let text = days.get(n);
  if (text === undefined) {
    text = new Date(n * DAY_MS).toISOString().slice(0, 10);
    if (days.size >= CACHE_LIMIT) days.clear();
    days.set(n, text);
  }
  return text;
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** A Date holding a calendar day (UTC midnight, as Prisma returns @db.Date) → YYYY-MM-DD. */
export function dateDay(date: Date | string): string {
  return typeof date === "string" ? date.slice(0, 10) : date.toISOString().slice(0, 10);
}
