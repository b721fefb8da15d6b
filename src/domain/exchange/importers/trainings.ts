import { auditChange, diffFields } from "../../changes.ts";
import { InvalidInputError } from "../../errors.ts";
import type { TrainingStatus } from "../../../generated/prisma/enums.ts";
import { resolveMember } from "../../references.ts";
import { audit, nextNumber } from "../../tx.ts";
import { existingRecord, givenOrKept, inField, kamNumber, onLine, record, recordKey, type ImportContext, type Row } from "../context.ts";
import { parseInstant } from "../instants.ts";
import type { CanonicalRow } from "../kinds.ts";
import { AccountLookup, ProductLookup } from "../lookups.ts";

const FIELDS = ["accountId", "topic", "startsAt", "people", "trainerId", "online", "place", "status", "attended", "rating", "notes"] as const;
/** A `place` cell saying the training is online. */
export const ONLINE_PLACE = "online";

/**
 * Trainings by their ERP or LMS reference (`training`), or by kam's `T-5` for trainings exported
 * from chat. `place` `online` is an online training; `products` lists SKUs separated by spaces.
 * A row's status `done` or `cancelled` marks the training so (done at its start when imported).
 */
export async function importTrainings(ctx: ImportContext, rows: Row<CanonicalRow<"trainings">>[]): Promise<void> {
  const { tx, actor } = ctx;
  const organizationId = actor.organizationId;
  const accounts = new AccountLookup(ctx);
  const products = new ProductLookup(ctx);
  const refs = rows.map((r) => r.values.training);
  const numbers = refs.map((r) => kamNumber(r, "T")).filter((n) => n !== null);
  const existing = new Map(
    (await tx.training.findMany({
      where: { organizationId, OR: [{ externalRef: { in: refs } }, { number: { in: numbers }, externalRef: null }] },
      include: { products: { include: { product: true } } },
    })).map((t) => [t.externalRef ?? `T-${t.number}`, t]),
  );
  const members = new Map<string, string>();
  const seen = new Map<string, number>();
  for (const { line, values } of rows) {
    await onLine(ctx, line, undefined, async () => {
      const key = recordKey(values.training, "T");
      const first = seen.get(key);
      if (first !== undefined) throw new InvalidInputError("training", "import.duplicateRow", { first });
      seen.set(key, line);
      const account = await inField("account", accounts.resolve(values.account));
      const found = existingRecord(existing, values.training, "T", "training");
      if (found) await accounts.requireMove(found, account, "training", values.training);
      // Columns the file does not have leave an existing training's fields as they are (kinds.ts).
      let trainerId: string | null = values.trainer === undefined ? (found?.trainerId ?? null) : null;
      if (values.trainer) {
        trainerId = members.get(values.trainer) ?? (await inField("trainer", resolveMember(tx, organizationId, values.trainer))).id;
        members.set(values.trainer, trainerId);
      }
      const skus = values.products === undefined && found ? found.products.map((p) => p.product.sku)
        : [...new Set((values.products ?? "").split(/[\s,]+/).filter(Boolean))];
      const resolved = new Map<string, string>();
      for (const sku of skus) {
        const product = await inField("products", products.resolve(sku));
        resolved.set(product.id, product.sku);
      }
      const productIds = [...resolved.keys()];
      const online = values.place === undefined ? (found?.online ?? false) : values.place?.toLowerCase() === ONLINE_PLACE;
      const status = (values.status?.toUpperCase() ?? found?.status ?? "PLANNED") as TrainingStatus;
      const startsAt = parseInstant(values.starts_at, ctx.org.timeZone);
      const wanted = {
        accountId: account.id,
        topic: values.topic,
        startsAt,
        people: givenOrKept(values.people, found?.people),
        trainerId,
        online,
        place: online ? null : givenOrKept(values.place, found?.place),
        status,
        attended: givenOrKept(values.attended, found?.attended),
        rating: givenOrKept(values.rating, found?.rating),
        notes: givenOrKept(values.notes, found?.notes),
      };
      const marks = (before: TrainingStatus | null) => ({
        ...(status === "DONE" && before !== "DONE" ? { doneAt: startsAt } : {}),
        ...(status === "CANCELLED" && before !== "CANCELLED" ? { cancelledAt: actor.now } : {}),
      });
      if (!found) {
        const number = await nextNumber(tx, organizationId, "training");
        const created = await tx.training.create({
          data: { organizationId, number, externalRef: values.training, createdAt: actor.now, ...wanted, ...marks(null), products: { create: productIds.map((productId) => ({ productId })) } },
        });
        await audit(tx, actor, "training.import", "Training", created.id, { number, externalRef: values.training, ...wanted, startsAt: startsAt.toISOString(), products: [...resolved.values()] });
        record(ctx, line, `T-${number}`, "created");
        return;
      }
      const changes = diffFields(found, wanted, FIELDS);
      const before = found.products.map((p) => p.product.sku).sort();
      const after = [...resolved.values()].sort();
      const productsChanged = before.join(" ") !== after.join(" ");
      if (Object.keys(changes).length === 0 && !productsChanged) {
        record(ctx, line, `T-${found.number}`, "unchanged");
        return;
      }
      if (productsChanged) {
        await tx.trainingProduct.deleteMany({ where: { trainingId: found.id } });
        await tx.trainingProduct.createMany({ data: productIds.map((productId) => ({ trainingId: found.id, productId })), skipDuplicates: true });
      }
      const updated = await tx.training.update({ where: { id: found.id }, data: { ...wanted, ...marks(found.status), version: { increment: 1 } } });
      // Products are not a field undo can put back: a change of them is kept as context.
      await auditChange(tx, actor, "training.import", "Training", found.id, updated.version, changes, {
        externalRef: values.training,
        ...(productsChanged ? { products: { before: before.join(" "), after: after.join(" ") } } : {}),
      });
      if (startsAt.getTime() !== found.startsAt.getTime()) {
        await tx.reminderLog.deleteMany({ where: { organizationId, subjectType: "Training", subjectId: found.id } });
      }
      record(ctx, line, `T-${found.number}`, "changed");
    });
  }
}
