import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import type { Locale } from "../../src/core/i18n/index.ts";
import { trainingReminderReply } from "../../src/core/messages/training-reminder.ts";
import type { Reply } from "../../src/core/reply.ts";

/** The training commands' invocations for every-reply (one locale's run), numbered from the org's counter. */
export async function trainingInvocations(db: PrismaClient, organizationId: string, locale: Locale) {
  const L = locale.toUpperCase();
  const counter = await db.counter.findUnique({ where: { organizationId_kind: { organizationId, kind: "training" } } });
  const n = counter?.value ?? 0;
  const [first, second, third] = [`T-${n + 1}`, `T-${n + 2}`, `T-${n + 3}`];
  return [
    { name: "training.plan", command: "training.plan", text: `training plan ACME "Schulung <b>*${L}*</b>" on 2026-11-30 10:00 for 12 people trainer "Anna Becker" at "Werk _2_"` },
    { name: "training.plan.online", command: "training.plan", text: `training plan ACME "Online ${L}" on 2026-12-10 14:00 online products GLOVE-NIT` },
    { name: "training.plan.third", command: "training.plan", text: `training plan ACME "Dropped ${L}" on 2026-12-12 10:00` },
    { name: "training.plan.form", command: "training.plan", text: "training plan" },
    { name: "training.plan.past", command: "training.plan", text: "training plan ACME Intro on 2026-11-01 10:00", refusal: true },
    { name: "training.plan.form-error", command: "training.plan", form: { id: "training.plan", values: { account: "", topic: "", date: "" } }, refusal: true },
    { name: "training.list", command: "training.list", text: "training list ACME" },
    { name: "training.list.past", command: "training.list", text: "training list past" },
    { name: "training.show", command: "training.show", text: `training show ${first}` },
    { name: "training.move", command: "training.move", text: `training move ${second} to 2026-12-11 15:00` },
    { name: "training.move.form", command: "training.move", text: `training move ${second}` },
    { name: "training.done", command: "training.done", text: `training done ${second} attended 9 rating 4 *good* questions` },
    { name: "training.done.rating", command: "training.done", text: `training done ${first} rating 9`, refusal: true },
    { name: "training.cancel", command: "training.cancel", text: `training cancel ${third} customer <postponed>` },
    { name: "account.show.trainings", command: "account.show", text: "account show ACME" },
    { name: "history.training", command: "history", text: `history ${second}` },
  ];
}

/** A training reminder as the outbox renders it, in one locale. */
export function trainingReminderSample(locale: Locale, timeZone: string, mentionMemberId: string): Reply {
  return trainingReminderReply(
    { kind: "training", accountName: "ACME <Holding>", number: 7, topic: "SAP *basics* <b>", startsAt: "2026-11-30T09:00:00.000Z", trainerName: "Anna Becker", online: false, place: "Werk 2", people: 12, mentionMemberIds: [mentionMemberId], offline: false },
    locale,
    timeZone,
  );
}
