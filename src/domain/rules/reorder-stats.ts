import { Prisma } from "../../generated/prisma/client.ts";
import { jsonRows } from "./json-rows.ts";
import type { Client, LoadScope, ReorderStatRow } from "./load.ts";
import { addDays } from "./time.ts";

/**
 * The reorder statistics (per account and product: last order day, order days, median interval over
 * `reorderHistoryDays`) cost more than any other part of a sweep: a year of order lines grouped and
 * sorted (bench/checks.ts). They change only when orders do, and what the rule makes of them only
 * from one day to the next. So they are computed in full once per organization and local day; later
 * sweeps of that day recompute only the accounts with orders created or changed since (both set
 * Order.statusChangedAt), which gives the rows a full computation would.
 */

type Stat = Omit<ReorderStatRow, "sku" | "productName">;

interface Entry {
  /** The day and settings the rows hold for. */
  key: string;
  /** Orders changed at or after this instant (less SKEW_MS) are looked at again. */
  mark: Date;
  byAccount: Map<string, Stat[]>;
}

/** Allowance for a writer whose clock lags, or whose transaction commits minutes after it stamped the row. */
const SKEW_MS = 10 * 60_000;

/** Per database client (tests and benchmarks open several), per organization: the day's rows. */
const caches = new WeakMap<object, Map<string, Entry>>();

export async function reorderStats(db: Client, s: LoadScope): Promise<ReorderStatRow[]> {
  if (s.accountId) return withNames(db, await computeStats(db, s, [s.accountId]));
  const key = `${s.today}|${s.timeZone}|${s.settings.reorderHistoryDays}|${s.settings.reorderMargin}`;
  let organizations = caches.get(db);
  if (!organizations) caches.set(db, (organizations = new Map()));
  const cached = organizations.get(s.organizationId);
  const since = cached?.key === key ? new Date(cached.mark.getTime() - SKEW_MS) : null;
  // Read before computing: what changes meanwhile is looked at again next time.
  const [found] = await db.$queryRaw<{ mark: Date | null; changed: string[] }[]>`
    SELECT (SELECT max("statusChangedAt") FROM "Order" WHERE "organizationId" = ${s.organizationId}) AS mark,
           (SELECT coalesce(array_agg(DISTINCT "accountId"), '{}') FROM "Order"
            WHERE "organizationId" = ${s.organizationId} AND ${since}::timestamp IS NOT NULL AND "statusChangedAt" >= ${since}::timestamp) AS changed`;
  const changed = found?.changed ?? [];
  let byAccount: Map<string, Stat[]>;
  if (!cached || since === null) {
    byAccount = byAccountOf(await computeStats(db, s, null));
  } else if (changed.length === 0) {
    byAccount = cached.byAccount;
  } else {
    const fresh = byAccountOf(await computeStats(db, s, changed));
    byAccount = new Map(cached.byAccount);
    for (const accountId of changed) {
      const rows = fresh.get(accountId);
      if (rows) byAccount.set(accountId, rows);
      else byAccount.delete(accountId);
    }
  }
  organizations.set(s.organizationId, { key, mark: found?.mark ?? new Date(0), byAccount });
  return withNames(db, [...byAccount.values()].flat());
}

/** The pairs whose usual interval is (nearly) exceeded today; null = every account of the organization. */
function computeStats(db: Client, s: LoadScope, accounts: string[] | null): Promise<Stat[]> {
  const soon = addDays(s.today, 1);
  const since = addDays(s.today, -s.settings.reorderHistoryDays);
  const factor = 1 + s.settings.reorderMargin;
  return jsonRows<Stat>(db, Prisma.sql`
    WITH d AS (
      SELECT DISTINCT o."accountId", l."productId", (o."orderedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date AS day
      FROM "Order" o JOIN "OrderLine" l ON l."orderId" = o.id
      WHERE o."organizationId" = ${s.organizationId} AND (${accounts}::text[] IS NULL OR o."accountId" = ANY(${accounts}::text[]))
        AND o.status <> 'CANCELLED' AND o."orderedAt" >= ${since}::date),
    g AS (
      SELECT "accountId", "productId", day,
             day - lag(day) OVER (PARTITION BY "accountId", "productId" ORDER BY day) AS gap
      FROM d),
    s AS (
      SELECT "accountId", "productId", max(day) AS last, count(*)::int AS orders,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median
      FROM g GROUP BY "accountId", "productId" HAVING count(gap) >= 2)
    SELECT "accountId", "productId", last::text AS "lastDay", orders, median::float8 AS "medianGapDays"
    FROM s
    WHERE median > 0 AND last + (median * ${factor}::float8)::int <= ${soon}::date`);
}

function byAccountOf(stats: Stat[]): Map<string, Stat[]> {
  const map = new Map<string, Stat[]>();
  for (const stat of stats) {
    const list = map.get(stat.accountId);
    if (list) list.push(stat);
    else map.set(stat.accountId, [stat]);
  }
  return map;
}

/** Product names as they are now (a rename shows at once), for accounts that still exist. */
async function withNames(db: Client, stats: Stat[]): Promise<ReorderStatRow[]> {
  if (stats.length === 0) return [];
  return jsonRows<ReorderStatRow>(db, Prisma.sql`
    SELECT r."accountId", r."productId", p.sku, p.name AS "productName", r."lastDay", r.orders, r."medianGapDays"
    FROM jsonb_to_recordset(${JSON.stringify(stats)}::jsonb) AS r("accountId" text, "productId" text, "lastDay" text, orders int, "medianGapDays" float8)
      JOIN "Product" p ON p.id = r."productId" JOIN "Account" a ON a.id = r."accountId"`);
}
