/**
 * `kam import` of 100,000 invoice rows from one CSV file (parsed, validated, matched, written with
 * their audit events in one transaction) on PostgreSQL, against a plain `COPY` of the same file
 * into a bare table in the same run. Target: under 10x. Then the same on PGlite (reported).
 * `--kind orders` does the same with order lines, four per order, half of them without a price
 * (those take the contract price in force on the day ordered, or the list price), and `--kind cases`
 * with a helpdesk's cases, `--kind products` with a catalog: an ERP's history and master data, reported.
 *
 *   npx tsx bench/import.ts [--rows 100000] [--kind invoices|orders|cases|products] [--postgres-only]
 *     (BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/test)
 *
 * The PostgreSQL COPY reads the file server-side (the server runs on this machine); PGlite's reads
 * it from a blob, into a second in-memory PGlite. Each run prints where the import's time went
 * (parse, validate, lookups, match, writes, accounts, forecast).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { openDatabase, type Database } from "../src/db/client.ts";
import type { Actor } from "../src/domain/actor.ts";
import { importFile } from "../src/domain/exchange/import-file.ts";
import { openBenchPostgres } from "./support.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ROWS = Number(arg("--rows") ?? 100_000);
const KINDS = ["invoices", "orders", "cases", "products"] as const;
const KIND = (arg("--kind") ?? "invoices") as (typeof KINDS)[number];
if (!KINDS.includes(KIND)) throw new Error(`--kind: ${KINDS.join(", ")}, not ${KIND}`);
const ACCOUNTS = 200;
const PRODUCTS = 100;
const LINES_PER_ORDER = 4;
const day = (from: number, i: number) => new Date(from + (i % 700) * 86_400_000).toISOString().slice(0, 10);

const FILES = {
  invoices: {
    bare: `(account text, number text, amount numeric, currency text, issued_on date, due_on date, paid_on date, "order" text)`,
    header: "account,number,amount,currency,issued_on,due_on,paid_on,order",
    row: (i: number) =>
      `ERP-${i % ACCOUNTS},RE-${100000 + i},${(i % 9000) + 10}.${String(i % 100).padStart(2, "0")},EUR,${day(Date.UTC(2024, 0, 1), i)},,${i % 3 === 0 ? day(Date.UTC(2024, 0, 20), i) : ""},`,
    records: ROWS,
  },
  orders: {
    bare: `(account text, "order" text, ordered_on date, sku text, quantity numeric, unit_price numeric, currency text, requested_on date, po text, status text)`,
    header: "account,order,ordered_on,sku,quantity,unit_price,currency,requested_on,po,status",
    row: (i: number) => {
      const o = Math.floor(i / LINES_PER_ORDER);
      const price = o % 2 ? `${(o % 90) + 10}.50` : "";
      return `ERP-${o % ACCOUNTS},SO-${o},${day(Date.UTC(2024, 0, 1), o)},SKU-${(o + (i % LINES_PER_ORDER) * 7) % PRODUCTS},${(i % LINES_PER_ORDER) + 1},${price},EUR,,PO-${o},invoiced`;
    },
    records: Math.ceil(ROWS / LINES_PER_ORDER),
  },
  cases: {
    bare: `(account text, "case" text, subject text, priority text, opened_at timestamp, closed_at timestamp)`,
    header: "account,case,subject,priority,opened_at,closed_at",
    row: (i: number) =>
      `ERP-${i % ACCOUNTS},HD-${i},Delivery question ${i},${["low", "normal", "high"][i % 3]},${day(Date.UTC(2024, 0, 1), i)} 09:30,${i % 10 ? `${day(Date.UTC(2024, 0, 3), i)} 16:00` : ""}`,
    records: ROWS,
  },
  products: {
    bare: `(sku text, name text, unit text, list_price numeric)`,
    header: "sku,name,unit,list_price",
    row: (i: number) => `ART-${100000 + i},Article ${i},${i % 4 ? "pcs" : "kg"},${(i % 500) + 1}.${String(i % 100).padStart(2, "0")}`,
    records: ROWS,
  },
}[KIND];
const TABLE = `bare_${KIND}`;
const BARE = `CREATE TABLE ${TABLE} ${FILES.bare}`;

const dir = mkdtempSync(join(tmpdir(), "kam-bench-import-"));
chmodSync(dir, 0o755);
const file = join(dir, `${KIND}.csv`);
const lines = [FILES.header];
for (let i = 0; i < ROWS; i++) lines.push(FILES.row(i));
writeFileSync(file, lines.join("\n") + "\n");
chmodSync(file, 0o644);
const text = readFileSync(file, "utf8");
console.log(`${ROWS} ${{ invoices: "invoice rows", orders: `order lines (${FILES.records} orders)`, cases: "cases", products: "products" }[KIND]}, ${(text.length / 1e6).toFixed(1)} MB, ${ACCOUNTS} accounts`);

async function seed(db: Database): Promise<Actor> {
  const org = await db.prisma.organization.create({ data: { name: "Bench Org" } });
  await db.prisma.account.createMany({
    data: Array.from({ length: ACCOUNTS }, (_, i) => ({ organizationId: org.id, name: `Account ${i}`, currency: "EUR", externalId: `ERP-${i}` })),
  });
  if (KIND === "orders") await seedContracts(db, org.id);
  return { organizationId: org.id, memberId: null, platform: null, now: new Date() };
}

/** Products, and a contract per account pricing a third of them: a line without a price takes it or the list price. */
async function seedContracts(db: Database, organizationId: string) {
  await db.prisma.product.createMany({
    data: Array.from({ length: PRODUCTS }, (_, i) => ({ organizationId, sku: `SKU-${i}`, name: `Product ${i}`, currency: "EUR", listPriceMinor: 1000n + BigInt(i) })),
  });
  const [accounts, products] = await Promise.all([
    db.prisma.account.findMany({ where: { organizationId }, select: { id: true } }),
    db.prisma.product.findMany({ where: { organizationId }, select: { id: true } }),
  ]);
  await db.prisma.contract.createMany({
    data: accounts.map((a, i) => ({ organizationId, number: i + 1, accountId: a.id, name: `Frame ${i}`, startsOn: new Date("2024-06-01"), endsOn: new Date("2026-05-31"), currency: "EUR" })),
  });
  const contracts = await db.prisma.contract.findMany({ where: { organizationId }, select: { id: true } });
  await db.prisma.contractPrice.createMany({
    data: contracts.flatMap((c) => products.filter((_, i) => i % 3 === 0).map((p, i) => ({ contractId: c.id, productId: p.id, priceMinor: 900n + BigInt(i) }))),
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

/** Where an import's time went: parse, validate, the importer's stages, accounts, forecast. */
const stages = (timings: Record<string, number>) => Object.entries(timings).map(([k, v]) => `${k} ${v}`).join(", ");

async function measureImport(db: Database, actor: Actor) {
  const firstTimings: Record<string, number> = {};
  const first = await timed(() => importFile(db.prisma, actor, text, { dryRun: false, timings: firstTimings }));
  if (first.value.errors.length || first.value.created !== FILES.records) throw new Error(`import failed: ${JSON.stringify(first.value.errors.slice(0, 3))}`);
  const againTimings: Record<string, number> = {};
  const again = await timed(() => importFile(db.prisma, actor, text, { dryRun: false, timings: againTimings }));
  if (again.value.unchanged !== FILES.records) throw new Error("re-import changed something");
  return { first: first.ms, again: again.ms, stages: `  import: ${stages(firstTimings)}\n  re-import: ${stages(againTimings)}` };
}

try {
  const pg = await openBenchPostgres(4);
  if (pg) {
    try {
      const actor = await seed(pg.db);
      await pg.sql.query(BARE);
      const copy = await timed(() => pg.sql.query(`COPY ${TABLE} FROM '${file}' WITH (FORMAT csv, HEADER true)`));
      const run = await measureImport(pg.db, actor);
      console.log(`PostgreSQL: COPY ${copy.ms.toFixed(0)} ms · import ${run.first.toFixed(0)} ms (${(run.first / copy.ms).toFixed(1)}x COPY${KIND === "invoices" ? ", target ≤ 10x" : ""}) · re-import (all unchanged) ${run.again.toFixed(0)} ms (${(run.again / copy.ms).toFixed(1)}x)`);
      console.log(run.stages);
    } finally {
      await pg.close();
    }
  }
  if (!process.argv.includes("--postgres-only")) {
    const lite = await openDatabase({ kind: "pglite", dataDir: "memory" });
    try {
      await lite.migrate();
      const actor = await seed(lite);
      const bare = new PGlite();
      await bare.exec(BARE);
      const copy = await timed(() => bare.query(`COPY ${TABLE} FROM '/dev/blob' WITH (FORMAT csv, HEADER true)`, [], { blob: new Blob([text]) }));
      await bare.close();
      const run = await measureImport(lite, actor);
      console.log(`PGlite: COPY ${copy.ms.toFixed(0)} ms · import ${run.first.toFixed(0)} ms (${(run.first / copy.ms).toFixed(1)}x COPY) · re-import ${run.again.toFixed(0)} ms (${(run.again / copy.ms).toFixed(1)}x)`);
      console.log(run.stages);
    } finally {
      await lite.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
