import type { OutboxPayload } from "../domain/notifications.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Platform } from "../generated/prisma/enums.ts";

/**
 * The outbox's SQL, safe under READ COMMITTED with any number of dispatchers:
 * - a claim locks candidate rows FOR UPDATE SKIP LOCKED and repeats its state test (PENDING and
 *   due) both in the locking query and in the UPDATE, so a row another dispatcher claimed since
 *   this statement's snapshot is never claimed again;
 * - every claim writes a fencing token; an outcome is written only where the row still carries
 *   the token of the claim that produced it (a claim that lapsed and was taken over writes nothing);
 * - with pacing, a claim first takes the targets' holds in ChannelPace (one holder per target,
 *   taken atomically by the upsert), and claims rows only of targets it holds.
 */

export interface ClaimedRow {
  id: string;
  platform: Platform;
  target: string;
  payload: OutboxPayload;
  attempts: number;
  claimToken: string;
  claimedAt: Date;
  /** Set when an earlier attempt may have posted this message (since then). */
  uncertainSince: Date | null;
}

export interface ClaimParams {
  now: Date;
  owner: string;
  token: string;
  platforms: string[];
  /** "PLATFORM:target" keys not to claim for now (this dispatcher has enough of them in hand). */
  busy: string[];
  perChannel: number;
  batchSize: number;
  leaseMs: number;
}

/** Claims due rows of targets this dispatcher holds or can take (pacing across dispatchers). */
export function claimPaced(db: PrismaClient, p: ClaimParams): Promise<ClaimedRow[]> {
  const stale = new Date(p.now.getTime() - p.leaseMs);
  return db.$queryRaw<ClaimedRow[]>`
    WITH due AS (
      SELECT n.platform, n.target FROM "Notification" n
      WHERE n.status = 'PENDING' AND n."nextAttemptAt" <= ${p.now}::timestamp AND n.platform::text = ANY(${p.platforms}::text[])
        AND NOT ((n.platform::text || ':' || n.target) = ANY(${p.busy}::text[]))
        AND NOT EXISTS (
          SELECT 1 FROM "ChannelPace" c WHERE c.platform = n.platform AND c.target = n.target AND c.holder IS DISTINCT FROM ${p.owner}
            AND ((c.holder IS NOT NULL AND c."heldAt" >= ${stale}::timestamp) OR c."nextAt" > ${p.now}::timestamp))
      GROUP BY n.platform, n.target
      -- No more targets than the batch can fill (a target taken without rows would sit idle), in
      -- an order of this dispatcher's own, so that dispatchers claiming at once take different ones.
      ORDER BY md5(n.platform::text || n.target || ${p.owner})
      LIMIT ${Math.max(1, Math.floor(p.batchSize / p.perChannel))}
    ), taken AS (
      INSERT INTO "ChannelPace" AS c (platform, target, holder, "heldAt", "nextAt")
      SELECT platform, target, ${p.owner}, ${p.now}::timestamp, ${p.now}::timestamp FROM due ORDER BY platform, target
      ON CONFLICT (platform, target) DO UPDATE SET holder = EXCLUDED.holder, "heldAt" = EXCLUDED."heldAt"
      WHERE c.holder = EXCLUDED.holder OR ((c.holder IS NULL OR c."heldAt" < ${stale}::timestamp) AND c."nextAt" <= ${p.now}::timestamp)
      RETURNING c.platform, c.target
    )
    UPDATE "Notification" AS n SET status = 'SENDING', "claimedAt" = ${p.now}, "claimedBy" = ${p.owner}, "claimToken" = ${p.token}, attempts = n.attempts + 1
    WHERE n.id IN (
      SELECT id FROM "Notification"
      WHERE id IN (
        SELECT id FROM (
          SELECT x.id, row_number() OVER (PARTITION BY x.platform, x.target ORDER BY x."createdAt", x.id) AS rn
          FROM "Notification" x JOIN taken t ON t.platform = x.platform AND t.target = x.target
          WHERE x.status = 'PENDING' AND x."nextAttemptAt" <= ${p.now}::timestamp
        ) ranked WHERE rn <= ${p.perChannel})
        AND status = 'PENDING' AND "nextAttemptAt" <= ${p.now}::timestamp
      ORDER BY "nextAttemptAt", "createdAt"
      LIMIT ${p.batchSize}
      FOR UPDATE SKIP LOCKED)
    AND n.status = 'PENDING' AND n."nextAttemptAt" <= ${p.now}::timestamp
    RETURNING n.id, n.platform::text AS platform, n.target, n.payload, n.attempts, n."claimToken", n."claimedAt", n."uncertainSince"`;
}

