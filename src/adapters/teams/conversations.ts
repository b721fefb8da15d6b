import type { Activity, ConversationReference } from "botbuilder";
import { TurnContext } from "botbuilder";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";

export type ConversationKind = "personal" | "channel" | "groupChat";

export function conversationKind(activity: Partial<Activity>): ConversationKind {
  const type = activity.conversation?.conversationType;
  return type === "channel" || type === "groupChat" ? type : "personal";
}

/**
 * The conversation id a reference is stored under. A channel message's conversation id carries
 * the thread (`19:…@thread.tacv2;messageid=…`); proactive posts go to the channel itself.
 */
export function baseConversationId(id: string): string {
  return id.split(";")[0]!;
}

export function referenceOf(activity: Partial<Activity>): Partial<ConversationReference> {
  const reference = TurnContext.getConversationReference(activity);
  if (reference.conversation) reference.conversation = { ...reference.conversation, id: baseConversationId(reference.conversation.id) };
  delete reference.activityId;
  return reference;
}

/**
 * Stores (or refreshes) the reference of the conversation an activity came from, so jobs can post
 * there later. Returns true when the conversation was not known before (a fresh install).
 */
export async function storeConversation(
  db: PrismaClient,
  organizationId: string,
  activity: Partial<Activity>,
  memberId: string | null,
): Promise<boolean> {
  const reference = referenceOf(activity);
  const conversationId = reference.conversation!.id;
  const kind = conversationKind(activity);
  const data = {
    kind,
    reference: JSON.parse(JSON.stringify(reference)) as Prisma.InputJsonValue,
    ...(kind === "personal" && memberId ? { memberId } : {}),
  };
  const where = { organizationId_platform_conversationId: { organizationId, platform: "TEAMS" as const, conversationId } };
  const existing = await db.conversation.findUnique({ where, select: { id: true } });
  if (existing) {
    await db.conversation.update({ where, data });
    return false;
  }
  try {
    await db.conversation.create({ data: { organizationId, platform: "TEAMS", conversationId, ...data } });
    return true;
  } catch (error) {
    // Teams sends installationUpdate and conversationUpdate together: the second insert loses the race.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      await db.conversation.update({ where, data });
      return false;
    }
    throw error;
  }
}

export async function forgetConversation(db: PrismaClient, organizationId: string, conversationId: string): Promise<void> {
  await db.conversation.deleteMany({ where: { organizationId, platform: "TEAMS", conversationId: baseConversationId(conversationId) } });
}

/** The stored reference for a notification target: a conversation, else an account channel binding. */
export async function findReference(
  db: PrismaClient,
  organizationId: string,
  target: string,
): Promise<Partial<ConversationReference> | null> {
  const conversationId = baseConversationId(target);
  const conversation = await db.conversation.findUnique({
    where: { organizationId_platform_conversationId: { organizationId, platform: "TEAMS", conversationId } },
    select: { reference: true },
  });
  if (conversation?.reference) return conversation.reference as Partial<ConversationReference>;
  const binding = await db.channelBinding.findFirst({
    where: { organizationId, platform: "TEAMS", channelId: { in: [target, conversationId] }, reference: { not: Prisma.AnyNull } },
    select: { reference: true },
  });
  return (binding?.reference as Partial<ConversationReference> | null | undefined) ?? null;
}
