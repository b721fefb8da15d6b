import type { PGlite } from "@electric-sql/pglite";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { applyMigrations, migrationsUpToDate, pgliteSession, type MigrationReport, type SqlSession } from "./migrate.ts";

export type Db = PrismaClient;

export interface Database {
  prisma: PrismaClient;
  kind: "pglite" | "postgres";
  /** Where the data lives, without credentials. */
  location: string;
  /**
   * Applies the migrations not applied yet. When the database already has exactly the committed
   * ones, this is one query (see migrationsUpToDate); `verify` checks every applied migration's
   * checksum against its file even then (`kam migrate`).
   */
  migrate(options?: MigrateOptions): Promise<MigrationReport>;
  /** Runs raw SQL on a connection of its own (benchmarks, health checks). */
  close(): Promise<void>;
}

export interface MigrateOptions {
  verify?: boolean;
}

async function migrateSession(session: SqlSession, options: MigrateOptions = {}): Promise<MigrationReport> {
  const current = options.verify ? null : await migrationsUpToDate(session);
  return current === null ? applyMigrations(session) : { applied: [], alreadyApplied: current };
}

export type DatabaseOptions =
  | { kind: "pglite"; dataDir: string | "memory" }
  | { kind: "postgres"; url: string; poolSize?: number };

export function databaseOptions(config: { DATABASE_URL?: string | undefined; DATA_DIR: string }): DatabaseOptions {
  return config.DATABASE_URL ? { kind: "postgres", url: config.DATABASE_URL } : { kind: "pglite", dataDir: config.DATA_DIR };
}

export interface OpenHooks {
  /**
   * Called with the client as soon as it exists, before the database is ready and before any
   * migration: for reads a command knows it will make. Prisma compiles a query's plan the first
   * time it meets its shape (on a cold start some 100 ms for a nested one, on the main thread);
   * asked now, that happens while PGlite starts. What it asks may fail (the tables are not there
   * yet): it must treat a failure as "not known yet" and ask again after migrating.
   */
  whileStarting?: (prisma: PrismaClient) => void;
}

export async function openDatabase(options: DatabaseOptions, hooks: OpenHooks = {}): Promise<Database> {
  return options.kind === "pglite" ? openPglite(options.dataDir, hooks) : openPostgres(options.url, options.poolSize, hooks);
}

/**
 * Loads Prisma's query compiler (a WebAssembly module: compiled, instantiated, handed the schema)
 * now, in the background, rather than at the first query: it overlaps with PGlite's start-up or
 * the migrations. A failure here is not lost: the first query tries again and reports it.
 */
function connectEarly(prisma: PrismaClient): PrismaClient {
  prisma.$connect().catch(() => {});
  return prisma;
}

/**
 * PostgreSQL's settings for one embedded database of a small team: PGlite starts with
 * PostgreSQL's server defaults (shared_buffers=128MB, sized for a machine-wide server), and the
 * buffers it touches grow its WebAssembly heap past the 128 MiB the module needs anyway
 * (initialMemory cannot go below that). 16MB of shared buffers keep the heap at 128 MiB; idle RSS
 * after one query fell from 357 to 241 MiB here. Command-line options (startParams), not
 * `postgresqlconf`, which would rewrite the data directory's postgresql.conf.
 */
const pgliteOptions = (defaults: string[]) => ({
  startParams: [
    ...defaults,
    ...["shared_buffers=16MB", "temp_buffers=2MB", "maintenance_work_mem=16MB", "max_connections=10"].flatMap((setting) => ["-c", setting]),
  ],
});

// Each kind loads only its own driver: `kam` on PGlite never loads pg, on PostgreSQL never PGlite.
async function openPglite(dataDir: string, hooks: OpenHooks): Promise<Database> {
  const release = dataDir === "memory" ? () => {} : await lockDataDir(dataDir);
  let pglite: PGlite;
  let prisma: PrismaClient;
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const options = pgliteOptions(PGlite.defaultStartParams);
    // PGlite first: while it reads its files and compiles its WebAssembly off the main thread, the
    // Prisma client (some 300 KB of JavaScript and its query compiler) loads.
    pglite = dataDir === "memory" ? new PGlite(options) : new PGlite(dataDir, options);
    const [{ PrismaClient }, { PrismaPGlite }] = await Promise.all([import("../generated/prisma/client.ts"), import("pglite-prisma-adapter")]);
    // The adapter only keeps the PGlite object: the query compiler loads while PGlite starts.
    prisma = connectEarly(new PrismaClient({ adapter: new PrismaPGlite(pglite) }));
    hooks.whileStarting?.(prisma);
    await pglite.waitReady;
  } catch (error) {
    release();
    throw error;
  }
  const session = pgliteSession(pglite);
  return {
    prisma,
    kind: "pglite",
    location: dataDir === "memory" ? "in memory" : dataDir,
    migrate: (options) => migrateSession(session, options),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      release();
    },
  };
}

async function openPostgres(url: string, poolSize: number | undefined, hooks: OpenHooks): Promise<Database> {
  const [{ PrismaClient }, { PrismaPg }, { default: pg }] = await Promise.all([import("../generated/prisma/client.ts"), import("@prisma/adapter-pg"), import("pg")]);
  // JIT off: kam's statements are short, and the sweep's larger ones spent more compiling than
  // running (bench/checks.ts: one 1.5 s query, 1.3 s of it JIT; the load stage 1.9 s → 1.0 s).
  // An `options` parameter in the URL overrides this.
  const prisma = connectEarly(new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: poolSize ?? 10, options: "-c jit=off" }) }));
  hooks.whileStarting?.(prisma);
  return {
    prisma,
    kind: "postgres",
    location: redactUrl(url),
    async migrate(options) {
      // Migrations run on a connection of their own so the advisory lock is held by one session.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return await migrateSession(
          {
            exec: async (sql) => void (await client.query(sql)),
            query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
          },
          options,
        );
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
