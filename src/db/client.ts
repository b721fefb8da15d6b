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

async function openPglite(dataDir: string): Promise<Database> {
  const release = dataDir === "memory" ? () => {} : await lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = dataDir === "memory" ? new PGlite() : new PGlite(dataDir);
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
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: poolSize }) });
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
