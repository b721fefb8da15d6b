import { localDay } from "../rules/time.ts";

/**
 * A canonical date-time (ISO, with an offset or `Z`, or without one: a wall-clock time in the
 * organization's time zone) as an instant.
 */
export function parseInstant(text: string, timeZone: string): Date {
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) return new Date(text);
  const wall = Date.parse(`${text.length === 16 ? `${text}:00` : text}Z`);
  // The zone's offset at the guessed instant, then once more at the corrected one (DST edges).
  let instant = wall - offsetAt(wall, timeZone);
  instant = wall - offsetAt(instant, timeZone);
  return new Date(instant);
}

/**
 * The first instant of a calendar day in a time zone: what kam stores for an order dated a day, so
 * that its day is that day where the organization is (the checks and every view read it there).
 */
export function startOfDay(day: string, timeZone: string): Date {
  return parseInstant(`${day}T00:00`, timeZone);
}

/**
 * The instant a file's day stands for, where the organization is: a record's own instant when it
 * falls on that day (an order logged in chat at 14:23 keeps its time), else the day's first instant.
 */
export function instantOfDay(day: string, timeZone: string, kept: Date | null | undefined): Date {
  return kept && localDay(kept, timeZone) === day ? kept : startOfDay(day, timeZone);
}

const formats = new Map<string, Intl.DateTimeFormat>();

function offsetAt(instant: number, timeZone: string): number {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    formats.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(instant / 1000) * 1000;
}
