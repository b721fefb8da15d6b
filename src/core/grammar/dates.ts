import * as chrono from "chrono-node";
import { localDay } from "../../domain/rules/time.ts";

/** Today's calendar day (YYYY-MM-DD) in a time zone (one formatter per zone: every request asks). */
export function todayIn(timeZone: string, now: Date): string {
  return localDay(now, timeZone);
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function valid(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** Minutes east of UTC of a time zone at an instant (chrono wants an offset). */
function offsetMinutes(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  return Math.round((local - Math.floor(at.getTime() / 60000) * 60000) / 60000);
}

/**
 * Reads a calendar day: ISO (2026-12-31), German (31.12.2026), US (12/31/2026), or natural
 * language in English or German ("next friday", "in 2 weeks", "nächsten Freitag", "morgen"),
 * relative to `now` in the given time zone. Returns YYYY-MM-DD, or null when it is no date.
 *
 * Weekdays follow chrono-node: "friday", "this friday", "Freitag", "kommenden Freitag" are the
 * coming Friday (today if it is Friday); "next friday", "nächsten Freitag" are the Friday of next
 * week (Monday to Sunday), so on Tue 1 Dec 2026 "next friday" is Fri 11 Dec, not Fri 4 Dec. Both
 * readings are common in either language: confirmations always show the day with its weekday.
 */
export function parseDay(text: string, timeZone: string, now: Date): string | null {
  const s = text.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) return valid(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})$/.exec(s);
  if (m) return valid(Number(m[3]!.length === 2 ? `20${m[3]}` : m[3]), Number(m[2]), Number(m[1]));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (m) return valid(Number(m[3]), Number(m[1]), Number(m[2]));
  if (/^[\d./-]+$/.test(s)) return null;
  const reference = { instant: now, timezone: offsetMinutes(timeZone, now) };
  // chrono does not know "kommenden Freitag" (the coming Friday), which is plain "Freitag".
  const german = s.replace(/^kommende[nrs]?\s+/i, "");
  const options = { forwardDate: true };
  const english = chrono.en.parse(s, reference, options)[0];
  const [result, read] = english ? [english, s] : [chrono.de.parse(german, reference, options)[0], german];
  // The whole text must be the date: "next friday" yes, "next friday or so" no.
  if (!result || result.text.trim().length < read.length - 1) return null;
  return valid(result.start.get("year")!, result.start.get("month")!, result.start.get("day")!);
}
