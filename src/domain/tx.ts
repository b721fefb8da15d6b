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

/** Next human reference number (order 17, flag 4) of one kind in one organization. */
export async function nextNumber(tx: Tx, organizationId: string, kind: string): Promise<number> {
  const rows = await tx.$queryRaw<{ value: number }[]>`
    INSERT INTO "Counter" ("organizationId", kind, value) VALUES (${organizationId}, ${kind}, 1)
    ON CONFLICT ("organizationId", kind) DO UPDATE SET value = "Counter".value + 1
    RETURNING value`;
  return rows[0]!.value;
}
