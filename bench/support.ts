import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "../src/db/client.ts";
import { createScratchDatabase } from "../test/support/scratch-database.ts";

/** A fresh database on the benchmark's PostgreSQL server (BENCH_DATABASE_URL), dropped afterwards. */
export async function benchPostgres(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
  try {
    return await createScratchDatabase(base, "kam_bench");
  } catch (error) {
    console.log(`PostgreSQL not usable at ${base} (${(error as Error).message}): PostgreSQL figures skipped.`);
    return null;
  }
}

/**
 * A fresh, migrated database on the benchmark's PostgreSQL server with kam's client and a plain pg
 * client (for bulk loading and reference queries). `close(keep)` closes both and drops the database
 * unless kept.
 */
export async function openBenchPostgres(poolSize: number): Promise<{ url: string; db: Database; sql: pg.Client; close(keep?: boolean): Promise<void> } | null> {
  const target = await benchPostgres();
  if (!target) return null;
  const db = await openDatabase({ kind: "postgres", url: target.url, poolSize });
  const sql = new pg.Client({ connectionString: target.url });
  const close = async (keep = false) => {
    await sql.end().catch(() => {});
    await db.close();
    if (keep) console.log(`kept ${target.url}`);
    else await target.drop();
  };
  try {
    await db.migrate();
    await sql.connect();
  } catch (error) {
    await close();
    throw error;
  }
  return { url: target.url, db, sql, close };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs `task` `total` times with `concurrency` workers; returns elapsed ms. */
export async function runConcurrent(total: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await task(next++);
    }),
  );
  return performance.now() - start;
}

/** Runs `measure` on a fresh PGlite data directory, then on a fresh PostgreSQL database (when reachable). */
export async function onEachDatabase(measure: (label: string, db: Database) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "kam-bench-"));
  const pglite = await openDatabase({ kind: "pglite", dataDir: dir });
  try {
    await pglite.migrate();
    await measure("PGlite", pglite);
  } finally {
    await pglite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const server = await benchPostgres();
  if (!server) return;
  const postgres = await openDatabase({ kind: "postgres", url: server.url, poolSize: 16 });
  try {
    await postgres.migrate();
    await measure("PostgreSQL", postgres);
  } finally {
    await postgres.close();
    await server.drop();
  }
}
