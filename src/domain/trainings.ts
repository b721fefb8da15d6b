import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { assertVersion, auditChange, diffFields } from "./changes.ts";
import { ConflictError, NotFoundError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { resolveAccount, resolveMember, resolveProduct } from "./references.ts";
import { audit, inTransaction, nextNumber, type Tx } from "./tx.ts";
import { registerUndo } from "./undo-registry.ts";
import { validate } from "./validate.ts";

/**
 * Trainings of a customer's end users (T-5): planned for an instant, then done (with how many came
 * and how they rated it) or cancelled. Moving a planned training forgets the reminder already sent
 * for its old date (ReminderLog), so the new date is reminded again.
 */

const TRAINING_NUMBER = /^(?:#|T-?)?(\d{1,9})$/i;
const TRAINING_FIELDS = ["startsAt", "status", "attended", "rating", "notes", "cancelReason", "doneAt", "cancelledAt"] as const;
const include = { account: true, trainer: true, products: { include: { product: true } } } as const;
const expectedVersion = z.number().int().min(1).optional();

export const MAX_PEOPLE = 100_000;
export const peopleCount = z.number().int().min(1).max(MAX_PEOPLE);
export const trainingRating = z.number().int().min(1).max(5);

export const planTrainingInput = z.object({
  account: limits.reference,
  topic: limits.shortText,
  startsAt: z.date(),
  people: peopleCount.optional(),
  trainer: limits.reference.optional(),
  online: z.boolean().default(false),
  place: limits.shortText.optional(),
  products: z.array(limits.reference).max(20).default([]),
});
export type PlanTrainingInput = z.input<typeof planTrainingInput>;

/** A training by kam's reference ("T-3", "#3", "3") or by the ERP's own reference it was imported with. */
export async function resolveTraining(tx: Tx, organizationId: string, ref: string) {
  const wanted = ref.trim();
  const m = TRAINING_NUMBER.exec(wanted);
  const byNumber = m ? await tx.training.findFirst({ where: { organizationId, number: Number(m[1]) } }) : null;
  if (byNumber) return byNumber;
  const external = wanted && wanted.length <= 60 ? await tx.training.findFirst({ where: { organizationId, externalRef: wanted } }) : null;
  if (external) return external;
  throw new NotFoundError("training", ref);
}

export async function planTraining(db: PrismaClient, actor: Actor, input: PlanTrainingInput) {
  const data = validate(planTrainingInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "account.write", account.id);
    const trainer = data.trainer ? await resolveMember(tx, actor.organizationId, data.trainer) : null;
    const products = [];
    for (const ref of data.products) products.push(await resolveProduct(tx, actor.organizationId, ref));
    const number = await nextNumber(tx, actor.organizationId, "training");
    const training = await tx.training.create({
      data: {
        organizationId: actor.organizationId,
        number,
        accountId: account.id,
        topic: data.topic,
        startsAt: data.startsAt,
        people: data.people ?? null,
        trainerId: trainer?.id ?? null,
        online: data.online,
        place: data.online ? null : (data.place ?? null),
        createdAt: actor.now,
        products: { create: [...new Map(products.map((p) => [p.id, p])).values()].map((p) => ({ productId: p.id })) },
      },
      include,
    });
    await audit(tx, actor, "training.create", "Training", training.id, {
      number,
      account: account.id,
      topic: data.topic,
      startsAt: data.startsAt.toISOString(),
      people: data.people,
      trainer: trainer?.id,
      online: data.online,
      place: training.place,
      products: training.products.map((p) => p.product.sku),
    });
    return training;
  });
}

export const showTrainingInput = z.object({ training: limits.reference });

export async function showTraining(db: PrismaClient, actor: Actor, input: z.input<typeof showTrainingInput>) {
  const data = validate(showTrainingInput, input);
  return inTransaction(db, async (tx) => {
    const found = await resolveTraining(tx, actor.organizationId, data.training);
    const training = await tx.training.findUniqueOrThrow({ where: { id: found.id }, include });
    const changes = await tx.auditEvent.count({ where: { organizationId: actor.organizationId, entityType: "Training", entityId: found.id } });
    return { training, changes };
  });
}

export const listTrainingsInput = z.object({
  account: limits.reference.optional(),
  scope: z.enum(["upcoming", "past"]).default("upcoming"),
  now: z.date(),
});

/**
 * Upcoming: planned trainings that have not started yet, soonest first. Past: what has started,
 * was done or was cancelled, latest first. At most 100.
 */
export async function listTrainings(db: PrismaClient, actor: Actor, input: z.input<typeof listTrainingsInput>) {
  const data = validate(listTrainingsInput, input);
  return inTransaction(db, async (tx) => {
    const account = data.account ? await resolveAccount(tx, actor.organizationId, data.account) : null;
    const where = { organizationId: actor.organizationId, ...(account ? { accountId: account.id } : { account: { archivedAt: null } }) };
    const upcoming = data.scope === "upcoming";
    return tx.training.findMany({
      where: upcoming
        ? { ...where, status: "PLANNED", startsAt: { gte: data.now } }
        : { ...where, OR: [{ status: { not: "PLANNED" } }, { startsAt: { lt: data.now } }] },
      include,
      orderBy: [{ startsAt: upcoming ? "asc" : "desc" }, { number: "asc" }],
      take: 100,
    });
  });
}

