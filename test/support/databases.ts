import { afterAll, beforeAll, describe } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { createScratchDatabase } from "./scratch-database.ts";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

let reasonPrinted = false;
function printSkipReason() {
  if (reasonPrinted) return;
  reasonPrinted = true;
  console.log("PostgreSQL tests skipped: set TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to run them.");
}

/** A new, empty PostgreSQL database on the test server; dropped by the returned function. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error("TEST_DATABASE_URL is not set");
  return createScratchDatabase(TEST_DATABASE_URL, "kam_test");
}

export type DatabaseKind = "pglite" | "postgres";

/** An empty, migrated database of the given kind, closed (and dropped) by `dispose`. */
export async function migratedDatabase(kind: DatabaseKind): Promise<{ db: Database; dispose(): Promise<void> }> {
  if (kind === "pglite") {
    const db = await openDatabase({ kind: "pglite", dataDir: "memory" });
    await db.migrate();
    return { db, dispose: () => db.close() };
  }
  const pgdb = await createPostgresDatabase();
  const db = await openDatabase({ kind: "postgres", url: pgdb.url, poolSize: 20 });
  await db.migrate();
  return {
    db,
    async dispose() {
      await db.close();
      await pgdb.drop();
    },
  };
}

/**
 * Runs the same suite on the embedded PGlite and, when TEST_DATABASE_URL is set, on PostgreSQL.
 * `get()` returns the suite's migrated database.
 */
export function describeEachDatabase(title: string, body: (get: () => Database, kind: DatabaseKind) => void) {
  for (const kind of ["pglite", "postgres"] as const) {
    const run = kind === "pglite" || TEST_DATABASE_URL ? describe : describe.skip;
    if (kind === "postgres" && !TEST_DATABASE_URL) printSkipReason();
    run(`${title} [${kind}]`, () => {
      let handle: Awaited<ReturnType<typeof migratedDatabase>> | undefined;
      beforeAll(async () => {
        handle = await migratedDatabase(kind);
      });
      afterAll(async () => {
        await handle?.dispose();
      });
      body(() => handle!.db, kind);
    });
  }
}
