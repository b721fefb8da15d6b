/**
 * A full check sweep (every flag rule, flags upserted, alerts written to the outbox) over 10,000
 * accounts, 1,000,000 invoices and 200,000 orders on PostgreSQL, against one plain
 * `SELECT count(*)` of the invoices table measured in the same run. Target: under 20x. Three
 * sweeps: the first ever (writes every flag), an hourly one after an hour of orders, the next day's.
 *
 *   npx tsx bench/checks.ts [--scale 1]     (BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/test)
 *
 * Data is bulk-loaded with generate_series in a database of its own, dropped afterwards.
 */
import { runChecks } from "../src/domain/checks.ts";
import { changeOrderStatus, logOrder } from "../src/domain/orders.ts";
import { openBenchPostgres } from "./support.ts";

const scaleArg = process.argv.indexOf("--scale");
const scale = scaleArg > 0 ? Number(process.argv[scaleArg + 1]) : 1;
const ACCOUNTS = Math.round(10_000 * scale);
const INVOICES = Math.round(1_000_000 * scale);
const ORDERS = Math.round(200_000 * scale);
const PRODUCTS = 200;
/** The product of order n (SQL): each account reorders three of its contract products in turn. */
const product = (n: string) => `(((${n} % ${ACCOUNTS}) + ((${n} / ${ACCOUNTS}) % 3) * 40) % ${PRODUCTS})`;
/** Orders logged between the two sweeps (a fifth of them also confirmed). */
const ACTIVITY = 100;
if (scale !== 1) console.log(`note: scaled to ${scale}x (${ACCOUNTS} accounts, ${INVOICES} invoices, ${ORDERS} orders)`);

