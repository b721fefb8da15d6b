import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";

export type Tx = Prisma.TransactionClient;

/** Runs one write in one transaction; PGlite's single connection makes long timeouts harmless. */
export function inTransaction<T>(db: PrismaClient, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(work, { maxWait: 10_000, timeout: 30_000 });
}

export async function audit(
  tx: Tx,
  actor: Actor,
  action: string,
  entityType: string,
  entityId: string | null,
  data: Record<string, unknown> = {},
): Promise<void> {
  await tx.auditEvent.create({
    data: {
      organizationId: actor.organizationId,
      actorId: actor.memberId,
      platform: actor.platform,
      action,
      entityType,
      entityId,
      createdAt: actor.now,
      data: JSON.parse(JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? Number(v) : v))),
    },
  });
}

/**
 * Many audit events of one action in one statement (an import's records): the same rows as
 * `audit` writes one by one, from one JSON document.
 */
export async function auditMany(tx: Tx, actor: Actor, action: string, entityType: string, events: { entityId: string; data: object }[]): Promise<void> {
  if (events.length === 0) return;
  const json = JSON.stringify(events, (_k, v) => (typeof v === "bigint" ? Number(v) : v));
  await tx.$executeRaw`
    INSERT INTO "AuditEvent" (id, "organizationId", "actorId", platform, action, "entityType", "entityId", data, "createdAt")
    SELECT gen_random_uuid()::text, ${actor.organizationId}, ${actor.memberId}, ${actor.platform}::"Platform", ${action}, ${entityType}, e."entityId", e.data, ${actor.now}
    FROM json_to_recordset(${json}::json) AS e("entityId" text, data jsonb)`;
}

/** Next human reference number (order 17, flag 4) of one kind in one organization. */
export async function nextNumber(tx: Tx, organizationId: string, kind: string): Promise<number> {
  const rows = await tx.$queryRaw<{ value: number }[]>`
    INSERT INTO "Counter" ("organizationId", kind, value) VALUES (${organizationId}, ${kind}, 1)
    ON CONFLICT ("organizationId", kind) DO UPDATE SET value = "Counter".value + 1
    RETURNING value`;
  return rows[0]!.value;
}
