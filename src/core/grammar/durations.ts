const UNITS: Record<string, number> = {
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000, minute_de: 60_000, minuten: 60_000,
  h: 3_600_000, hr: 3_600_000, hour: 3_600_000, hours: 3_600_000, std: 3_600_000, stunde: 3_600_000, stunden: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000, t: 86_400_000, tag: 86_400_000, tage: 86_400_000, tagen: 86_400_000,
  w: 604_800_000, wk: 604_800_000, week: 604_800_000, weeks: 604_800_000, woche: 604_800_000, wochen: 604_800_000,
};

/** "1d", "2 weeks", "3 Tage", "12h" → milliseconds (at most a year), or null. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,3})\s*([a-zäöü]+)$/i.exec(text.trim());
  if (!m) return null;
  const unit = UNITS[m[2]!.toLowerCase()];
  const count = Number(m[1]);
  if (!unit || count <= 0) return null;
  const ms = count * unit;
  return ms <= 366 * 86_400_000 ? ms : null;
}
