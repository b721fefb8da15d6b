import { Prisma } from "../generated/prisma/client.ts";
import { instant, jsonRows } from "./rules/json-rows.ts";
import { emptyCheckData, loadCheckData, type CheckData, type Client, type DuplicatePairRow, type InvoiceRow, type InvoiceTermsRow, type LoadScope, type PriceLineRow } from "./rules/load.ts";
import { addDays } from "./rules/time.ts";

/**
 * The check data an import's forecast (check-forecast.ts) runs the flag rules on: the sweep's own
 * loader (rules/load.ts) for orders, contracts and cases, and for invoices the same rows by lean
 * queries. The sweep finds duplicate invoices with one index lookup per live invoice, which on an
 * imported history of 100,000 invoices (most of them unpaid and old, so all live) is most of an
 * import's time; here duplicates come from one grouping of the organization's invoices, and only
 * pairs whose first invoice is the later one (the one the rule flags), one pair per invoice of
 * each kind. The forecast counts findings, so which earlier invoice a pair names does not matter.
 * Only the given accounts' findings are wanted; the caller filters the other parts' rows.
 */
export async function forecastData(db: Client, s: LoadScope, accountIds: string[]): Promise<CheckData> {
  const invoices = await loadInvoices(db, s, accountIds);
  const parts = ["orders", "contracts", "cases"] as const;
  let data = emptyCheckData();
  if (accountIds.length > ONE_BY_ONE) data = await loadCheckData(db, s, [...parts]);
  else {
    for (const accountId of accountIds) {
      const one = await loadCheckData(db, { ...s, accountId }, [...parts]);
      for (const key of Object.keys(data) as (keyof CheckData)[]) (data[key] as unknown[]) = (data[key] as unknown[]).concat(one[key]);
    }
  }
  return { ...data, ...invoices };
}

/** Up to this many accounts, orders, contracts and cases are read account by account; more, and the organization's at once. */
const ONE_BY_ONE = 20;

