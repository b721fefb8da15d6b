import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { applyMigrations, migrationNames, migrationsUpToDate, readMigrations, type SqlSession } from "../../src/db/migrate.ts";
import { pendingSchemaDiff } from "../../scripts/schema-engine.ts";
import { createPostgresDatabase, TEST_DATABASE_URL } from "../support/databases.ts";

function pgliteSession(db: PGlite): SqlSession {
  return {
    exec: async (sql) => void (await db.exec(sql)),
    query: async (sql, params) => (await db.query(sql, params)).rows as Record<string, unknown>[],
  };
}

async function pgSession(url: string): Promise<SqlSession & { end(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    exec: async (sql) => void (await client.query(sql)),
    query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
    end: () => client.end(),
  };
}

describe("migrations", () => {
  it("agree with schema.prisma (Prisma's engine finds nothing left to migrate)", async () => {
    expect(await pendingSchemaDiff()).toBe("");
  });

  it("are Prisma's layout with a lock file, and their checksums are sha256 hex", () => {
    const migrations = readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    for (const m of migrations) {
      expect(m.name).toMatch(/^\d{14}_[a-z0-9_]+$/);
      expect(m.checksum).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("apply to an empty PGlite, keep Prisma's bookkeeping, and re-running is a no-op", async () => {
    const db = new PGlite();
    const session = pgliteSession(db);
    const first = await applyMigrations(session);
    expect(first.applied).toEqual(readMigrations().map((m) => m.name));
    const second = await applyMigrations(session);
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied.length });
    const rows = (await db.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations"`,
    )).rows;
    expect(rows.map((r) => r.migration_name)).toEqual(first.applied);
    expect(rows.every((r) => r.finished_at !== null && r.applied_steps_count === 1)).toBe(true);
    expect(rows[0]!.checksum).toBe(readMigrations()[0]!.checksum);
    const tables = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'Order'`)).rows;
    expect(tables[0]!.n).toBe(1);
    await db.close();
  });

  it("refuse a migration file changed after it was applied, and change nothing", async () => {
    const db = new PGlite();
    const session = pgliteSession(db);
    await applyMigrations(session);
    const tampered = readMigrations().map((m, i) => (i === 0 ? { ...m, sql: m.sql + "\n-- edited", checksum: "0".repeat(64) } : m));
    await expect(applyMigrations(session, tampered)).rejects.toThrow(/was changed after it was applied/);
    const rows = (await db.query(`SELECT * FROM "_prisma_migrations"`)).rows;
    expect(rows).toHaveLength(readMigrations().length);
    await db.close();
  });

  it("are found up to date by one query only when exactly the committed ones are applied and finished", async () => {
    const db = new PGlite();
    const session = pgliteSession(db);
    const names = migrationNames();
    expect(await migrationsUpToDate(session)).toBeNull(); // no bookkeeping table
    await applyMigrations(session);
    expect(await migrationsUpToDate(session)).toBe(names.length);
    // A migration committed after the last start is not applied yet.
    expect(await migrationsUpToDate(session, [...names, "20990101000000_next"])).toBeNull();
    // One that failed half-way earlier goes to applyMigrations, which refuses it.
    await db.query(`UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = $1`, [names.at(-1)]);
    expect(await migrationsUpToDate(session)).toBeNull();
    await expect(applyMigrations(session)).rejects.toThrow(/failed half-way/);
    await db.close();
  });

  it("roll back a failing migration whole and record nothing for it", async () => {
    const db = new PGlite();
    const session = pgliteSession(db);
    const broken = [{ name: "20990101000000_broken", sql: "CREATE TABLE a (id int); SELECT * FROM missing_table;", checksum: "f".repeat(64) }];
    await expect(applyMigrations(session, broken)).rejects.toThrow(/failed and was rolled back/);
    const tables = (await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'a'`)).rows;
    expect(tables).toHaveLength(0);
    expect((await db.query(`SELECT * FROM "_prisma_migrations"`)).rows).toHaveLength(0);
    await db.close();
  });

  const onPostgres = TEST_DATABASE_URL ? describe : describe.skip;
  onPostgres("on PostgreSQL", () => {
    it("apply to an empty database and re-running is a no-op", async () => {
      const target = await createPostgresDatabase();
      const s = await pgSession(target.url);
      try {
        const first = await applyMigrations(s);
        expect(first.applied).toHaveLength(readMigrations().length);
        expect((await applyMigrations(s)).applied).toEqual([]);
      } finally {
        await s.end();
        await target.drop();
      }
    });

    it("two processes migrating at once both succeed and apply each migration once", async () => {
      const target = await createPostgresDatabase();
      const a = await pgSession(target.url);
      const b = await pgSession(target.url);
      try {
        const [ra, rb] = await Promise.all([applyMigrations(a), applyMigrations(b)]);
        const total = readMigrations().length;
        expect(ra.applied.length + rb.applied.length).toBe(total);
        expect(ra.alreadyApplied + rb.alreadyApplied).toBe(total);
        const rows = await a.query(`SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY 1`);
        expect(rows).toHaveLength(total);
        expect(rows.every((r) => r.n === 1)).toBe(true);
      } finally {
        await a.end();
        await b.end();
        await target.drop();
      }
    });
  });
});