/** Claims due rows without pacing (a dispatcher whose channel interval is 0). */
export function claimUnpaced(db: PrismaClient, p: ClaimParams): Promise<ClaimedRow[]> {
  return db.$queryRaw<ClaimedRow[]>`
    UPDATE "Notification" AS n SET status = 'SENDING', "claimedAt" = ${p.now}, "claimedBy" = ${p.owner}, "claimToken" = ${p.token}, attempts = n.attempts + 1
    WHERE n.id IN (
      SELECT id FROM "Notification"
      WHERE id IN (
        SELECT id FROM (
          SELECT id, row_number() OVER (PARTITION BY platform, target ORDER BY "createdAt", id) AS rn
          FROM "Notification"
          WHERE status = 'PENDING' AND "nextAttemptAt" <= ${p.now}::timestamp AND platform::text = ANY(${p.platforms}::text[])
            AND NOT ((platform::text || ':' || target) = ANY(${p.busy}::text[]))
        ) ranked WHERE rn <= ${p.perChannel})
        AND status = 'PENDING' AND "nextAttemptAt" <= ${p.now}::timestamp
      ORDER BY "nextAttemptAt", "createdAt"
      LIMIT ${p.batchSize}
      FOR UPDATE SKIP LOCKED)
    AND n.status = 'PENDING' AND n."nextAttemptAt" <= ${p.now}::timestamp
    RETURNING n.id, n.platform::text AS platform, n.target, n.payload, n.attempts, n."claimToken", n."claimedAt", n."uncertainSince"`;
}

/**
 * Rows SENDING for longer than the lease go back to PENDING under no claim (a late outcome of the
 * lapsed claim no longer matches), marked uncertain: the lapsed attempt may have posted.
 */
export function recoverLapsed(db: PrismaClient, now: Date, leaseMs: number, platforms: string[]): Promise<number> {
  const cutoff = new Date(now.getTime() - leaseMs);
  // Only rows of platforms this dispatcher delivers: a `kam chat` or `kam jobs run` dispatcher
  // must not judge `kam serve`'s Slack and Teams claims by a lease of its own.
  return db.$executeRaw`
    UPDATE "Notification" SET status = 'PENDING', "claimedAt" = NULL, "claimedBy" = NULL, "claimToken" = NULL,
      "uncertainSince" = coalesce("uncertainSince", "claimedAt"), "nextAttemptAt" = ${now}
    WHERE status = 'SENDING' AND "claimedAt" < ${cutoff} AND platform::text = ANY(${platforms}::text[])`;
}

/**
 * Gives up this dispatcher's holds on targets it has nothing in hand for; each target's next
 * holder may start at the time this one was ready for its next message (`ready`, by key).
 */
export function releaseHolds(db: PrismaClient, owner: string, active: string[], ready: Map<string, Date>): Promise<number> {
  return db.$executeRaw`
    UPDATE "ChannelPace" AS p SET holder = NULL, "heldAt" = NULL, "nextAt" = greatest(p."nextAt", coalesce(r.ready, p."nextAt"))
    FROM (SELECT c.platform, c.target FROM "ChannelPace" c
          WHERE c.holder = ${owner} AND NOT ((c.platform::text || ':' || c.target) = ANY(${active}::text[]))
          ORDER BY c.platform, c.target FOR UPDATE) AS mine
    LEFT JOIN unnest(${[...ready.keys()]}::text[], ${[...ready.values()]}::timestamp[]) AS r(key, ready) ON r.key = mine.platform::text || ':' || mine.target
    WHERE p.platform = mine.platform AND p.target = mine.target`;
}

