import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import type { Reply } from "./reply.ts";
import { isLockTimeout } from "../domain/db-errors.ts";

export type Outcome =
  /** This call ran the work; its writes and its reply committed together. */
  | { ran: true; reply: Reply }
  /** Another attempt ran it (its reply), or still runs it and did not finish in time (null). */
  | { ran: false; reply: Reply | null };

/**
 * How long a duplicate waits for the attempt that holds the key, and how long a holder whose
 * process vanished without closing its connection keeps it (PostgreSQL ends such a session, and
 * with it the claim). A holder killed on this host loses the claim at once: its socket closes.
 */
const WAIT_FOR_HOLDER = "10s";
const LEASE = "60s";

/**
 * Runs a request's work once per idempotency key. The claim (a row in ProcessedEvent), every write
 * the work makes and the reply are one transaction: a process that dies while it runs leaves
 * neither a claim nor a write behind, so the replay at the next start or the platform's retry
 * simply runs it again, and a claim is never seen without the reply it stands for. A duplicate
 * arriving while the first attempt runs waits on the claim row (the unique insert blocks until
 * the holder commits or dies) and answers with its reply.
 *
 * The work gets a client bound to that transaction; the domain services' own transactions become
 * savepoints in it, so a service that fails still rolls back alone, as before.
 * With `keep: false` (a reply holding a secret) the claim is removed in the same transaction. The
 * request's deferred note (`noteKey`), if it has one, is deleted in it too.
 */
export async function runOnce(
  db: PrismaClient,
  { key, noteKey, organizationId, keep }: { key: string; noteKey: string; organizationId: string; keep: boolean },
  work: (db: PrismaClient) => Promise<Reply>,
): Promise<Outcome> {
  try {
    return await db.$transaction(
      async (tx): Promise<Outcome> => {
        await tx.$queryRaw`SELECT set_config('lock_timeout', ${WAIT_FOR_HOLDER}, true), set_config('idle_in_transaction_session_timeout', ${LEASE}, true)`;
        const inserted = await tx.$executeRaw`
          INSERT INTO "ProcessedEvent" (key, "organizationId", "createdAt") VALUES (${key}, ${organizationId}, now())
          ON CONFLICT (key) DO NOTHING`;
        if (inserted === 0) {
          const [row] = await tx.$queryRaw<{ reply: Prisma.JsonValue }[]>`SELECT reply FROM "ProcessedEvent" WHERE key = ${key} FOR UPDATE`;
          // A claim without a reply was committed by a kam before claims and writes were one
          // transaction, by a process that died before it answered: it is taken over.
          if (row?.reply != null) return { ran: false, reply: row.reply as unknown as Reply };
        }
        // The wait above is for the claim only: the work's own locks (an organization's order
        // counter under a burst) may be waited for as long as the transaction lasts.
        await tx.$queryRaw`SELECT set_config('lock_timeout', '0', true)`;
        const reply = await work(savepointsIn(tx, yieldingClients.has(db)));
        if (keep) await tx.$executeRaw`UPDATE "ProcessedEvent" SET reply = ${JSON.stringify(reply)}::jsonb WHERE key = ${key}`;
        else await tx.$executeRaw`DELETE FROM "ProcessedEvent" WHERE key = ${key}`;
        // A command acknowledged before it ran (src/adapters/slack/deferred.ts) is crossed out as it commits.
        await tx.$executeRaw`DELETE FROM "DeferredCommand" WHERE key = ${noteKey}`;
        return { ran: true, reply };
      },
      { maxWait: 10_000, timeout: 30_000 },
    );
  } catch (error) {
    // The holder did not finish within WAIT_FOR_HOLDER: it is still working on it.
    if (isLockTimeout(error)) return { ran: false, reply: null };
    throw error;
  }
}

/**
 * The transaction as a PrismaClient for the work: `$transaction(fn)` runs fn in a savepoint of it
 * (released on success, rolled back to when fn throws), `$transaction([...])` runs the queries in order.
 */
export function savepointsIn(tx: Prisma.TransactionClient, yieldEachQuery = false): PrismaClient {
  let depth = 0;
  const $transaction = async (work: unknown): Promise<unknown> => {
    if (Array.isArray(work)) {
      const results: unknown[] = [];
      for (const query of work) results.push(await query);
      return results;
    }
    const name = `kam_work_${++depth}`;
    await tx.$executeRawUnsafe(`SAVEPOINT ${name}`);
    try {
      const result = await (work as (client: PrismaClient) => Promise<unknown>)(client as unknown as PrismaClient);
      await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  };
  const client = new Proxy(tx, {
    get: (target, property) => {
      if (property === "$transaction") return $transaction;
      const value: unknown = Reflect.get(target, property);
      if (!yieldEachQuery) return value;
      if (typeof value === "function") return yielding(value as (...args: unknown[]) => unknown, target);
      if (value && typeof value === "object" && typeof property === "string" && !property.startsWith("$")) return yieldingDelegate(value);
      return value;
    },
  });
  return client as unknown as PrismaClient;
}

const yieldingClients = new WeakSet<object>();

/**
 * On this client (PGlite), each query of a command's work starts on a fresh turn of the event loop.
 * PGlite answers through microtasks only, so without this a command's whole transaction would hold
 * the loop: requests arriving meanwhile would not even be read, let alone acknowledged
 * (bench/slack-ack.ts). With it they are read, verified and noted while the command runs.
 * PostgreSQL's queries wait for the network anyway.
 */
export function yieldBetweenQueries(db: PrismaClient): void {
  yieldingClients.add(db);
}

function yielding(query: (...args: unknown[]) => unknown, self: unknown) {
  return (...args: unknown[]) => new Promise((resolve) => setImmediate(resolve)).then(() => query.apply(self, args));
}

function yieldingDelegate(delegate: object): object {
  return new Proxy(delegate, {
    get: (target, property) => {
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? yielding(value as (...args: unknown[]) => unknown, target) : value;
    },
  });
}
