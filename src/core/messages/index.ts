/** Replies of the scheduler's messages: alerts, reminders, the digest and the flag commands. */
export { alertsReply, flagButtons, type AlertItem } from "./alerts.ts";
export { announcementReply } from "./announcement.ts";
export { remindersReply, type ReminderItem } from "./reminders.ts";
export { digestReply } from "./digest.ts";
export { flagsReply, flagReply, flagChangedReply } from "./flags.ts";
export { findingText, formatParams, messageContext } from "./format.ts";
