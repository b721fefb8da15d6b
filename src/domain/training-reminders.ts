import type { PrismaClient } from "../generated/prisma/client.ts";
import type { AnnouncedItem, ReminderRunSummary, RunOptions } from "./checks.ts";
import { NotFoundError } from "./errors.ts";
import { announcing, deliverAt, directTarget, enqueue, loadDirectory, mentionsFor, type Directory, type OutboxRow, type QuietRules, type Target } from "./notifications.ts";
import { trainingReminderDay, trainingReminderDue } from "./rules/training-due.ts";
import { inTransaction } from "./tx.ts";

/** A training reminder as the outbox keeps it: rendered at delivery in the reader's language and zone. */
export interface TrainingAnnouncement {
  kind: "training";
  accountName: string;
  number: number;
  topic: string;
  /** ISO instant. */
  startsAt: string;
  trainerName?: string;
  online: boolean;
  place?: string;
  people?: number;
  mentionMemberIds: string[];
  offline: boolean;
}

/** Reminders look this far ahead: the reminder day is at most a week before the training. */
const LOOKAHEAD_MS = 9 * 86_400_000;

export function trainingReminderKey(training: { id: string; startsAt: Date }): string {
  return `training.reminder:${training.id}:${training.startsAt.toISOString()}`;
}

/**
 * The training reminders due as of `now`: each planned training once per start (moving it forgets
 * the reminder sent, see moveTraining), from its reminder day (the working day before) until it
 * starts. One message per training in each of the account's channels, mentioning the trainer (else
 * the account managers); also in the trainer's direct chat when they chose direct delivery.
 * Without a channel it goes to the trainer (else the managers) directly. A muted account's
 * reminders wait until the mute ends. State and outbox rows are written in one transaction.
 */
export async function runTrainingReminders(db: PrismaClient, organizationId: string, options: RunOptions): Promise<ReminderRunSummary> {
  const org = await db.organization.findUnique({ where: { id: organizationId } });
  if (!org) throw new NotFoundError("organization", organizationId);
  const now = options.now;
  const quiet: QuietRules = { timeZone: org.timeZone, quietStartHour: org.quietStartHour, quietEndHour: org.quietEndHour, workingDays: org.workingDays };
  const sendAt = (timeZone: string | null) => deliverAt(now, { ...quiet, timeZone: timeZone ?? org.timeZone });

  return inTransaction(db, async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`kam:training-reminders:${organizationId}`}, 0))`;
    const candidates = await tx.training.findMany({
      where: {
        organizationId,
        status: "PLANNED",
        startsAt: { gt: now, lte: new Date(now.getTime() + LOOKAHEAD_MS) },
        account: { archivedAt: null },
        ...(options.accountId ? { accountId: options.accountId } : {}),
      },
      orderBy: [{ startsAt: "asc" }, { number: "asc" }],
    });
    const wanted = candidates.filter((t) => trainingReminderDue(t.startsAt, now, org.timeZone, org.workingDays));
    const keys = wanted.map(trainingReminderKey);
    const sent = keys.length ? await tx.reminderLog.findMany({ where: { organizationId, dedupeKey: { in: keys } }, select: { dedupeKey: true } }) : [];
    const already = new Set(sent.map((s) => s.dedupeKey));
    const due = wanted.filter((t) => !already.has(trainingReminderKey(t)));
    const dir = due.length
      ? await loadDirectory(tx, organizationId, [...new Set(due.map((t) => t.accountId))], due.flatMap((t) => (t.trainerId ? [t.trainerId] : [])))
      : ({ accounts: new Map(), members: new Map() } as Directory);

    const rows: OutboxRow[] = [];
    const announced: AnnouncedItem[] = [];
    const dueItems: ReminderRunSummary["dueItems"] = [];
    const logged: typeof due = [];
    let muted = 0;
    for (const t of due) {
      const account = dir.accounts.get(t.accountId);
      if (!account) continue;
      const item: AnnouncedItem = {
        accountId: t.accountId,
        accountName: account.name,
        rule: "training.reminder",
        severity: "INFO",
        ref: `T-${t.number}`,
        // Rendered by findingText (scheduler namespace, falling back to trainings): `kam jobs run reminders`.
        message: "training.reminderDue",
        params: { number: t.number, topic: t.topic, dueAt: t.startsAt.toISOString() },
      };
      const stage = trainingReminderDay(t.startsAt, org.timeZone, org.workingDays);
      if (account.mutedUntil && account.mutedUntil > now) {
        muted++;
        dueItems.push({ ...item, stage, delivery: "muted", to: [] });
        continue;
      }
      const trainer = t.trainerId ? dir.members.get(t.trainerId) : undefined;
      const mentionIds = trainer ? [trainer.id] : account.managerIds;
      const announcement: TrainingAnnouncement = {
        kind: "training",
        accountName: account.name,
        number: t.number,
        topic: t.topic,
        startsAt: t.startsAt.toISOString(),
        ...(trainer ? { trainerName: trainer.displayName } : {}),
        online: t.online,
        ...(t.place ? { place: t.place } : {}),
        ...(t.people !== null ? { people: t.people } : {}),
        mentionMemberIds: mentionIds,
        offline: options.offline ?? false,
      };
      const targets: { target: Target; memberId?: string; timeZone: string | null }[] = account.channels.map((target) => ({ target, timeZone: null }));
      if (targets.length === 0) {
        for (const id of mentionIds) {
          const target = directTarget(dir.members.get(id));
          if (target) targets.push({ target, memberId: id, timeZone: dir.members.get(id)!.timeZone });
        }
      } else if (trainer?.deliverVia === "DIRECT") {
        const target = directTarget(trainer);
        if (target) targets.push({ target, memberId: trainer.id, timeZone: trainer.timeZone });
      }
      for (const { target, memberId, timeZone } of targets) {
        rows.push({
          organizationId,
          dedupeKey: `training:${organizationId}:${t.id}:${t.startsAt.toISOString()}:${target.platform}:${target.target}`,
          accountId: t.accountId,
          message: announcing(organizationId, target, announcement, memberId ? [] : mentionsFor(dir, mentionIds, target.platform), memberId),
          notBefore: sendAt(timeZone),
        });
      }
      const to = targets.map((x) => `${x.target.platform} ${x.target.target}`);
      dueItems.push({ ...item, stage, delivery: targets.length ? "sent" : "nowhere", to });
      if (targets.length) {
        logged.push(t);
        announced.push(item);
      }
    }
    const written = await enqueue(tx, rows);
    if (logged.length) {
      await tx.reminderLog.createMany({
        data: logged.map((t) => ({ organizationId, dedupeKey: trainingReminderKey(t), accountId: t.accountId, subjectType: "Training", subjectId: t.id, sentAt: now })),
        skipDuplicates: true,
      });
    }
    return { organizationId, due: due.length, dueItems, announced, muted, notifications: written };
  });
}

/** The milestone and training reminders of one run as one summary (what `kam jobs run reminders` prints). */
export function withTrainingReminders(milestones: ReminderRunSummary, trainings: ReminderRunSummary): ReminderRunSummary {
  return {
    organizationId: milestones.organizationId,
    due: milestones.due + trainings.due,
    dueItems: [...milestones.dueItems, ...trainings.dueItems],
    announced: [...milestones.announced, ...trainings.announced],
    muted: milestones.muted + trainings.muted,
    notifications: milestones.notifications + trainings.notifications,
  };
}
