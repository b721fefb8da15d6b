import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import type { Tx } from "../tx.ts";
import type { CheckSettings } from "./settings.ts";
import { instant, jsonRows } from "./json-rows.ts";
import { reorderStats } from "./reorder-stats.ts";
import { untrainedDeliveries, type UntrainedDeliveryRow } from "./enablement-trainings.ts";
import { startOfDay } from "../exchange/instants.ts";
import { addDays } from "./time.ts";

/**
 * Set-based loading for one organization's sweep: a fixed handful of queries, whatever the number
 * of accounts, each pre-filtering in SQL to the rows a rule may flag (with a day of slack on each
 * side, so that the rules themselves decide the exact boundaries in the organization's time zone).
 * Days come back as ISO strings (YYYY-MM-DD); money as minor units (numbers: exact up to 2^53).
 */

export interface InvoiceRow {
  id: string;
  accountId: string;
  /** kam's reference (I-7). */
  refNumber: number;
  number: string;
  amountMinor: number;
  /** The sum of its credit notes: the invoice bills amountMinor - creditedMinor. */
  creditedMinor?: number;
  currency: string;
  issuedOn: string;
  dueOn: string;
  paidOn: string | null;
  orderId: string | null;
  orderNumber: number | null;
  orderTotalMinor: number | null;
  orderCurrency: string | null;
  orderStatus: string | null;
}

export interface InvoiceTermsRow {
  id: string;
  accountId: string;
  refNumber: number;
  number: string;
  issuedOn: string;
  dueOn: string;
  contractId: string;
  contractNumber: number;
  paymentTermsDays: number;
}

export interface DuplicatePairRow {
  id: string;
  accountId: string;
  refNumber: number;
  number: string;
  amountMinor: number;
  currency: string;
  issuedOn: string;
  createdAt: Date;
  otherId: string;
  otherRefNumber: number;
  otherNumber: string;
  otherIssuedOn: string;
  otherCreatedAt: Date;
  sameNumber: boolean;
}

export interface PriceLineRow {
  invoiceId: string;
  invoiceRefNumber: number;
  invoiceNumber: string;
  accountId: string;
  orderNumber: number;
  orderDay: string;
  orderCurrency: string;
  lineNo: number;
  productId: string;
  sku: string;
  unitPriceMinor: number;
  contractId: string;
  contractNumber: number;
  contractStartsOn: string;
  contractEndsOn: string;
  contractCurrency: string;
  contractPriceMinor: number;
}

export interface LateOrderRow {
  id: string;
  accountId: string;
  number: number;
  status: string;
  requestedOn: string;
  createdById: string | null;
}

export interface ReorderStatRow {
  accountId: string;
  productId: string;
  sku: string;
  productName: string;
  lastDay: string;
  orders: number;
  medianGapDays: number;
}

export interface ContractRow {
  id: string;
  accountId: string;
  number: number;
  name: string;
  startsOn: string;
  endsOn: string;
  noticeDays: number;
  paymentTermsDays: number;
  noticeGivenOn?: string | null;
}

export interface UncoveredOrdersRow {
  accountId: string;
  orders: number;
  firstDay: string;
  lastDay: string;
}

export interface CommitmentRow {
  id: string;
  contractId: string;
  contractNumber: number;
  accountId: string;
  productId: string;
  sku: string;
  quantity: number;
  period: "MONTH" | "QUARTER" | "YEAR";
  contractStartsOn: string;
  contractEndsOn: string;
}

export interface DailyVolumeRow {
  accountId: string;
  productId: string;
  day: string;
  quantity: number;
}

export interface MilestoneRow {
  id: string;
  number: number;
  name: string;
  dueOn: string;
  ownerId: string | null;
  projectNumber: number;
  projectName: string;
  projectOwnerId: string | null;
  accountId: string;
}

export interface OpenCaseRow {
  id: string;
  number: number;
  accountId: string;
  subject: string;
  priority: string;
  slaDueAt: Date;
  assigneeId: string | null;
}

