import { z } from "zod";
import type { PrismaClient, Product } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { ConflictError } from "./errors.ts";
import * as limits from "./limits.ts";
import { organizationTimeZone } from "./organizations.ts";
import { resolveAccount } from "./references.ts";
import { inTransaction } from "./tx.ts";
import { validate } from "./validate.ts";

const DAY_MS = 86_400_000;
const TOP = 5;
/** A reorder is due when the time since the last order exceeds the usual interval by this factor. */
export const REORDER_SLACK = 1.2;

export const suggestInput = z.object({ account: limits.reference, today: limits.isoDay });

export interface ProductSuggestion {
  product: Product;
  /** Other accounts of the organization that buy it. */
  buyers: number;
  /** Weighted share of the other buying accounts that buy it, 0..1. */
  share: number;
}

export interface DueReorder {
  product: Product;
  lastOrderedOn: Date;
  usualIntervalDays: number;
  overdueDays: number;
  /** What the account usually orders of it at once: the median of its orders' quantities (lower middle when even, so always one it ordered). */
  usualQuantity: number;
}

/**
 * What to propose to an account.
 *
 * Products: those it never ordered that other accounts of the organization buy. Each other account
 * counts with weight 1 + the number of products it has in common with this account, so the habits
 * of similar customers count more; `share` is the weighted fraction of other buying accounts that
 * buy the product. The top five by share, then by number of buyers.
 *
 * Due reorders: products ordered on at least three different days; due when the days since the
 * last order exceed the median interval between orders by more than 20 %. Each comes with the
 * quantity the account usually orders of it (per order day), which a reorder proposes.
 */
export async function suggestForAccount(db: PrismaClient, actor: Actor, input: z.input<typeof suggestInput>) {
  const data = validate(suggestInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    if (account.archivedAt) throw new ConflictError("lifecycle.accountArchived", { account: account.name });
    const ranked = await tx.$queryRaw<{ productId: string; buyers: number; share: number }[]>`
      WITH bought AS (
        SELECT DISTINCT o."accountId", l."productId"
        FROM "Order" o JOIN "OrderLine" l ON l."orderId" = o.id JOIN "Account" a ON a.id = o."accountId"
        WHERE o."organizationId" = ${actor.organizationId} AND o.status <> 'CANCELLED' AND a."archivedAt" IS NULL
      ),
      mine AS (SELECT "productId" FROM bought WHERE "accountId" = ${account.id}),
      others AS (
        SELECT b."accountId", 1 + COUNT(m."productId") AS weight
        FROM bought b LEFT JOIN mine m ON m."productId" = b."productId"
        WHERE b."accountId" <> ${account.id}
        GROUP BY b."accountId"
      )
      SELECT b."productId", COUNT(*)::int AS buyers,
             (SUM(o.weight)::float8 / (SELECT SUM(weight) FROM others)::float8) AS share
      FROM bought b
      JOIN others o ON o."accountId" = b."accountId"
      JOIN "Product" p ON p.id = b."productId"
      WHERE b."productId" NOT IN (SELECT "productId" FROM mine) AND p."retiredAt" IS NULL
      GROUP BY b."productId", p.sku
      ORDER BY share DESC, buyers DESC, p.sku ASC
      LIMIT ${TOP}`;
    // Order days where the organization is, as the reorder check counts them.
    const timeZone = await organizationTimeZone(tx, actor.organizationId);
    const history = await tx.$queryRaw<{ productId: string; day: Date; quantity: number }[]>`
      SELECT l."productId", (o."orderedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${timeZone})::date AS day,
             sum(l.quantity)::float8 AS quantity
      FROM "Order" o JOIN "OrderLine" l ON l."orderId" = o.id
      WHERE o."accountId" = ${account.id} AND o."organizationId" = ${actor.organizationId} AND o.status <> 'CANCELLED'
      GROUP BY 1, 2
      ORDER BY l."productId", day`;

    const today = limits.dayToDate(data.today).getTime();
    const days = new Map<string, number[]>();
    const quantities = new Map<string, number[]>();
    for (const row of history) {
      const list = days.get(row.productId) ?? [];
      list.push(new Date(row.day).getTime());
      days.set(row.productId, list);
      quantities.set(row.productId, [...(quantities.get(row.productId) ?? []), Number(row.quantity)]);
    }
    const due: (Omit<DueReorder, "product"> & { productId: string })[] = [];
    for (const [productId, list] of days) {
      if (list.length < 3) continue;
      const intervals = list.slice(1).map((d, i) => (d - list[i]!) / DAY_MS);
      const usual = median(intervals);
      const last = list[list.length - 1]!;
      const since = Math.floor((today - last) / DAY_MS);
      if (since > usual * REORDER_SLACK) {
        due.push({
          productId,
          lastOrderedOn: new Date(last),
          usualIntervalDays: Math.round(usual),
          overdueDays: Math.round(since - usual),
          usualQuantity: lowerMedian(quantities.get(productId)!),
        });
      }
    }
    due.sort((a, b) => b.overdueDays - a.overdueDays);

    const ids = [...ranked.map((r) => r.productId), ...due.map((d) => d.productId)];
    const products = new Map(
      (await tx.product.findMany({ where: { id: { in: ids }, organizationId: actor.organizationId } })).map((p) => [p.id, p]),
    );
    return {
      account,
      products: ranked.map((r) => ({ product: products.get(r.productId)!, buyers: Number(r.buyers), share: Number(r.share) })),
      // A retired product is not ordered again.
      dueReorders: due.filter((d) => !products.get(d.productId)!.retiredAt).map(({ productId, ...rest }) => ({ product: products.get(productId)!, ...rest })),
    };
  });
}

function lowerMedian(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
