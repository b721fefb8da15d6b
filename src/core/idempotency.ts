import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Reply } from "./reply.ts";

export type Claim = { owner: true } | { owner: false; reply: Reply | null };

/**
 * Claims an idempotency key with an atomic unique insert (never check-then-insert: platform
 * retries can arrive while the first attempt still runs). The loser waits briefly for the
 * winner's reply and returns it.
 */
export async function claim(db: PrismaClient, key: string, organizationId: string): Promise<Claim> {
  const inserted = await db.$executeRaw`
    INSERT INTO "ProcessedEvent" (key, "organizationId", "createdAt") VALUES (${key}, ${organizationId}, now())
    ON CONFLICT (key) DO NOTHING`;
  if (inserted === 1) return { owner: true };
  for (let i = 0; i < 20; i++) {
    const row = await db.processedEvent.findUnique({ where: { key } });
    if (row?.reply) return { owner: false, reply: row.reply as unknown as Reply };
    if (!row) return claim(db, key, organizationId);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { owner: false, reply: null };
}

export async function remember(db: PrismaClient, key: string, reply: Reply): Promise<void> {
  await db.processedEvent.update({ where: { key }, data: { reply: JSON.parse(JSON.stringify(reply)) } });
}

/** The first attempt failed unexpectedly: let a retry run it again. */
export async function release(db: PrismaClient, key: string): Promise<void> {
  await db.processedEvent.deleteMany({ where: { key } }).catch(() => {});
}
