import { Prisma } from "../../generated/prisma/client.ts";
import { byAccount } from "./by-account.ts";
import { jsonRows } from "./json-rows.ts";
import type { Client, LoadScope, ReorderStatRow } from "./load.ts";
import { startOfDay } from "../exchange/instants.ts";
import { addDays, daysBetween } from "./time.ts";

/**
 * The reorder statistics (per account and product: last order day, order days, median interval over
 * `reorderHistoryDays`) cost more than any other part of a sweep: a year of order lines grouped and
 * sorted (bench/checks.ts). They change only when an account's orders do, or when one of its orders
 * leaves the history window as days go by. So they are computed in full once per process and
 * organization; later sweeps recompute only the accounts with orders created or changed since
 * (both set Order.statusChangedAt) or ordered on the days that left the window, which gives the
 * rows a full computation would. Which pairs look due today is decided afresh on every sweep.
 * Any new way of changing an order (its lines, day or status) must set statusChangedAt too.
 */

type Stat = Omit<ReorderStatRow, "sku" | "productName">;

interface Entry {
  /** The zone and history length the rows hold for. */
  key: string;
  /** First day of the history window the rows were computed over. */
  since: string;
  /** Orders changed at or after this instant (less SKEW_MS) are looked at again. */
  mark: Date;
  byAccount: Map<string, Stat[]>;
}

/** Allowance for a writer whose clock lags, or whose transaction commits minutes after it stamped the row. */
const SKEW_MS = 10 * 60_000;

/** Per database client (tests and benchmarks open several), per organization. */
const caches = new WeakMap<object, Map<string, Entry>>();

export async function reorderStats(db: Client, s: LoadScope): Promise<ReorderStatRow[]> {
  const since = addDays(s.today, -s.settings.reorderHistoryDays);
  if (s.accountId) return withNames(db, due(await computeStats(db, s, since, [s.accountId]), s));
  const key = `${s.timeZone}|${s.settings.reorderHistoryDays}`;
  let organizations = caches.get(db);
  if (!organizations) caches.set(db, (organizations = new Map()));
  const cached = organizations.get(s.organizationId);
  const usable = cached !== undefined && cached.key === key && cached.since <= since;
  const changedSince = usable ? new Date(cached.mark.getTime() - SKEW_MS) : null;
  const leftFrom = usable && cached.since < since ? cached.since : null;
  // The window's days begin where the organization is, not at UTC midnight.
  const leftFromAt = leftFrom && startOfDay(leftFrom, s.timeZone);
  // Read before computing: what changes meanwhile is looked at again next time.
  const [found] = await db.$queryRaw<{ mark: Date | null; changed: string[] }[]>`
    SELECT (SELECT max("statusChangedAt") FROM "Order" WHERE "organizationId" = ${s.organizationId}) AS mark,
           (SELECT coalesce(array_agg(DISTINCT "accountId"), '{}') FROM "Order"
            WHERE "organizationId" = ${s.organizationId}
              AND ((${changedSince}::timestamp IS NOT NULL AND "statusChangedAt" >= ${changedSince}::timestamp)
                OR (${leftFromAt}::timestamp IS NOT NULL
                    AND "orderedAt" >= ${leftFromAt}::timestamp AND "orderedAt" < ${startOfDay(since, s.timeZone)}::timestamp))) AS changed`;
  const changed = found?.changed ?? [];
  let stats: Map<string, Stat[]>;
  if (!usable) {
    stats = byAccount(await computeStats(db, s, since, null));
  } else if (changed.length === 0) {
    stats = cached.byAccount;
  } else {
    const fresh = byAccount(await computeStats(db, s, since, changed));
    stats = new Map(cached.byAccount);
    for (const accountId of changed) {
      const rows = fresh.get(accountId);
      if (rows) stats.set(accountId, rows);
      else stats.delete(accountId);
    }
  }
  organizations.set(s.organizationId, { key, since, mark: found?.mark ?? new Date(0), byAccount: stats });
  return withNames(db, due([...stats.values()].flat(), s));
}

/**
 * Pairs with at least three order days since `since`; null = every account of the organization.
 * SQL collects each pair's order days (one hashed aggregate, no sort); the intervals and their median
 * (percentile_cont's, interpolated) are computed here: sorting 100k days for a window function
 * cost the first sweep more than all else it reads (bench/checks.ts).
 */
async function computeStats(db: Client, s: LoadScope, since: string, accounts: string[] | null): Promise<Stat[]> {
  // Days as numbers since `since`; an account ordering twice a day repeats one (dropped below).
  const pairs = await jsonRows<{ accountId: string; productId: string; days: number[] }>(db, Prisma.sql`
    SELECT o."accountId", l."productId", array_agg((o."orderedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${s.timeZone})::date - ${since}::date) AS days
    FROM "Order" o JOIN "OrderLine" l ON l."orderId" = o.id
    WHERE o."organizationId" = ${s.organizationId} AND (${accounts}::text[] IS NULL OR o."accountId" = ANY(${accounts}::text[]))
      AND o.status <> 'CANCELLED' AND o."orderedAt" >= ${startOfDay(since, s.timeZone)}::timestamp
    GROUP BY o."accountId", l."productId" HAVING count(*) >= 3`);
  const stats: Stat[] = [];
  for (const { accountId, productId, days: all } of pairs) {
    all.sort((x, y) => x - y);
    const days = all.filter((day, k) => k === 0 || day !== all[k - 1]);
    if (days.length < 3) continue;
    const gaps: number[] = [];
    for (let k = 1; k < days.length; k++) gaps.push(days[k]! - days[k - 1]!);
    gaps.sort((x, y) => x - y);
    const at = (gaps.length - 1) / 2;
    const low = gaps[Math.floor(at)]!;
    const median = low + (gaps[Math.ceil(at)]! - low) * (at - Math.floor(at));
    if (median > 0) stats.push({ accountId, productId, lastDay: addDays(since, days[days.length - 1]!), orders: days.length, medianGapDays: median });
  }
  return stats;
}

/** The pairs whose usual interval is exceeded today (the rule's own test, so that only these get names). */
function due(stats: Stat[], s: LoadScope): Stat[] {
  const factor = 1 + s.settings.reorderMargin;
  return stats.filter((r) => daysBetween(r.lastDay, s.today) > r.medianGapDays * factor);
}

/** Product names as they are now (a rename shows at once), for accounts that still exist. */
async function withNames(db: Client, stats: Stat[]): Promise<ReorderStatRow[]> {
  if (stats.length === 0) return [];
  return jsonRows<ReorderStatRow>(db, Prisma.sql`
    SELECT r."accountId", r."productId", p.sku, p.name AS "productName", r."lastDay", r.orders, r."medianGapDays"
    FROM jsonb_to_recordset(${JSON.stringify(stats)}::jsonb) AS r("accountId" text, "productId" text, "lastDay" text, orders int, "medianGapDays" float8)
      JOIN "Product" p ON p.id = r."productId" JOIN "Account" a ON a.id = r."accountId"`);
}
