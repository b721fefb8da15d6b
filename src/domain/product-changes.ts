import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { assertVersion, auditChange, diffFields } from "./changes.ts";
import { ConflictError, InvalidInputError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireOrg } from "./permissions.ts";
import { addProductInput, listPriceOn } from "./products.ts";
import { resolveProduct } from "./references.ts";
import { inTransaction, type Tx } from "./tx.ts";
import { validate } from "./validate.ts";
import { amountInput, minorIn } from "./amounts.ts";

const PRODUCT_FIELDS = ["name", "unit", "listPriceMinor", "nextListPriceMinor", "nextPriceStartsOn", "retiredAt", "trainingRequired"] as const;
const expectedVersion = z.number().int().min(1).optional();

type ProductRow = Awaited<ReturnType<typeof resolveProduct>>;
type ProductFields = Pick<ProductRow, (typeof PRODUCT_FIELDS)[number]>;

async function changeProduct(tx: Tx, actor: Actor, action: string, product: ProductRow, after: Partial<ProductFields>) {
  const changes = diffFields<ProductFields>(product, after, PRODUCT_FIELDS);
  if (Object.keys(changes).length === 0) throw new ConflictError("lifecycle.unchanged", { ref: product.sku });
  const updated = await tx.product.update({ where: { id: product.id }, data: { ...after, version: { increment: 1 } } });
  await auditChange(tx, actor, action, "Product", product.id, updated.version, changes, { sku: product.sku });
  return updated;
}

async function writableProduct(tx: Tx, actor: Actor, ref: string, expected: number | undefined) {
  await requireOrg(tx, actor, "product.write");
  const product = await resolveProduct(tx, actor.organizationId, ref);
  await assertVersion(tx, actor.organizationId, product, product.sku, expected);
  return product;
}

export const editProductInput = z
  .object({
    product: limits.reference,
    name: addProductInput.shape.name.optional(),
    unit: z.string().trim().min(1).max(20).optional(),
    listPrice: amountInput.extend({ from: limits.isoDay.optional() }).optional(),
    /** Customers receiving it should be trained on it: the "enablement due" check (src/domain/rules/enablement-due.ts). */
    trainingRequired: z.boolean().optional(),
    /** The caller's today: a price from today or earlier is in force at once. */
    today: limits.isoDay,
    expectedVersion,
  })
  .refine((d) => d.name !== undefined || d.unit !== undefined || d.listPrice !== undefined || d.trainingRequired !== undefined, { message: "nothing to change", path: ["name"] });

/**
 * Name, unit, list price and training mark of a product. A price "from" a coming day is announced (kept beside
 * the current one, which stays in force until that day: orders take the price of their day); a
 * price from today or earlier replaces the current one. One announced price at a time: a new one
 * replaces it. An announced price whose day has come becomes the current one at the next edit.
 */
export async function editProduct(db: PrismaClient, actor: Actor, input: z.input<typeof editProductInput>) {
  const data = validate(editProductInput, input);
  return inTransaction(db, async (tx) => {
    const product = await writableProduct(tx, actor, data.product, data.expectedVersion);
    const price = data.listPrice;
    if (price?.currency && price.currency !== product.currency) {
      throw new InvalidInputError("listPrice", "error.currencyMismatch", { given: price.currency, expected: product.currency });
    }
    const today = limits.dayToDate(data.today);
    const after: Partial<ProductFields> = {
      ...(data.name !== undefined ? { name: data.name } : {}),
      ...(data.unit !== undefined ? { unit: data.unit } : {}),
      ...(data.trainingRequired !== undefined ? { trainingRequired: data.trainingRequired } : {}),
    };
    if (price) {
      const priceMinor = minorIn(price, product.currency, "listPrice");
      const from = price.from ? limits.dayToDate(price.from) : today;
      if (from.getTime() <= today.getTime()) Object.assign(after, { listPriceMinor: priceMinor, nextListPriceMinor: null, nextPriceStartsOn: null });
      else Object.assign(after, { listPriceMinor: listPriceOn(product, today), nextListPriceMinor: priceMinor, nextPriceStartsOn: from });
    }
    return changeProduct(tx, actor, "product.edit", product, after);
  });
}

export const retireProductInput = z.object({ product: limits.reference, expectedVersion });

export async function retireProduct(db: PrismaClient, actor: Actor, input: z.input<typeof retireProductInput>) {
  const data = validate(retireProductInput, input);
  return inTransaction(db, async (tx) => {
    const product = await writableProduct(tx, actor, data.product, data.expectedVersion);
    if (product.retiredAt) throw new ConflictError("lifecycle.alreadyRetired", { product: product.sku });
    return changeProduct(tx, actor, "product.retire", product, { retiredAt: actor.now });
  });
}