export interface CheckData {
  invoices: InvoiceRow[];
  invoiceTerms: InvoiceTermsRow[];
  duplicatePairs: DuplicatePairRow[];
  priceLines: PriceLineRow[];
  lateOrders: LateOrderRow[];
  reorderStats: ReorderStatRow[];
  contracts: ContractRow[];
  uncoveredOrders: UncoveredOrdersRow[];
  commitments: CommitmentRow[];
  dailyVolumes: DailyVolumeRow[];
  milestones: MilestoneRow[];
  openCases: OpenCaseRow[];
  /** Deliveries of products that need training, without a training since (the "enablement due" check). */
  untrainedDeliveries: UntrainedDeliveryRow[];
}

export function emptyCheckData(): CheckData {
  return {
    invoices: [], invoiceTerms: [], duplicatePairs: [], priceLines: [], lateOrders: [], reorderStats: [],
    contracts: [], uncoveredOrders: [], commitments: [], dailyVolumes: [], milestones: [], openCases: [],
    untrainedDeliveries: [],
  };
}

export type Client = PrismaClient | Tx;

export interface LoadScope {
  organizationId: string;
  timeZone: string;
  today: string;
  now: Date;
  settings: CheckSettings;
  /** Limit to one account (the digest of one account, tests). */
  accountId?: string;
  /** When given, receives the milliseconds each query took (benchmarks). */
  timings?: Record<string, number>;
}

function timed<T>(s: LoadScope, name: string, query: Promise<T>): Promise<T> {
  if (!s.timings) return query;
  const start = performance.now();
  return query.then((result) => {
    s.timings![name] = Math.round(performance.now() - start);
    return result;
  });
}

export type LoadPart = "invoices" | "orders" | "contracts" | "milestones" | "cases";

/** Loads what the rules of the given parts need. Each part is a few set-based queries. */
export async function loadCheckData(db: Client, scope: LoadScope, parts: LoadPart[]): Promise<CheckData> {
  const data = emptyCheckData();
  const want = new Set(parts);
  const tasks: Promise<void>[] = [];
  // PGlite serializes queries anyway; PostgreSQL runs these on separate pool connections. Orders
  // first: the reorder statistics are a chain of queries, the longest of a first sweep.
  if (want.has("orders")) tasks.push(loadOrders(db, scope, data));
  if (want.has("invoices")) tasks.push(loadInvoices(db, scope, data));
  if (want.has("contracts")) tasks.push(loadContracts(db, scope, data));
  if (want.has("milestones")) tasks.push(loadMilestones(db, scope, data));
  if (want.has("cases")) tasks.push(loadCases(db, scope, data));
  await Promise.all(tasks);
  return data;
}

const acct = (scope: LoadScope) => scope.accountId ?? null;


/**
 * The invoice rules read the "live" invoices (issued within the lookback, or unpaid), found through
 * the (organizationId, issuedOn) and (organizationId, paidOn) indexes (a bitmap OR), five queries in parallel.
 */
