import { addDays, localClock, localDay } from "./time.ts";

/**
 * The day a training is reminded on: the last working day before its local day, in the
 * organization's time zone (ISO weekdays, 1 = Monday … 7 = Sunday): with Monday to Friday, a Monday
 * training is reminded on the Friday before, a Wednesday one on Tuesday. Calendar days, so a DST
 * change in between needs no care.
 */
export function trainingReminderDay(startsAt: Date, timeZone: string, workingDays: number[]): string {
  const days = workingDays.length ? workingDays : [1, 2, 3, 4, 5, 6, 7];
  const trainingDay = localDay(startsAt, timeZone);
  let day = addDays(trainingDay, -1);
  for (let i = 0; i < 7 && !days.includes(isoWeekday(day)); i++) day = addDays(day, -1);
  return day;
}

function isoWeekday(day: string): number {
  // Noon UTC of the day is that day in every zone's weekday arithmetic: only the weekday is read.
  return localClock(new Date(`${day}T12:00:00Z`), "UTC").weekday;
}

/**
 * Whether a planned training is to be reminded as of `now`: from its reminder day on (a run after
 * downtime catches up), until it starts.
 */
export function trainingReminderDue(startsAt: Date, now: Date, timeZone: string, workingDays: number[]): boolean {
  if (startsAt <= now) return false;
  return localDay(now, timeZone) >= trainingReminderDay(startsAt, timeZone, workingDays);
}
