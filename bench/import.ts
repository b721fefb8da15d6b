/**
 * `kam import` of 100,000 invoice rows from one CSV file (parsed, validated, matched, written with
 * their audit events in one transaction) on PostgreSQL, against a plain `COPY` of the same file
 * into a bare table in the same run. Target: under 10x. Then the same on PGlite (reported).
 *
 *   npx tsx bench/import.ts [--rows 100000] [--postgres-only]     (BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/test)
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

const rowsArg = process.argv.indexOf("--rows");
const ROWS = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 100_000;
const ACCOUNTS = 200;
const BARE = `CREATE TABLE bare_invoices (account text, number text, amount numeric, currency text, issued_on date, due_on date, paid_on date, "order" text)`;

const dir = mkdtempSync(join(tmpdir(), "kam-bench-import-"));
chmodSync(dir, 0o755);
const file = join(dir, "invoices.csv");
const lines = ["account,number,amount,currency,issued_on,due_on,paid_on,order"];
for (let i = 0; i < ROWS; i++) {
  const issued = new Date(Date.UTC(2024, 0, 1) + (i % 700) * 86_400_000).toISOString().slice(0, 10);
  const paid = i % 3 === 0 ? new Date(Date.UTC(2024, 0, 20) + (i % 700) * 86_400_000).toISOString().slice(0, 10) : "";
  lines.push(`ERP-${i % ACCOUNTS},RE-${100000 + i},${(i % 9000) + 10}.${String(i % 100).padStart(2, "0")},EUR,${issued},,${paid},`);
}
writeFileSync(file, lines.join("\n") + "\n");
chmodSync(file, 0o644);
const text = readFileSync(file, "utf8");
console.log(`${ROWS} invoice rows, ${(text.length / 1e6).toFixed(1)} MB, ${ACCOUNTS} accounts`);

async function seed(db: Database): Promise<Actor> {
  const org = await db.prisma.organization.create({ data: { name: "Bench Org" } });
  await db.prisma.account.createMany({
    data: Array.from({ length: ACCOUNTS }, (_, i) => ({ organizationId: org.id, name: `Account ${i}`, currency: "EUR", externalId: `ERP-${i}` })),
  });
  return { organizationId: org.id, memberId: null, platform: null, now: new Date() };
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
  if (first.value.errors.length || first.value.created !== ROWS) throw new Error(`import failed: ${JSON.stringify(first.value.errors.slice(0, 3))}`);
  const againTimings: Record<string, number> = {};
  const again = await timed(() => importFile(db.prisma, actor, text, { dryRun: false, timings: againTimings }));
  if (again.value.unchanged !== ROWS) throw new Error("re-import changed something");
  return { first: first.ms, again: again.ms, stages: `  import: ${stages(firstTimings)}\n  re-import: ${stages(againTimings)}` };
}

try {
  const pg = await openBenchPostgres(4);
  if (pg) {
    try {
      const actor = await seed(pg.db);
      await pg.sql.query(BARE);
      const copy = await timed(() => pg.sql.query(`COPY bare_invoices FROM '${file}' WITH (FORMAT csv, HEADER true)`));
      const run = await measureImport(pg.db, actor);
      console.log(`PostgreSQL: COPY ${copy.ms.toFixed(0)} ms · import ${run.first.toFixed(0)} ms (${(run.first / copy.ms).toFixed(1)}x COPY, target ≤ 10x) · re-import (all unchanged) ${run.again.toFixed(0)} ms (${(run.again / copy.ms).toFixed(1)}x)`);
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
      const copy = await timed(() => bare.query(`COPY bare_invoices FROM '/dev/blob' WITH (FORMAT csv, HEADER true)`, [], { blob: new Blob([text]) }));
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