async function loadInvoices(db: Client, s: LoadScope, data: CheckData) {
  const lookback = addDays(s.today, -s.settings.invoiceLookbackDays - 1);
  const soon = addDays(s.today, 1);
  const window = s.settings.duplicateWindowDays;
  const [invoices, terms, dupByNumber, dupByAmount, prices] = await Promise.all([
    timed(s, "invoices", jsonRows<InvoiceRow>(db, Prisma.sql`
      SELECT i.id, i."accountId", i."refNumber", i.number, i."amountMinor", i."creditedMinor", i.currency, i."issuedOn"::text AS "issuedOn",
             i."dueOn"::text AS "dueOn", i."paidOn"::text AS "paidOn", i."orderId",
             o.number AS "orderNumber", o."totalMinor" AS "orderTotalMinor", o.currency::text AS "orderCurrency", o.status::text AS "orderStatus"
      FROM "Invoice" i LEFT JOIN "Order" o ON o.id = i."orderId"
      WHERE i."organizationId" = ${s.organizationId} AND (${acct(s)}::text IS NULL OR i."accountId" = ${acct(s)})
        AND i."voidedAt" IS NULL
        AND (i."paidOn" IS NULL OR i."issuedOn" >= ${lookback}::date)
        AND ((i."paidOn" IS NULL AND i."dueOn" <= ${soon}::date AND i."amountMinor" > i."creditedMinor")
          OR i."orderId" IS NULL
          OR o."totalMinor" <> i."amountMinor" - i."creditedMinor" OR o.currency <> i.currency OR o.status = 'CANCELLED')`)),
    timed(s, "invoiceTerms", jsonRows<InvoiceTermsRow>(db, Prisma.sql`
      SELECT x.id, x."accountId", x."refNumber", x.number, x."issuedOn"::text AS "issuedOn", x."dueOn"::text AS "dueOn",
             x."contractId", x."contractNumber", x."paymentTermsDays"
      FROM (
        SELECT DISTINCT ON (i.id) i.id, i."accountId", i."refNumber", i.number, i."issuedOn", i."dueOn",
               c.id AS "contractId", c.number AS "contractNumber", c."paymentTermsDays"
        FROM "Invoice" i JOIN "Contract" c ON c."accountId" = i."accountId" AND c."startsOn" <= i."issuedOn" AND c."endsOn" >= i."issuedOn"
        WHERE i."organizationId" = ${s.organizationId} AND (${acct(s)}::text IS NULL OR i."accountId" = ${acct(s)})
          AND i."voidedAt" IS NULL AND (i."paidOn" IS NULL OR i."issuedOn" >= ${lookback}::date)
        ORDER BY i.id, c."startsOn" DESC, c.number DESC) x
      WHERE x."dueOn" <> x."issuedOn" + x."paymentTermsDays"`)),
    timed(s, "duplicatesByNumber", jsonRows<DuplicatePairRow>(db, Prisma.sql`
      WITH reused AS MATERIALIZED (
        -- A count per live invoice from the (organizationId, number) index alone (index-only scans);
        -- only the few whose number is reused are looked at further.
        SELECT i.id, i."organizationId", i."accountId", i."refNumber", i.number, i."amountMinor", i.currency, i."issuedOn", i."createdAt"
        FROM "Invoice" i
        WHERE i."organizationId" = ${s.organizationId} AND (${acct(s)}::text IS NULL OR i."accountId" = ${acct(s)})
          AND i."voidedAt" IS NULL AND (i."paidOn" IS NULL OR i."issuedOn" >= ${lookback}::date)
          AND (SELECT count(*) FROM "Invoice" k WHERE k."organizationId" = i."organizationId" AND k.number = i.number AND k."voidedAt" IS NULL) > 1)
      SELECT i.id, i."accountId", i."refNumber", i.number, i."amountMinor", i.currency, i."issuedOn"::text AS "issuedOn", i."createdAt",
             j.id AS "otherId", j."refNumber" AS "otherRefNumber", j.number AS "otherNumber", j."issuedOn"::text AS "otherIssuedOn", j."createdAt" AS "otherCreatedAt", true AS "sameNumber"
      FROM reused i CROSS JOIN LATERAL (
        SELECT j.id, j."refNumber", j.number, j."issuedOn", j."createdAt" FROM "Invoice" j
        WHERE j."organizationId" = i."organizationId" AND j.number = i.number AND j.id <> i.id AND j."voidedAt" IS NULL LIMIT 5) j`)),
    timed(s, "duplicatesByAmount", jsonRows<DuplicatePairRow>(db, Prisma.sql`
      -- Invoices issued since the lookback pair only with invoices issued since (lookback - window):
      -- one range scan, grouped first so that only amounts seen twice are joined. Older unpaid ones,
      -- few, look their neighbours up one by one through the (accountId, issuedOn) index.
      WITH pool AS MATERIALIZED (
        SELECT id, "accountId", "refNumber", number, "amountMinor", currency, "issuedOn", "createdAt" FROM "Invoice"
        WHERE "organizationId" = ${s.organizationId} AND (${acct(s)}::text IS NULL OR "accountId" = ${acct(s)})
          AND "voidedAt" IS NULL AND "issuedOn" >= ${lookback}::date - ${window}::int),
      twins AS MATERIALIZED (
        SELECT p.* FROM pool p JOIN (
          SELECT "accountId", currency, "amountMinor" FROM pool GROUP BY 1, 2, 3 HAVING count(*) > 1) t
        ON t."accountId" = p."accountId" AND t.currency = p.currency AND t."amountMinor" = p."amountMinor")
      SELECT i.id, i."accountId", i."refNumber", i.number, i."amountMinor", i.currency, i."issuedOn"::text AS "issuedOn", i."createdAt",
             j.id AS "otherId", j."refNumber" AS "otherRefNumber", j.number AS "otherNumber", j."issuedOn"::text AS "otherIssuedOn", j."createdAt" AS "otherCreatedAt", false AS "sameNumber"
      FROM twins i JOIN twins j ON j."accountId" = i."accountId" AND j.currency = i.currency AND j."amountMinor" = i."amountMinor"
        AND j.id <> i.id AND j.number <> i.number AND j."issuedOn" BETWEEN i."issuedOn" - ${window}::int AND i."issuedOn" + ${window}::int
      WHERE i."issuedOn" >= ${lookback}::date
      UNION ALL
      SELECT i.id, i."accountId", i."refNumber", i.number, i."amountMinor", i.currency, i."issuedOn"::text, i."createdAt",
             j.id, j."refNumber", j.number, j."issuedOn"::text, j."createdAt", false
      FROM "Invoice" i CROSS JOIN LATERAL (
        -- LIMIT keeps this a per-row index lookup whatever the planner estimates.
        SELECT j.id, j."refNumber", j.number, j."issuedOn", j."createdAt" FROM "Invoice" j
        WHERE j."accountId" = i."accountId" AND j.id <> i.id AND j."issuedOn" BETWEEN i."issuedOn" - ${window}::int AND i."issuedOn" + ${window}::int
          AND j."amountMinor" = i."amountMinor" AND j.currency = i.currency AND j.number <> i.number AND j."voidedAt" IS NULL LIMIT 20) j
      WHERE i."organizationId" = ${s.organizationId} AND (${acct(s)}::text IS NULL OR i."accountId" = ${acct(s)})
        AND i."voidedAt" IS NULL AND i."paidOn" IS NULL AND i."issuedOn" < ${lookback}::date`)),
    timed(s, "priceLines", jsonRows<PriceLineRow>(db, Prisma.sql`
      -- Per invoiced line, the contract price in force on the (local) order day (the latest-starting
      -- contract with a price for the product); only lines that differ from it come back.
      SELECT x.*, p.sku FROM (
        SELECT DISTINCT ON (i.id, l."lineNo")
               i.id AS "invoiceId", i."refNumber" AS "invoiceRefNumber", i.number AS "invoiceNumber", i."accountId", o.number AS "orderNumber",
               (o."orderedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date::text AS "orderDay", o.currency::text AS "orderCurrency",
               l."lineNo", l."productId", l."unitPriceMinor",
               c.id AS "contractId", c.number AS "contractNumber", c."startsOn"::text AS "contractStartsOn", c."endsOn"::text AS "contractEndsOn",
               c.currency::text AS "contractCurrency", cp."priceMinor" AS "contractPriceMinor"
        FROM "Invoice" i
          JOIN "Order" o ON o.id = i."orderId" AND o.status <> 'CANCELLED'
          JOIN "OrderLine" l ON l."orderId" = o.id
          JOIN "Contract" c ON c."accountId" = i."accountId"
            AND c."startsOn" <= (o."orderedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date AND c."endsOn" >= (o."orderedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date
          JOIN "ContractPrice" cp ON cp."contractId" = c.id AND cp."productId" = l."productId"
            -- The price in force on the order day: an amended price counts from its day on.
            AND (cp."validFrom" IS NULL OR cp."validFrom" <= (o."orderedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date)
            AND (cp."validTo" IS NULL OR cp."validTo" >= (o."orderedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date)
        WHERE i."organizationId" = ${s.organizationId} AND (${acct(s)}::text IS NULL OR i."accountId" = ${acct(s)})
          AND i."voidedAt" IS NULL AND (i."paidOn" IS NULL OR i."issuedOn" >= ${lookback}::date)
        ORDER BY i.id, l."lineNo", c."startsOn" DESC, c.number DESC, cp."validFrom" DESC NULLS LAST) x
      JOIN "Product" p ON p.id = x."productId"
      WHERE x."contractPriceMinor" <> x."unitPriceMinor" OR x."contractCurrency" <> x."orderCurrency"`)),
  ]);
  data.invoices = invoices;
  data.invoiceTerms = terms;
  data.duplicatePairs = [...dupByNumber, ...dupByAmount].map((p) => ({ ...p, createdAt: instant(p.createdAt), otherCreatedAt: instant(p.otherCreatedAt) }));
  data.priceLines = prices;
}