async function loadInvoices(db: Client, s: LoadScope, accountIds: string[]): Promise<Pick<CheckData, "invoices" | "invoiceTerms" | "duplicatePairs" | "priceLines">> {
  const lookback = addDays(s.today, -s.settings.invoiceLookbackDays - 1);
  const soon = addDays(s.today, 1);
  const window = s.settings.duplicateWindowDays;
  // The invoices a rule may flag: issued within the lookback, or unpaid (as the sweep reads them).
  const live = Prisma.sql`
    SELECT id, "accountId", "refNumber", number, "amountMinor", "creditedMinor", currency, "issuedOn", "dueOn", "paidOn", "orderId", "createdAt"
    FROM "Invoice"
    WHERE "organizationId" = ${s.organizationId} AND "accountId" = ANY(${accountIds}::text[])
      AND "voidedAt" IS NULL AND ("paidOn" IS NULL OR "issuedOn" >= ${lookback}::date)`;
  // Duplicates: each invoice with the one just before it (by issue day, then creation, then id, the
  // rule's order of "earlier"): a window over one scan, so no plan can turn it into a join per row.
  const columns = Prisma.sql`id, "accountId", "refNumber", number, "amountMinor", currency, "issuedOn", "createdAt", "paidOn"`;
  const previous = (w: string) => {
    const lag = (c: string, as: string) => Prisma.raw(`lag(${c}) OVER ${w} AS "${as}"`);
    return Prisma.join([lag("id", "otherId"), lag('"refNumber"', "otherRefNumber"), lag("number", "otherNumber"), lag('"issuedOn"', "otherIssuedOn"), lag('"createdAt"', "otherCreatedAt")]);
  };
  const isLive = Prisma.sql`(i."paidOn" IS NULL OR i."issuedOn" >= ${lookback}::date)`;
  const pair = Prisma.sql`
    i.id, i."accountId", i."refNumber", i.number, i."amountMinor", i.currency, i."issuedOn"::text AS "issuedOn", i."createdAt",
    i."otherId", i."otherRefNumber", i."otherNumber", i."otherIssuedOn"::text AS "otherIssuedOn", i."otherCreatedAt"`;
  const [invoices, invoiceTerms, byNumber, byAmount, priceLines] = await Promise.all([
    jsonRows<InvoiceRow>(db, Prisma.sql`
      SELECT i.id, i."accountId", i."refNumber", i.number, i."amountMinor", i."creditedMinor", i.currency, i."issuedOn"::text AS "issuedOn",
             i."dueOn"::text AS "dueOn", i."paidOn"::text AS "paidOn", i."orderId",
             o.number AS "orderNumber", o."totalMinor" AS "orderTotalMinor", o.currency::text AS "orderCurrency", o.status::text AS "orderStatus"
      FROM (${live}) i LEFT JOIN "Order" o ON o.id = i."orderId"
      WHERE (i."paidOn" IS NULL AND i."dueOn" <= ${soon}::date AND i."amountMinor" > i."creditedMinor")
         OR i."orderId" IS NULL
         OR o."totalMinor" <> i."amountMinor" - i."creditedMinor" OR o.currency <> i.currency OR o.status = 'CANCELLED'`),
    jsonRows<InvoiceTermsRow>(db, Prisma.sql`
      SELECT x.id, x."accountId", x."refNumber", x.number, x."issuedOn"::text AS "issuedOn", x."dueOn"::text AS "dueOn",
             x."contractId", x."contractNumber", x."paymentTermsDays"
      FROM (
        SELECT DISTINCT ON (i.id) i.id, i."accountId", i."refNumber", i.number, i."issuedOn", i."dueOn",
               c.id AS "contractId", c.number AS "contractNumber", c."paymentTermsDays"
        FROM (${live}) i JOIN "Contract" c ON c."accountId" = i."accountId" AND c."startsOn" <= i."issuedOn" AND c."endsOn" >= i."issuedOn"
        ORDER BY i.id, c."startsOn" DESC, c.number DESC) x
      WHERE x."dueOn" <> x."issuedOn" + x."paymentTermsDays"`),
    jsonRows<DuplicatePairRow>(db, Prisma.sql`
      -- The invoice before each one with the same number (the organization's, not only these accounts').
      WITH x AS MATERIALIZED (
        SELECT ${columns}, ${previous("n")}
        FROM "Invoice"
        WHERE "organizationId" = ${s.organizationId} AND "voidedAt" IS NULL
          AND number IN (SELECT number FROM "Invoice" WHERE "organizationId" = ${s.organizationId} AND "accountId" = ANY(${accountIds}::text[]))
        WINDOW n AS (PARTITION BY number ORDER BY "issuedOn", "createdAt", id))
      SELECT ${pair}, true AS "sameNumber" FROM x i
      WHERE i."otherId" IS NOT NULL AND i."accountId" = ANY(${accountIds}::text[]) AND ${isLive}`),
    jsonRows<DuplicatePairRow>(db, Prisma.sql`
      -- The invoice before each one with the same account, currency and amount: if it is outside the
      -- window, so is every earlier one; if it has the same number, the number pair flags this one.
      WITH x AS MATERIALIZED (
        SELECT ${columns}, ${previous("a")}
        FROM "Invoice"
        WHERE "organizationId" = ${s.organizationId} AND "voidedAt" IS NULL AND "accountId" = ANY(${accountIds}::text[])
        WINDOW a AS (PARTITION BY "accountId", currency, "amountMinor" ORDER BY "issuedOn", "createdAt", id))
      SELECT ${pair}, false AS "sameNumber" FROM x i
      WHERE i."otherId" IS NOT NULL AND i."otherNumber" <> i.number AND i."otherIssuedOn" >= i."issuedOn" - ${window}::int AND ${isLive}`),
    jsonRows<PriceLineRow>(db, Prisma.sql`
      SELECT x.*, p.sku FROM (
        SELECT DISTINCT ON (i.id, l."lineNo")
               i.id AS "invoiceId", i."refNumber" AS "invoiceRefNumber", i.number AS "invoiceNumber", i."accountId", o.number AS "orderNumber",
               (o."orderedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date::text AS "orderDay", o.currency::text AS "orderCurrency",
               l."lineNo", l."productId", l."unitPriceMinor",
               c.id AS "contractId", c.number AS "contractNumber", c."startsOn"::text AS "contractStartsOn", c."endsOn"::text AS "contractEndsOn",
               c.currency::text AS "contractCurrency", cp."priceMinor" AS "contractPriceMinor"
        FROM (${live}) i
          JOIN "Order" o ON o.id = i."orderId" AND o.status <> 'CANCELLED'
          JOIN "OrderLine" l ON l."orderId" = o.id
          JOIN "Contract" c ON c."accountId" = i."accountId"
            AND c."startsOn" <= (o."orderedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date AND c."endsOn" >= (o."orderedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date
          JOIN "ContractPrice" cp ON cp."contractId" = c.id AND cp."productId" = l."productId"
            AND (cp."validFrom" IS NULL OR cp."validFrom" <= (o."orderedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date)
            AND (cp."validTo" IS NULL OR cp."validTo" >= (o."orderedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date)
        ORDER BY i.id, l."lineNo", c."startsOn" DESC, c.number DESC, cp."validFrom" DESC NULLS LAST) x
      JOIN "Product" p ON p.id = x."productId"
      WHERE x."contractPriceMinor" <> x."unitPriceMinor" OR x."contractCurrency" <> x."orderCurrency"`),
  ]);
  const duplicatePairs = [...byNumber, ...byAmount].map((p) => ({ ...p, createdAt: instant(p.createdAt), otherCreatedAt: instant(p.otherCreatedAt) }));
  return { invoices, invoiceTerms, duplicatePairs, priceLines };
}
