import cron from "node-cron";

/**
 * Fire times of a cron expression in a time zone, computed with node-cron's own parser, so that
 * `kam jobs list` and the catch-up after downtime agree with what node-cron schedules.
 * Minute by minute over real instants: a local time skipped by a DST change simply never fires,
 * a repeated one fires once per real instant, as node-cron does.
 */

interface Matcher {
  minute: Set<number>;
  hour: Set<number>;
  dayOfMonth: Set<number>;
  month: Set<number>;
  dayOfWeek: Set<number>;
}

const matchers = new Map<string, Matcher>();
const formatters = new Map<string, Intl.DateTimeFormat>();

function matcher(expression: string): Matcher {
  let m = matchers.get(expression);
  if (!m) {
    const f = cron.parse(expression);
    const nums = (xs: (number | string)[]) => new Set(xs.filter((x): x is number => typeof x === "number"));
    m = { minute: nums(f.minute), hour: nums(f.hour), dayOfMonth: nums(f.dayOfMonth), month: nums(f.month), dayOfWeek: new Set([...nums(f.dayOfWeek)].map((d) => d % 7)) };
    matchers.set(expression, m);
  }
  return m;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", weekday: "short" });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export function matches(expression: string, timeZone: string, instant: Date): boolean {
  const m = matcher(expression);
  const parts = formatter(timeZone).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return (
    m.minute.has(Number(get("minute"))) &&
    m.hour.has(Number(get("hour"))) &&
    m.dayOfMonth.has(Number(get("day"))) &&
    m.month.has(Number(get("month"))) &&
    m.dayOfWeek.has(WEEKDAYS.indexOf(get("weekday")))
  );
}

const MINUTE = 60_000;

/** The latest fire time at or before `now`, looking back at most `withinMs`. */
export function previousFire(expression: string, timeZone: string, now: Date, withinMs = 8 * 86_400_000): Date | null {
  const start = Math.floor(now.getTime() / MINUTE) * MINUTE;
  for (let t = start; t >= now.getTime() - withinMs; t -= MINUTE) {
    if (matches(expression, timeZone, new Date(t))) return new Date(t);
  }
  return null;
}

/** The first fire time after `now`, looking ahead at most `withinMs`. */
export function nextFire(expression: string, timeZone: string, now: Date, withinMs = 32 * 86_400_000): Date | null {
  const start = Math.floor(now.getTime() / MINUTE) * MINUTE + MINUTE;
  for (let t = start; t <= now.getTime() + withinMs; t += MINUTE) {
    if (matches(expression, timeZone, new Date(t))) return new Date(t);
  }
  return null;
}

export function isValidCron(expression: string): boolean {
  try {
    return cron.validate(expression) && expression.trim().split(/\s+/).length === 5;
  } catch {
    return false;
  }
}