/** An account's planned trainings from now on (for `account show`). */
export async function upcomingTrainings(db: PrismaClient, organizationId: string, accountId: string, now: Date, take = 5) {
  return db.training.findMany({
    where: { organizationId, accountId, status: "PLANNED", startsAt: { gte: now } },
    include: { trainer: true },
    orderBy: [{ startsAt: "asc" }, { number: "asc" }],
    take,
  });
}

async function writableTraining(tx: Tx, actor: Actor, ref: string, expected: number | undefined) {
  const training = await resolveTraining(tx, actor.organizationId, ref);
  await requireAccount(tx, actor, "account.write", training.accountId);
  await assertVersion(tx, actor.organizationId, training, `T-${training.number}`, expected);
  return training;
}

type TrainingRow = Awaited<ReturnType<typeof writableTraining>>;
type TrainingFields = Pick<TrainingRow, (typeof TRAINING_FIELDS)[number]>;

async function changeTraining(tx: Tx, actor: Actor, action: string, training: TrainingRow, after: Partial<TrainingFields>, extra: Record<string, unknown> = {}) {
  const changes = diffFields<TrainingFields>(training, after, TRAINING_FIELDS);
  if (Object.keys(changes).length === 0) throw new ConflictError("lifecycle.unchanged", { ref: `T-${training.number}` });
  const updated = await tx.training.update({ where: { id: training.id }, data: { ...after, version: { increment: 1 } }, include });
  await auditChange(tx, actor, action, "Training", training.id, updated.version, changes, { number: training.number, ...extra });
  return updated;
}

function requirePlanned(training: TrainingRow) {
  if (training.status === "DONE") throw new ConflictError("training.alreadyDone", { ref: `T-${training.number}` });
  if (training.status === "CANCELLED") throw new ConflictError("training.alreadyCancelled", { ref: `T-${training.number}` });
}

export const completeTrainingInput = z.object({
  training: limits.reference,
  attended: z.number().int().min(0).max(MAX_PEOPLE).optional(),
  rating: trainingRating.optional(),
  notes: limits.longText.min(1).optional(),
  expectedVersion,
});

/** A planned training took place: how many came, their rating (1–5), notes. */
export async function completeTraining(db: PrismaClient, actor: Actor, input: z.input<typeof completeTrainingInput>) {
  const data = validate(completeTrainingInput, input);
  return inTransaction(db, async (tx) => {
    const training = await writableTraining(tx, actor, data.training, data.expectedVersion);
    requirePlanned(training);
    return changeTraining(tx, actor, "training.done", training, {
      status: "DONE",
      doneAt: actor.now,
      ...(data.attended !== undefined ? { attended: data.attended } : {}),
      ...(data.rating !== undefined ? { rating: data.rating } : {}),
      ...(data.notes !== undefined ? { notes: data.notes } : {}),
    });
  });
}

export const moveTrainingInput = z.object({ training: limits.reference, startsAt: z.date(), expectedVersion });

/** A new start for a planned training; its reminder is sent again for the new date. */
export async function moveTraining(db: PrismaClient, actor: Actor, input: z.input<typeof moveTrainingInput>) {
  const data = validate(moveTrainingInput, input);
  return inTransaction(db, async (tx) => {
    const training = await writableTraining(tx, actor, data.training, data.expectedVersion);
    requirePlanned(training);
    const previous = training.startsAt;
    const moved = await changeTraining(tx, actor, "training.move", training, { startsAt: data.startsAt });
    await tx.reminderLog.deleteMany({ where: { organizationId: actor.organizationId, subjectType: "Training", subjectId: training.id } });
    return { training: moved, previous };
  });
}

export const cancelTrainingInput = z.object({ training: limits.reference, reason: limits.shortText.optional(), expectedVersion });

/** A planned training will not take place: no reminder goes out for it. */
export async function cancelTraining(db: PrismaClient, actor: Actor, input: z.input<typeof cancelTrainingInput>) {
  const data = validate(cancelTrainingInput, input);
  return inTransaction(db, async (tx) => {
    const training = await writableTraining(tx, actor, data.training, data.expectedVersion);
    requirePlanned(training);
    return changeTraining(tx, actor, "training.cancel", training, { status: "CANCELLED", cancelledAt: actor.now, cancelReason: data.reason ?? null });
  });
}

// Undoing a move puts the old start back: its reminder is due again like any new date's.
registerUndo("training.move", async (tx, row) => {
  await tx.reminderLog.deleteMany({ where: { organizationId: String(row.organizationId), subjectType: "Training", subjectId: row.id } });
});
