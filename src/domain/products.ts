import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { ConflictError, InvalidInputError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireOrg } from "./permissions.ts";
import { audit, inTransaction } from "./tx.ts";
import { validate } from "./validate.ts";
import { equalsIgnoringCase } from "./ignoring-case.ts";
import { amountInput, minorIn } from "./amounts.ts";

/**
 * Units that are counted, not measured: a quantity of them must be whole (2.5 helmets is a typo).
 * Any other unit (kg, m, l, h, …) takes fractions. Compared without case and a trailing dot ("Stk.").
 */
export const COUNTED_UNITS: readonly string[] = [
  "pcs", "pc", "piece", "pieces", "ea", "each", "unit", "units", "box", "boxes", "roll", "rolls", "pack", "packs",
  "pallet", "pallets", "carton", "cartons", "case", "cases", "set", "sets", "pair", "pairs", "bag", "bags",
  "bottle", "bottles", "can", "cans", "bucket", "buckets", "drum", "drums", "sheet", "sheets", "reel", "reels", "crate", "crates",
  "stk", "stück", "st", "karton", "kartons", "rolle", "rollen", "packung", "packungen", "palette", "paletten", "satz",
  "paar", "sack", "säcke", "beutel", "flasche", "flaschen", "dose", "dosen", "eimer", "kiste", "kisten", "blatt", "spule", "spulen",
];
const COUNTED = new Set(COUNTED_UNITS);

export function isCountedUnit(unit: string): boolean {
  return COUNTED.has(unit.trim().toLowerCase().replace(/\.$/, ""));
}

/** A counted unit (pcs, box, roll, …) takes whole quantities only; the refusal suggests the two nearest. */
export function requireWholeIfCounted(product: { sku: string; unit: string }, quantity: number, field: string): void {
  if (!isCountedUnit(product.unit) || Number.isInteger(quantity)) return;
  const lower = Math.max(1, Math.floor(quantity));
  const upper = lower === Math.ceil(quantity) ? lower + 1 : Math.ceil(quantity);
  throw new InvalidInputError(field, "error.wholeQuantity", { product: product.sku, unit: product.unit, lower, upper });
}

export const addProductInput = z.object({
  sku: z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/),
  name: limits.name,
  unit: z.string().trim().min(1).max(20).default("pcs"),
  listPrice: amountInput.optional(),
});

export async function addProduct(db: PrismaClient, actor: Actor, input: z.input<typeof addProductInput>) {
  const data = validate(addProductInput, input);
  return inTransaction(db, async (tx) => {
    await requireOrg(tx, actor, "product.write");
    const clash = await tx.product.findFirst({
      where: { organizationId: actor.organizationId, sku: equalsIgnoringCase(data.sku) },
    });
    if (clash) throw new ConflictError("error.productExists", { sku: clash.sku });
    const org = await tx.organization.findUniqueOrThrow({ where: { id: actor.organizationId } });
    const product = await tx.product.create({
      data: {
        organizationId: actor.organizationId,
        sku: data.sku,
        name: data.name,
        unit: data.unit,
        listPriceMinor: data.listPrice ? minorIn(data.listPrice, data.listPrice.currency ?? org.currency, "listPrice") : null,
        currency: data.listPrice?.currency ?? org.currency,
      },
    });
    // The price as stored (chat passes the number as typed beside it, see amounts.ts).
    const listPrice = product.listPriceMinor === null ? {} : { listPrice: { minor: Number(product.listPriceMinor), currency: product.currency } };
    await audit(tx, actor, "product.create", "Product", product.id, { ...data, ...listPrice });
    return product;
  });
}

export async function listProducts(db: PrismaClient, actor: Actor) {
  return db.product.findMany({ where: { organizationId: actor.organizationId }, orderBy: { sku: "asc" } });
}

/** A retired product takes no new orders (existing orders, contracts and history keep it). */
export function requireOrderable(product: { sku: string; retiredAt: Date | null }, field: string): void {
  if (product.retiredAt) throw new InvalidInputError(field, "lifecycle.productRetired", { product: product.sku });
}

/** The list price in force on a day: the announced one from its first day on, else the current one. */
export function listPriceOn(
  product: { listPriceMinor: bigint | null; nextListPriceMinor: bigint | null; nextPriceStartsOn: Date | null },
  day: Date,
): bigint | null {
  if (product.nextListPriceMinor !== null && product.nextPriceStartsOn !== null && product.nextPriceStartsOn.getTime() <= day.getTime()) {
    return product.nextListPriceMinor;
  }
  return product.listPriceMinor;
}