/** Keeps this dispatcher's holds alive (their lease runs from `heldAt`). */
export function renewHolds(db: PrismaClient, owner: string, now: Date): Promise<number> {
  return db.$executeRaw`
    UPDATE "ChannelPace" AS p SET "heldAt" = ${now}
    FROM (SELECT platform, target FROM "ChannelPace" WHERE holder = ${owner} ORDER BY platform, target FOR UPDATE) AS mine
    WHERE p.platform = mine.platform AND p.target = mine.target`;
}

export interface Outcome {
  id: string;
  /** The claim's fencing token: the outcome is written only if the row still carries it. */
  token: string;
  status: "SENT" | "FAILED" | "PENDING";
  at: Date;
  externalId: string | null;
  error: string | null;
  retryAt: Date | null;
  /** 1 when the attempt does not count (rate limit, released unsent). */
  attemptsBack: number;
  /** The attempt may have posted (a lost answer, a 5xx): the next one looks before posting. */
  uncertain: boolean;
}

/** Writes outcomes in one statement; returns how many rows still belonged to their claims. */
export function writeOutcomes(db: PrismaClient, batch: Outcome[]): Promise<number> {
  return db.$executeRaw`
    UPDATE "Notification" AS n SET
      status = u.status::"OutboxStatus",
      "sentAt" = CASE WHEN u.status = 'SENT' THEN u.at ELSE n."sentAt" END,
      "externalId" = CASE WHEN u.status = 'SENT' THEN u.external ELSE n."externalId" END,
      "lastError" = u.error,
      "nextAttemptAt" = coalesce(u.retry, n."nextAttemptAt"),
      "claimedAt" = CASE WHEN u.status = 'SENT' THEN n."claimedAt" END,
      "claimedBy" = CASE WHEN u.status = 'PENDING' THEN NULL ELSE n."claimedBy" END,
      "claimToken" = CASE WHEN u.status = 'PENDING' THEN NULL ELSE n."claimToken" END,
      "uncertainSince" = CASE WHEN u.status = 'SENT' THEN NULL WHEN u.uncertain THEN coalesce(n."uncertainSince", n."claimedAt") ELSE n."uncertainSince" END,
      attempts = n.attempts - u.back
    FROM unnest(${batch.map((b) => b.id)}::text[], ${batch.map((b) => b.token)}::text[], ${batch.map((b) => b.status)}::text[], ${batch.map((b) => b.at)}::timestamp[],
                ${batch.map((b) => b.externalId)}::text[], ${batch.map((b) => b.error)}::text[], ${batch.map((b) => b.retryAt)}::timestamp[],
                ${batch.map((b) => b.attemptsBack)}::int[], ${batch.map((b) => b.uncertain)}::boolean[]) AS u(id, token, status, at, external, error, retry, back, uncertain)
    WHERE n.id = u.id AND n.status = 'SENDING' AND n."claimToken" = u.token`;
}

/** When the next pending row of these platforms may go out (its target's pacing included), and how many rows are SENDING. */
export async function nextDue(db: PrismaClient, platforms: string[]): Promise<{ next: Date | null; sending: number }> {
  const rows = await db.$queryRaw<{ next: Date | null; sending: number }[]>`
    SELECT min(greatest(n."nextAttemptAt", coalesce(c."nextAt", n."nextAttemptAt"))) FILTER (WHERE n.status = 'PENDING') AS next,
           count(*) FILTER (WHERE n.status = 'SENDING')::int AS sending
    FROM "Notification" n LEFT JOIN "ChannelPace" c ON c.platform = n.platform AND c.target = n.target
    WHERE n.status IN ('PENDING', 'SENDING') AND n.platform::text = ANY(${platforms}::text[])`;
  const row = rows[0];
  return { next: row?.next ? new Date(row.next) : null, sending: row?.sending ?? 0 };
}
