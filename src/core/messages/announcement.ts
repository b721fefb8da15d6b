import type { Announcement } from "../../domain/notifications.ts";
import type { Locale } from "../i18n/index.ts";
import type { Reply } from "../reply.ts";
import { alertSummaryReply } from "./alert-summary.ts";
import { alertsReply } from "./alerts.ts";
import { remindersReply } from "./reminders.ts";
import { trainingReminderReply } from "./training-reminder.ts";

/** An outbox announcement as a reply, in the reader's language and time zone (rendered at delivery). */
export function announcementReply(announcement: Announcement, locale: Locale, timeZone: string): Reply {
  if (announcement.kind === "alerts") return alertsReply(announcement, locale, timeZone);
  if (announcement.kind === "alertSummary") return alertSummaryReply(announcement, locale, timeZone);
  if (announcement.kind === "training") return trainingReminderReply(announcement, locale, timeZone);
  const { kind: _kind, ...input } = announcement;
  return remindersReply(input, locale, timeZone);
}
