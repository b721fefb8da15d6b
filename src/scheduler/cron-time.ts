import { nodeCron } from "../domain/node-cron.ts";

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
    const f = nodeCron().parse(expression);
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

interface LocalParts {
  minute: number;
  hour: number;
  day: number;
  month: number;
  weekday: number;
}

function localParts(timeZone: string, instant: Date): LocalParts {
  const parts = formatter(timeZone).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { minute: Number(get("minute")), hour: Number(get("hour")), day: Number(get("day")), month: Number(get("month")), weekday: WEEKDAYS.indexOf(get("weekday")) };
}

function hourMatches(m: Matcher, p: LocalParts): boolean {
  return m.hour.has(p.hour) && m.dayOfMonth.has(p.day) && m.month.has(p.month) && m.dayOfWeek.has(p.weekday);
}

export function matches(expression: string, timeZone: string, instant: Date): boolean {
  const m = matcher(expression);
  const p = localParts(timeZone, instant);
  return m.minute.has(p.minute) && hourMatches(m, p);
}

const MINUTE = 60_000;
const QUARTER = 15 * MINUTE;

/**
 * Scans minute by minute, but skips whole quarter-hours whose local hour and day do not match:
 * every zone's offset is a multiple of 15 minutes, so within a UTC-aligned quarter-hour the local
 * hour and day are constant.
 */
function scan(expression: string, timeZone: string, from: number, to: number, step: 1 | -1): Date | null {
  const m = matcher(expression);
  let t = from;
  while (step > 0 ? t <= to : t >= to) {
    const quarterStart = Math.floor(t / QUARTER) * QUARTER;
    const p = localParts(timeZone, new Date(quarterStart));
    const edge = step > 0 ? quarterStart + QUARTER - MINUTE : quarterStart;
    if (hourMatches(m, p)) {
      for (; step > 0 ? t <= edge : t >= edge; t += step * MINUTE) {
        const minute = (p.minute + Math.round((t - quarterStart) / MINUTE)) % 60;
        if (m.minute.has(minute) && (step > 0 ? t <= to : t >= to)) return new Date(t);
      }
    }
    t = step > 0 ? quarterStart + QUARTER : quarterStart - MINUTE;
  }
  return null;
}

/** The latest fire time at or before `now`, looking back at most `withinMs`. */
export function previousFire(expression: string, timeZone: string, now: Date, withinMs = 8 * 86_400_000): Date | null {
  const start = Math.floor(now.getTime() / MINUTE) * MINUTE;
  return scan(expression, timeZone, start, now.getTime() - withinMs, -1);
}

/** The first fire time after `now`, looking ahead at most `withinMs`. */
export function nextFire(expression: string, timeZone: string, now: Date, withinMs = 32 * 86_400_000): Date | null {
  const start = Math.floor(now.getTime() / MINUTE) * MINUTE + MINUTE;
  return scan(expression, timeZone, start, now.getTime() + withinMs, 1);
}

export function isValidCron(expression: string): boolean {
  try {
    return nodeCron().validate(expression) && expression.trim().split(/\s+/).length === 5;
  } catch {
    return false;
  }
}