async function loadOrders(db: Client, s: LoadScope, data: CheckData) {
  const soon = addDays(s.today, 1);
  // The reorder statistics first: the longest chain of queries of a first sweep.
  const [reorder, late, untrained] = await Promise.all([
    timed(s, "reorderStats", reorderStats(db, s)),
    timed(s, "lateOrders", jsonRows<LateOrderRow>(db, Prisma.sql`
      SELECT id, "accountId", number, status::text AS status, "requestedOn"::text AS "requestedOn", "createdById"
      FROM "Order"
      WHERE "organizationId" = ${s.organizationId} AND (${acct(s)}::text IS NULL OR "accountId" = ${acct(s)})
        AND status IN ('RECEIVED', 'CONFIRMED', 'IN_PRODUCTION', 'SHIPPED') AND "requestedOn" <= ${soon}::date`)),
    timed(s, "untrainedDeliveries", untrainedDeliveries(db, s)),
  ]);
  data.lateOrders = late;
  data.reorderStats = reorder;
  data.untrainedDeliveries = untrained;
}

async function loadContracts(db: Client, s: LoadScope, data: CheckData) {
  // The window's first day where the organization is (an order at 00:30 in Berlin is 23:30 UTC the day before).
  const orderSince = startOfDay(addDays(s.today, -s.settings.orderLookbackDays - 1), s.timeZone);
  const [contracts, uncovered, commitments] = await Promise.all([
    timed(s, "contracts", jsonRows<ContractRow>(db, Prisma.sql`
      SELECT id, "accountId", number, name, "startsOn"::text AS "startsOn", "endsOn"::text AS "endsOn", "noticeDays", "paymentTermsDays",
             "noticeGivenOn"::text AS "noticeGivenOn"
      FROM "Contract"
      WHERE "organizationId" = ${s.organizationId} AND (${acct(s)}::text IS NULL OR "accountId" = ${acct(s)})`)),
    timed(s, "uncoveredOrders", jsonRows<UncoveredOrdersRow>(db, Prisma.sql`
      WITH o AS (
        SELECT "accountId", ("orderedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date AS day
        FROM "Order"
        WHERE "organizationId" = ${s.organizationId} AND (${acct(s)}::text IS NULL OR "accountId" = ${acct(s)})
          AND status <> 'CANCELLED' AND "orderedAt" >= ${orderSince}::timestamp)
      SELECT o."accountId", count(*)::int AS orders, min(o.day)::text AS "firstDay", max(o.day)::text AS "lastDay"
      FROM o
      WHERE NOT EXISTS (SELECT 1 FROM "Contract" c WHERE c."accountId" = o."accountId" AND c."startsOn" <= o.day AND c."endsOn" >= o.day)
      GROUP BY o."accountId"`)),
    timed(s, "commitments", jsonRows<CommitmentRow>(db, Prisma.sql`
      SELECT cc.id, c.id AS "contractId", c.number AS "contractNumber", c."accountId", cc."productId", p.sku,
             cc.quantity::float8 AS quantity, cc.period::text AS period,
             c."startsOn"::text AS "contractStartsOn", c."endsOn"::text AS "contractEndsOn"
      FROM "ContractCommitment" cc JOIN "Contract" c ON c.id = cc."contractId" JOIN "Product" p ON p.id = cc."productId"
      WHERE c."organizationId" = ${s.organizationId} AND (${acct(s)}::text IS NULL OR c."accountId" = ${acct(s)})
        AND c."startsOn" <= ${s.today}::date AND c."endsOn" >= ${s.today}::date`)),
  ]);
  data.contracts = contracts;
  data.uncoveredOrders = uncovered;
  data.commitments = commitments;
  if (commitments.length) {
    // One aggregate over all committed (account, product) pairs since the earliest period start.
    const since = commitments.reduce((min, c) => (c.contractStartsOn < min ? c.contractStartsOn : min), s.today);
    const from = since < addDays(s.today, -370) ? addDays(s.today, -370) : since;
    const accounts = commitments.map((c) => c.accountId);
    const products = commitments.map((c) => c.productId);
    data.dailyVolumes = await timed(s, "dailyVolumes", jsonRows<DailyVolumeRow>(db, Prisma.sql`
      WITH pairs AS (SELECT DISTINCT * FROM unnest(${accounts}::text[], ${products}::text[]) AS t("accountId", "productId"))
      SELECT o."accountId", l."productId", (o."orderedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date::text AS day, sum(l.quantity)::float8 AS quantity
      FROM pairs JOIN "Order" o ON o."accountId" = pairs."accountId"
        JOIN "OrderLine" l ON l."orderId" = o.id AND l."productId" = pairs."productId"
      WHERE o."organizationId" = ${s.organizationId} AND o.status <> 'CANCELLED' AND o."orderedAt" >= ${addDays(from, -1)}::date
      GROUP BY 1, 2, 3`));
  }
}

