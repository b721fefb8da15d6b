import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";

/**
 * The inbox of a `kam chat` user: notifications addressed to the TERMINAL platform (reminders,
 * alerts, digests meant for a member who works in the terminal) are stored here by the terminal
 * notifier, shown once at the user's next prompt and listed by `inbox`.
 */

/** A stored reply (src/core/reply.ts Reply): the domain keeps it as the core wrote it. */
export interface StoredReply {
  summary: string;
}

export interface InboxEntry {
  id: string;
  summary: string;
  reply: unknown;
  createdAt: Date;
  readAt: Date | null;
}

const toEntry = (row: { id: string; summary: string; reply: unknown; createdAt: Date; readAt: Date | null }): InboxEntry => ({ ...row });

/**
 * Stores one notification for a member; false when there is no such member. With the outbox row's
 * key as the message's id, a delivery repeated after a crash (stored, but not yet marked sent)
 * stores nothing more: the inbox lives in kam's own database, so it can be exactly once.
 */
export async function deliverToInbox(db: PrismaClient, memberId: string, reply: StoredReply, now: Date, key?: string): Promise<boolean> {
  const member = await db.member.findUnique({ where: { id: memberId }, select: { id: true } });
  if (!member) return false;
  await db.inboxMessage.createMany({
    data: [{ ...(key ? { id: key } : {}), memberId, summary: reply.summary.slice(0, 500), reply: reply as unknown as Prisma.InputJsonValue, createdAt: now }],
    skipDuplicates: true,
  });
  return true;
}

/** The unread messages of a member, oldest first, marked read as they are handed out. */
export async function takeUnread(db: PrismaClient, actor: Actor): Promise<InboxEntry[]> {
  if (!actor.memberId) return [];
  const memberId = actor.memberId;
  // Most prompts find nothing: one query, no transaction.
  const rows = await db.inboxMessage.findMany({ where: { memberId, readAt: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: 50 });
  if (rows.length === 0) return [];
  // Two prompts of one member at once (two terminals) read the same rows: each row goes to the one
  // whose update marks it read (the other's waits on the row lock, then finds it read).
  const taken = await db.$queryRaw<{ id: string }[]>`
    UPDATE "InboxMessage" SET "readAt" = ${actor.now} WHERE id = ANY(${rows.map((r) => r.id)}::text[]) AND "readAt" IS NULL RETURNING id`;
  const mine = new Set(taken.map((t) => t.id));
  return rows.filter((r) => mine.has(r.id)).map(toEntry);
}

/** The latest messages of a member, newest first (read or not; those unread become read). */
export async function listInbox(db: PrismaClient, actor: Actor, limit = 10): Promise<{ entries: InboxEntry[]; total: number }> {
  if (!actor.memberId) return { entries: [], total: 0 };
  const memberId = actor.memberId;
  return db.$transaction(async (tx) => {
    const [rows, total] = await Promise.all([
      tx.inboxMessage.findMany({ where: { memberId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit }),
      tx.inboxMessage.count({ where: { memberId } }),
    ]);
    const unread = rows.filter((r) => r.readAt === null).map((r) => r.id);
    if (unread.length) await tx.inboxMessage.updateMany({ where: { id: { in: unread } }, data: { readAt: actor.now } });
    return { entries: rows.map(toEntry), total };
  });
}
