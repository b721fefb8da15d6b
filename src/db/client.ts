import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { applyMigrations, type MigrationReport, type SqlSession } from "./migrate.ts";

export type Db = PrismaClient;

export interface Database {
  prisma: PrismaClient;
  kind: "pglite" | "postgres";
  /** Where the data lives, without credentials. */
  location: string;
  migrate(): Promise<MigrationReport>;
  /** Runs raw SQL on a connection of its own (benchmarks, health checks). */
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { kind: "pglite"; dataDir: string | "memory" }
  | { kind: "postgres"; url: string; poolSize?: number };

export function databaseOptions(config: { DATABASE_URL?: string | undefined; DATA_DIR: string }): DatabaseOptions {
  return config.DATABASE_URL ? { kind: "postgres", url: config.DATABASE_URL } : { kind: "pglite", dataDir: config.DATA_DIR };
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.kind === "pglite" ? openPglite(options.dataDir) : openPostgres(options.url, options.poolSize);
}

/**
 * PostgreSQL's settings for one embedded database of a small team: PGlite starts with
 * PostgreSQL's server defaults (shared_buffers=128MB, sized for a machine-wide server), and the
 * buffers it touches grow its WebAssembly heap past the 128 MiB the module needs anyway
 * (initialMemory cannot go below that). 16MB of shared buffers keep the heap at 128 MiB; idle RSS
 * after one query fell from 357 to 241 MiB here. Command-line options (startParams), not
 * `postgresqlconf`, which would rewrite the data directory's postgresql.conf.
 */
const PGLITE_OPTIONS = {
  startParams: [
    ...PGlite.defaultStartParams,
    ...["shared_buffers=16MB", "temp_buffers=2MB", "maintenance_work_mem=16MB", "max_connections=10"].flatMap((setting) => ["-c", setting]),
  ],
};

async function openPglite(dataDir: string): Promise<Database> {
  const release = dataDir === "memory" ? () => {} : await lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = dataDir === "memory" ? new PGlite(PGLITE_OPTIONS) : new PGlite(dataDir, PGLITE_OPTIONS);
    await pglite.waitReady;
  } catch (error) {
    release();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const session: SqlSession = {
    exec: async (sql) => void (await pglite.exec(sql)),
    query: async (sql, params) => (await pglite.query(sql, params)).rows as Record<string, unknown>[],
  };
  return {
    prisma,
    kind: "pglite",
    location: dataDir === "memory" ? "in memory" : dataDir,
    migrate: () => applyMigrations(session),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      release();
    },
  };
}

async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  // JIT off: kam's statements are short, and the sweep's larger ones spent more compiling than
  // running (bench/checks.ts: one 1.5 s query, 1.3 s of it JIT; the load stage 1.9 s → 1.0 s).
  // An `options` parameter in the URL overrides this.
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: poolSize, options: "-c jit=off" }) });
  return {
    prisma,
    kind: "postgres",
    location: redactUrl(url),
    async migrate() {
      // Migrations run on a connection of their own so the advisory lock is held by one session.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return await applyMigrations({
          exec: async (sql) => void (await client.query(sql)),
          query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
        });
      } finally {
        await client.end();
      }
    },
    async close() {
      await prisma.$disconnect();
    },
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgresql://…";
  }
}
