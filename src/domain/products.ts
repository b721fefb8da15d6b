import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { ConflictError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireOrg } from "./permissions.ts";
import { audit, inTransaction } from "./tx.ts";
import { validate } from "./validate.ts";

export const addProductInput = z.object({
  sku: z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/),
  name: limits.name,
  unit: z.string().trim().min(1).max(20).default("pcs"),
  listPrice: z.object({ minor: limits.minorAmount, currency: limits.currency.optional() }).optional(),
});

export async function addProduct(db: PrismaClient, actor: Actor, input: z.input<typeof addProductInput>) {
  const data = validate(addProductInput, input);
  return inTransaction(db, async (tx) => {
    await requireOrg(tx, actor, "product.write");
    const clash = await tx.product.findFirst({
      where: { organizationId: actor.organizationId, sku: { equals: data.sku, mode: "insensitive" } },
    });
    if (clash) throw new ConflictError("error.productExists", { sku: clash.sku });
    const org = await tx.organization.findUniqueOrThrow({ where: { id: actor.organizationId } });
    const product = await tx.product.create({
      data: {
        organizationId: actor.organizationId,
        sku: data.sku,
        name: data.name,
        unit: data.unit,
        listPriceMinor: data.listPrice?.minor ?? null,
        currency: data.listPrice?.currency ?? org.currency,
      },
    });
    await audit(tx, actor, "product.create", "Product", product.id, data);
    return product;
  });
}

export async function listProducts(db: PrismaClient, actor: Actor) {
  return db.product.findMany({ where: { organizationId: actor.organizationId }, orderBy: { sku: "asc" } });
}