async function loadMilestones(db: Client, s: LoadScope, data: CheckData) {
  const horizon = addDays(s.today, 8);
  data.milestones = await timed(s, "milestones", jsonRows<MilestoneRow>(db, Prisma.sql`
    SELECT m.id, m.number, m.name, m."dueOn"::text AS "dueOn", m."ownerId", p.number AS "projectNumber", p.name AS "projectName",
           p."ownerId" AS "projectOwnerId", p."accountId"
    FROM "Milestone" m JOIN "Project" p ON p.id = m."projectId"
    WHERE m."organizationId" = ${s.organizationId} AND (${acct(s)}::text IS NULL OR p."accountId" = ${acct(s)})
      AND m.status = 'OPEN' AND p.status = 'OPEN' AND m."dueOn" <= ${horizon}::date`));
}

async function loadCases(db: Client, s: LoadScope, data: CheckData) {
  data.openCases = (await timed(s, "openCases", jsonRows<OpenCaseRow>(db, Prisma.sql`
    SELECT id, number, "accountId", subject, priority::text AS priority, "slaDueAt", "assigneeId"
    FROM "Case"
    WHERE "organizationId" = ${s.organizationId} AND (${acct(s)}::text IS NULL OR "accountId" = ${acct(s)})
      AND status = 'OPEN' AND "slaDueAt" <= ${s.now}`))).map((c) => ({ ...c, slaDueAt: instant(c.slaDueAt) }));
}