const bench = await openBenchPostgres(8);
if (!bench) process.exit(0);
const { db, sql } = bench;
try {
  const now = new Date();
  const t0 = performance.now();
  await sql.query(`
    INSERT INTO "Organization" (id, name, "timeZone", settings) VALUES ('org-bench', 'Bench Org', 'Europe/Berlin', '{}');
    INSERT INTO "Member" (id, "organizationId", "displayName", "orgRole") VALUES ('mem-1', 'org-bench', 'Mia Manager', 'MANAGER');
    INSERT INTO "MemberIdentity" (id, "organizationId", "memberId", platform, "externalId") VALUES ('id-1', 'org-bench', 'mem-1', 'SLACK', 'UMIA');
    INSERT INTO "Product" (id, "organizationId", sku, name, currency, "listPriceMinor")
      SELECT 'p-' || g, 'org-bench', 'SKU-' || g, 'Product ' || g, 'EUR', 1000 + g FROM generate_series(0, ${PRODUCTS - 1}) g;
    INSERT INTO "Account" (id, "organizationId", name, currency)
      SELECT 'a-' || g, 'org-bench', 'Account ' || g, 'EUR' FROM generate_series(0, ${ACCOUNTS - 1}) g;
    INSERT INTO "AccountTeamMember" (id, "accountId", "memberId", role)
      SELECT 'tm-' || g, 'a-' || g, 'mem-1', 'ACCOUNT_MANAGER' FROM generate_series(0, ${ACCOUNTS - 1}) g;
    INSERT INTO "ChannelBinding" (id, "organizationId", "accountId", platform, "channelId")
      SELECT 'b-' || g, 'org-bench', 'a-' || g, 'SLACK', 'C' || g FROM generate_series(0, ${ACCOUNTS - 1}) g;
    -- One contract per account, staggered so that a few hundred near their notice deadline.
    INSERT INTO "Contract" (id, "organizationId", number, "accountId", name, "startsOn", "endsOn", "noticeDays", "paymentTermsDays", currency)
      SELECT 'c-' || g, 'org-bench', g, 'a-' || g, 'Frame ' || g, current_date - 400 + (g % 400), current_date - 400 + (g % 400) + 730, 90, 30, 'EUR'
      FROM generate_series(0, ${ACCOUNTS - 1}) g;
    INSERT INTO "ContractPrice" (id, "contractId", "productId", "priceMinor")
      SELECT 'cp-' || g || '-' || k, 'c-' || g, 'p-' || ((g + k * 40) % ${PRODUCTS}), 1000 + ((g + k * 40) % ${PRODUCTS})
      FROM generate_series(0, ${ACCOUNTS - 1}) g, generate_series(0, 4) k;
    INSERT INTO "ContractCommitment" (id, "contractId", "productId", quantity, period)
      SELECT 'cc-' || g, 'c-' || g, 'p-' || (g % ${PRODUCTS}), 5000, 'YEAR' FROM generate_series(0, ${ACCOUNTS - 1}, 5) g;
  `);
  await sql.query(`
    INSERT INTO "Order" (id, "organizationId", number, "accountId", status, currency, "totalMinor", "requestedOn", "orderedAt", "statusChangedAt")
      SELECT 'o-' || g, 'org-bench', g, 'a-' || (g % ${ACCOUNTS}),
             (CASE WHEN g % 100 = 0 THEN 'CANCELLED' WHEN g % 50 = 1 THEN 'CONFIRMED' ELSE 'INVOICED' END)::"OrderStatus",
             'EUR', 10 * (1000 + ${product('g')}) + (CASE WHEN g % 300 = 7 THEN 10 ELSE 0 END),
             current_date - 730 + (g::bigint * 730 / ${ORDERS})::int + 14, t, t
      FROM (SELECT g, now() - ((730 - (g::bigint * 730 / ${ORDERS})::int) || ' days')::interval AS t FROM generate_series(1, ${ORDERS}) g) s;
    INSERT INTO "Counter" ("organizationId", kind, value) VALUES ('org-bench', 'order', ${ORDERS});
    INSERT INTO "OrderLine" (id, "orderId", "lineNo", "productId", quantity, "unitPriceMinor")
      SELECT 'ol-' || g, 'o-' || g, 1, 'p-' || ${product('g')}, 10, 1000 + ${product('g')} + (CASE WHEN g % 300 = 7 THEN 1 ELSE 0 END)
      FROM generate_series(1, ${ORDERS}) g;
  `);
  // Invoices over five years; recent ones partly unpaid; a sprinkle of wrong amounts and terms.
  await sql.query(`
    INSERT INTO "Invoice" (id, "organizationId", "refNumber", "accountId", number, "amountMinor", currency, "issuedOn", "dueOn", "orderId", "paidOn")
      SELECT 'i-' || g, 'org-bench', g, 'a-' || (o % ${ACCOUNTS}), 'R-' || g,
             10 * (1000 + ${product('o')}) + (CASE WHEN g % 500 = 0 THEN 100 ELSE 0 END), 'EUR',
             current_date - age, current_date - age + (CASE WHEN g % 400 = 3 THEN 45 ELSE 30 END),
             CASE WHEN g % 1000 = 9 THEN NULL ELSE 'o-' || o END,
             CASE WHEN age < 90 AND g % 4 = 0 THEN NULL ELSE current_date - age + 20 END
      FROM (SELECT g, ((g - 1) % ${ORDERS}) + 1 AS o, 1825 - (g::bigint * 1825 / ${INVOICES})::int AS age FROM generate_series(1, ${INVOICES}) g) s;
    INSERT INTO "Case" (id, "organizationId", number, "accountId", subject, priority, status, "openedAt", "slaDueAt")
      SELECT 'k-' || g, 'org-bench', g, 'a-' || (g % ${ACCOUNTS}), 'Case ' || g, 'NORMAL',
             (CASE WHEN g % 20 = 0 THEN 'OPEN' ELSE 'CLOSED' END)::"CaseStatus", now() - interval '10 days', now() - ((g % 10) - 5 || ' days')::interval
      FROM generate_series(1, ${ACCOUNTS * 2}) g;
  `);
  await sql.query(`VACUUM ANALYZE`); // what autovacuum does on a live database (visibility map for index-only scans)
  console.log(`loaded ${ACCOUNTS} accounts, ${ORDERS} orders, ${INVOICES} invoices in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const countMs = async () => {
    const s = performance.now();
    await sql.query(`SELECT count(*) FROM "Invoice"`);
    return performance.now() - s;
  };
  await countMs(); // warm the cache the same way for both
  const count = Math.min(await countMs(), await countMs(), await countMs());

  const s1 = performance.now();
  const first = await runChecks(db.prisma, "org-bench", { now });
  const firstMs = performance.now() - s1;
  // An hour of work between the two sweeps: orders logged and moved on through the domain services.
  const actor = { organizationId: "org-bench", memberId: "mem-1", platform: null, now: new Date(now.getTime() + 1_800_000) };
  const logged = [];
  for (let k = 0; k < ACTIVITY; k++) {
    const order = await logOrder(db.prisma, actor, { account: `Account ${(k * 7919) % ACCOUNTS}`, lines: [{ product: `SKU-${((k * 7919) % ACCOUNTS) % PRODUCTS}`, quantity: 5 }] });
    logged.push(order.number);
  }
  for (const number of logged.slice(0, ACTIVITY / 5)) await changeOrderStatus(db.prisma, actor, { order: String(number), status: "CONFIRMED" });
  const s2 = performance.now();
  const second = await runChecks(db.prisma, "org-bench", { now: new Date(now.getTime() + 3_600_000) });
  const secondMs = performance.now() - s2;
  // The next day: a day of orders leaves the reorder history, counts in flags move on (shown, not
  // rewritten), some problems begin or end.
  const s3 = performance.now();
  const third = await runChecks(db.prisma, "org-bench", { now: new Date(now.getTime() + 24 * 3_600_000) });
  const thirdMs = performance.now() - s3;
  const byRule = new Map<string, number>();
  for (const a of first.announced) byRule.set(a.rule, (byRule.get(a.rule) ?? 0) + 1);

  console.log(`SELECT count(*) FROM "Invoice": ${count.toFixed(1)} ms (best of 3)`);
  console.log(`first sweep  (${first.findings} findings → ${first.opened} flags opened, ${first.notifications} outbox messages): ${firstMs.toFixed(0)} ms = ${(firstMs / count).toFixed(1)}x count(*)`);
  console.log(`second sweep, an hour later after ${ACTIVITY} orders logged (${second.findings} findings, ${second.opened} new, ${second.notifications} messages): ${secondMs.toFixed(0)} ms = ${(secondMs / count).toFixed(1)}x count(*)`);
  console.log(`third sweep, next day (${third.findings} findings, ${third.opened} new, ${third.resolved} resolved, ${third.notifications} messages): ${thirdMs.toFixed(0)} ms = ${(thirdMs / count).toFixed(1)}x count(*)`);
  const stages = (t: Record<string, number>) => JSON.stringify(Object.fromEntries(Object.entries(t).filter(([k]) => !k.startsWith("load."))));
  console.log(`stages (ms) of the first sweep: ${stages(first.timings)}; second: ${stages(second.timings)}; third: ${stages(third.timings)}`);
  const queries = (t: Record<string, number>) => JSON.stringify(Object.fromEntries(Object.entries(t).filter(([k]) => k.startsWith("load."))));
  console.log(`queries (ms, run together) of the first sweep: ${queries(first.timings)}; second: ${queries(second.timings)}`);
  const kinds = await sql.query(`SELECT payload->'announcement'->>'kind' AS kind, count(*)::int AS n FROM "Notification" GROUP BY 1 ORDER BY 1`);
  console.log(`outbox messages by kind (all sweeps): ${kinds.rows.map((r: { kind: string | null; n: number }) => `${r.kind ?? "reply"} ${r.n}`).join(", ")}`);
  console.log(`findings by rule: ${[...byRule].map(([r, n]) => `${r} ${n}`).join(", ")}`);
  const verdict = (ms: number) => (ms / count < 20 ? "met" : "NOT met");
  console.log(`target: under 20x → ${verdict(secondMs)} (hourly sweep), ${verdict(thirdMs)} (first sweep of a day), ${verdict(firstMs)} (first sweep ever, writing every flag)`);
} finally {
  await bench.close(process.argv.includes("--keep"));
}
