import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { assertVersion, auditChange, diffFields, type FieldChanges } from "./changes.ts";
import { ConflictError, InvalidInputError, NotFoundError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { requireWholeIfCounted } from "./products.ts";
import { recordNumber, resolveProduct } from "./references.ts";
import { addDays } from "./rules/time.ts";
import { inTransaction, type Tx } from "./tx.ts";
import { registerUndo } from "./undo-registry.ts";
import { validate } from "./validate.ts";
import { amountInput, minorIn } from "./amounts.ts";

const base = { contract: limits.reference, expectedVersion: z.number().int().min(1).optional() };

async function contractFor(tx: Tx, actor: Actor, ref: string, expectedVersion: number | undefined) {
  const contract = await tx.contract.findFirst({ where: { organizationId: actor.organizationId, number: await recordNumber(tx, "contract", actor.organizationId, ref) } });
  if (!contract) throw new NotFoundError("contract", ref);
  await requireAccount(tx, actor, "account.write", contract.accountId);
  await assertVersion(tx, actor.organizationId, contract, `K-${contract.number}`, expectedVersion);
  return contract;
}

const include = {
  account: true,
  prices: { include: { product: true }, orderBy: [{ product: { sku: "asc" as const } }, { validFrom: { sort: "asc" as const, nulls: "first" as const } }] },
  commitments: { include: { product: true }, orderBy: { product: { sku: "asc" as const } } },
};

async function writeScalars(tx: Tx, actor: Actor, action: string, contract: { id: string; endsOn: Date; noticeGivenOn: Date | null }, after: { endsOn?: Date; noticeGivenOn?: Date | null }, extra: Record<string, unknown> = {}) {
  const changes = diffFields(contract, after, ["endsOn", "noticeGivenOn"]);
  if (Object.keys(changes).length === 0) throw new InvalidInputError("contract", "error.nothingToChange");
  const updated = await tx.contract.update({ where: { id: contract.id }, data: { ...after, version: { increment: 1 } }, include });
  await auditChange(tx, actor, action, "Contract", contract.id, updated.version, changes, extra);
  return updated;
}

/** Extends a contract to a later end day; its notice check then counts from the new end. */
export async function renewContract(db: PrismaClient, actor: Actor, input: { contract: string; endsOn: string; expectedVersion?: number }) {
  const data = validate(z.object({ ...base, endsOn: limits.isoDay }), input);
  return inTransaction(db, async (tx) => {
    const contract = await contractFor(tx, actor, data.contract, data.expectedVersion);
    if (data.endsOn <= limits.dateToDay(contract.endsOn)) {
      throw new InvalidInputError("endsOn", "error.renewNotLater", { contract: `K-${contract.number}`, endsOn: limits.dateToDay(contract.endsOn) });
    }
    return writeScalars(tx, actor, "contract.renew", contract, { endsOn: limits.dayToDate(data.endsOn), noticeGivenOn: null });
  });
}

/** Ends a contract early (or on its end day), on a day within its term. */
export async function endContract(db: PrismaClient, actor: Actor, input: { contract: string; endsOn: string; expectedVersion?: number }) {
  const data = validate(z.object({ ...base, endsOn: limits.isoDay }), input);
  return inTransaction(db, async (tx) => {
    const contract = await contractFor(tx, actor, data.contract, data.expectedVersion);
    if (data.endsOn < limits.dateToDay(contract.startsOn)) throw new InvalidInputError("endsOn", "error.dateTooEarly", { min: limits.dateToDay(contract.startsOn) });
    if (data.endsOn > limits.dateToDay(contract.endsOn)) {
      throw new InvalidInputError("endsOn", "error.endAfterTerm", { contract: `K-${contract.number}`, endsOn: limits.dateToDay(contract.endsOn) });
    }
    return writeScalars(tx, actor, "contract.end", contract, { endsOn: limits.dayToDate(data.endsOn) });
  });
}

/** Records that notice was given on a day: the notice check stops warning about the contract. */
export async function giveNotice(db: PrismaClient, actor: Actor, input: { contract: string; givenOn: string; expectedVersion?: number }) {
  const data = validate(z.object({ ...base, givenOn: limits.isoDay }), input);
  return inTransaction(db, async (tx) => {
    const contract = await contractFor(tx, actor, data.contract, data.expectedVersion);
    if (contract.noticeGivenOn) {
      throw new ConflictError("error.noticeAlreadyGiven", { contract: `K-${contract.number}`, givenOn: limits.dateToDay(contract.noticeGivenOn) });
    }
    return writeScalars(tx, actor, "contract.notice", contract, { noticeGivenOn: limits.dayToDate(data.givenOn) });
  });
}

interface PriceSnapshot {
  productId: string;
  sku: string;
  priceMinor: number;
  validFrom: string | null;
  validTo: string | null;
}

interface CommitmentSnapshot {
  productId: string;
  sku: string;
  quantity: string;
  period: "MONTH" | "QUARTER" | "YEAR";
}

export const amendContractInput = z.object({
  ...base,
  price: amountInput.omit({ currency: true }).extend({ product: limits.reference, from: limits.isoDay.optional() }).optional(),
  /** quantity null: the contract no longer commits to that product in that period. */
  commitment: z.object({ product: limits.reference, quantity: limits.quantity.nullable(), period: z.enum(["MONTH", "QUARTER", "YEAR"]).default("YEAR") }).optional(),
});

/**
 * Changes a contract's price of one product from a day on (the price before stays in force up to
 * the day before, so older orders keep being checked against it), or sets a commitment. Without a
 * day, or from the contract's start, the new price replaces the product's price over the whole term.
 */
export async function amendContract(db: PrismaClient, actor: Actor, input: z.input<typeof amendContractInput>) {
  const data = validate(amendContractInput, input);
  if (!data.price === !data.commitment) throw new InvalidInputError("contract", "error.nothingToChange");
  return inTransaction(db, async (tx) => {
    const contract = await contractFor(tx, actor, data.contract, data.expectedVersion);
    const changes: FieldChanges = {};
    if (data.price) {
      const product = await resolveProduct(tx, actor.organizationId, data.price.product);
      const rows = await tx.contractPrice.findMany({ where: { contractId: contract.id, productId: product.id }, orderBy: { validFrom: { sort: "asc", nulls: "first" } } });
      const before: PriceSnapshot[] = rows.map((r) => ({
        productId: product.id, sku: product.sku, priceMinor: Number(r.priceMinor),
        validFrom: r.validFrom ? limits.dateToDay(r.validFrom) : null, validTo: r.validTo ? limits.dateToDay(r.validTo) : null,
      }));
      const startsOn = limits.dateToDay(contract.startsOn);
      const endsOn = limits.dateToDay(contract.endsOn);
      const from = data.price.from && data.price.from > startsOn ? data.price.from : null;
      const priceMinor = Number(minorIn(data.price, contract.currency, "price"));
      if (from && from > endsOn) throw new InvalidInputError("price.from", "error.endAfterTerm", { contract: `K-${contract.number}`, endsOn });
      const amended: PriceSnapshot[] = from
        ? [
            ...before
              .filter((p) => (p.validFrom ?? startsOn) < from)
              .map((p) => ({ ...p, validTo: p.validTo && p.validTo < from ? p.validTo : addDays(from, -1) })),
            { productId: product.id, sku: product.sku, priceMinor, validFrom: from, validTo: null },
          ]
        : [{ productId: product.id, sku: product.sku, priceMinor, validFrom: null, validTo: null }];
      // The same price again from a day on continues the one before: one period, not two.
      const after = amended.reduce<PriceSnapshot[]>((periods, p) => {
        const last = periods.at(-1);
        if (last && last.priceMinor === p.priceMinor) periods[periods.length - 1] = { ...last, validTo: p.validTo };
        else periods.push(p);
        return periods;
      }, []);
      if (JSON.stringify(before) === JSON.stringify(after)) throw new InvalidInputError("price", "error.nothingToChange");
      await writePrices(tx, contract.id, product.id, after);
      changes.prices = { before, after };
    }
    if (data.commitment) {
      const product = await resolveProduct(tx, actor.organizationId, data.commitment.product);
      const quantity = data.commitment.quantity;
      if (quantity !== null) requireWholeIfCounted(product, quantity, "commitment.quantity");
      const period = data.commitment.period;
      const rows = await tx.contractCommitment.findMany({ where: { contractId: contract.id, productId: product.id, period } });
      const before: CommitmentSnapshot[] = rows.map((r) => ({ productId: product.id, sku: product.sku, quantity: Number(r.quantity).toString(), period }));
      const after: CommitmentSnapshot[] = quantity === null ? [] : [{ productId: product.id, sku: product.sku, quantity: quantity.toString(), period }];
      if (JSON.stringify(before) === JSON.stringify(after)) throw new InvalidInputError("commitment", "error.nothingToChange");
      await writeCommitments(tx, contract.id, product.id, period, after);
      changes.commitments = { before, after };
    }
    const updated = await tx.contract.update({ where: { id: contract.id }, data: { version: { increment: 1 } }, include });
    await auditChange(tx, actor, "contract.amend", "Contract", contract.id, updated.version, changes, { currency: contract.currency });
    return updated;
  });
}

async function writePrices(tx: Tx, contractId: string, productId: string, prices: PriceSnapshot[]) {
  await tx.contractPrice.deleteMany({ where: { contractId, productId } });
  await tx.contractPrice.createMany({
    data: prices.map((p) => ({
      contractId, productId, priceMinor: BigInt(p.priceMinor),
      validFrom: p.validFrom ? limits.dayToDate(p.validFrom) : null, validTo: p.validTo ? limits.dayToDate(p.validTo) : null,
    })),
  });
}

async function writeCommitments(tx: Tx, contractId: string, productId: string, period: CommitmentSnapshot["period"], rows: CommitmentSnapshot[]) {
  await tx.contractCommitment.deleteMany({ where: { contractId, productId, period } });
  if (rows.length) await tx.contractCommitment.createMany({ data: rows.map((r) => ({ contractId, productId, period, quantity: Number(r.quantity).toFixed(3) })) });
}

registerUndo("contract.amend", async (tx, row, data) => {
  const prices = data.changes.prices as { before: PriceSnapshot[]; after: PriceSnapshot[] } | undefined;
  if (prices) await writePrices(tx, row.id, prices.after[0]!.productId, prices.before);
  const commitments = data.changes.commitments as { before: CommitmentSnapshot[]; after: CommitmentSnapshot[] } | undefined;
  const commitment = commitments?.after[0] ?? commitments?.before[0];
  if (commitment) await writeCommitments(tx, row.id, commitment.productId, commitment.period, commitments!.before);
});
