import { Prisma } from "../../generated/prisma/client.ts";
import { jsonRows } from "./json-rows.ts";
import type { Client, LoadScope } from "./load.ts";
import { addDays } from "./time.ts";

/** A product that needs training, delivered to an account, with no training done or planned on it since. */
export interface UntrainedDeliveryRow {
  accountId: string;
  productId: string;
  sku: string;
  productName: string;
  /** The account's first delivery of the product: the local day its order was marked delivered (or invoiced). */
  deliveredOn: string;
}

/**
 * What the "enablement due" check reads. A product is delivered to an account when an order of
 * the account with a line of it is delivered or invoiced; its day is the local day the order last
 * changed status (Order.statusChangedAt). The account's first such day counts. A training "on" the
 * product is one linked to it (TrainingProduct), planned or done (not cancelled), for the same
 * account, starting on that day or later: it resolves the check, whenever it takes place.
 * Only deliveries at least `enablementDays` days old (with a day of slack) come back.
 */
export function untrainedDeliveries(db: Client, s: LoadScope): Promise<UntrainedDeliveryRow[]> {
  const acct = s.accountId ?? null;
  const latest = addDays(s.today, -s.settings.enablementDays + 1);
  return jsonRows<UntrainedDeliveryRow>(db, Prisma.sql`
    WITH delivered AS (
      SELECT o."accountId", l."productId", min((o."statusChangedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date) AS day
      FROM "Order" o
        JOIN "OrderLine" l ON l."orderId" = o.id
        JOIN "Product" p ON p.id = l."productId" AND p."trainingRequired"
      WHERE o."organizationId" = ${s.organizationId} AND (${acct}::text IS NULL OR o."accountId" = ${acct})
        AND o.status IN ('DELIVERED', 'INVOICED')
      GROUP BY 1, 2)
    SELECT d."accountId", d."productId", p.sku, p.name AS "productName", d.day::text AS "deliveredOn"
    FROM delivered d JOIN "Product" p ON p.id = d."productId"
    WHERE d.day <= ${latest}::date
      AND NOT EXISTS (
        SELECT 1 FROM "Training" t JOIN "TrainingProduct" tp ON tp."trainingId" = t.id AND tp."productId" = d."productId"
        WHERE t."accountId" = d."accountId" AND t.status IN ('PLANNED', 'DONE')
          AND (t."startsAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date >= d.day)`);
}
