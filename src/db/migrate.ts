import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

/** A single database session: the advisory lock and the migrations must share it. */
export interface SqlSession {
  exec(sql: string): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
}

/** The session of an embedded PGlite (structurally: its exec and query), for the migrations. */
export function pgliteSession(db: { exec(sql: string): Promise<unknown>; query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }> }): SqlSession {
  return {
    exec: async (sql) => void (await db.exec(sql)),
    query: async (sql, params) => (await db.query(sql, params)).rows as Record<string, unknown>[],
  };
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

export class MigrationError extends Error {}

// Any constant shared by every kam process; "kam" in ASCII.
const ADVISORY_LOCK_KEY = 0x6b616d;

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return migrationNames(dir).map((name) => {
    const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
    return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
  });
}

export function migrationNames(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * The number of migrations when every committed one is applied and finished and nothing else is
 * recorded, else null: one query and a directory listing, no migration file read and no lock, for
 * the start of every command. Anything else (a new migration, a half-way one, a fresh database)
 * goes through applyMigrations, which also compares checksums.
 */
export async function migrationsUpToDate(session: SqlSession, names = migrationNames()): Promise<number | null> {
  let rows: Record<string, unknown>[];
  try {
    rows = await session.query(`SELECT migration_name, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`);
  } catch {
    return null; // no bookkeeping table yet
  }
  if (rows.length !== names.length || rows.some((r) => r.finished_at === null)) return null;
  const applied = new Set(rows.map((r) => String(r.migration_name)));
  return names.every((name) => applied.has(name)) ? names.length : null;
}

// The same table Prisma's migrate engine keeps, so `prisma migrate status|deploy` agree with kam.
const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies the committed migrations that are not yet applied, under a PostgreSQL advisory lock,
 * each in its own transaction. Refuses to run when an applied migration's file has changed or a
 * previous attempt failed half-way.
 */
export async function applyMigrations(session: SqlSession, migrations = readMigrations()): Promise<MigrationReport> {
  await session.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
  try {
    await session.exec(BOOKKEEPING);
    const rows = await session.query(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const applied = new Map(rows.map((r) => [String(r.migration_name), r]));
    for (const row of rows) {
      if (row.finished_at === null) {
        throw new MigrationError(
          `Migration ${String(row.migration_name)} failed half-way earlier; repair the database, then mark it rolled back.`,
        );
      }
    }
    for (const m of migrations) {
      const row = applied.get(m.name);
      if (row && row.checksum !== m.checksum) {
        throw new MigrationError(
          `Migration ${m.name} was changed after it was applied (checksum ${String(row.checksum).slice(0, 12)}… in the database, ` +
            `${m.checksum.slice(0, 12)}… on disk). Restore the original file; put changes in a new migration.`,
        );
      }
    }
    const pending = migrations.filter((m) => !applied.has(m.name));
    for (const m of pending) {
      const id = randomUUID();
      await session.exec("BEGIN");
      try {
        await session.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
          [id, m.checksum, m.name],
        );
        await session.exec(m.sql);
        await session.query(
          `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
          [id],
        );
        await session.exec("COMMIT");
      } catch (error) {
        await session.exec("ROLLBACK");
        throw new MigrationError(`Migration ${m.name} failed and was rolled back: ${(error as Error).message}`);
      }
    }
    return { applied: pending.map((m) => m.name), alreadyApplied: migrations.length - pending.length };
  } finally {
    await session.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]);
  }
}
