import type { Activity } from "botbuilder";
import type { Mention } from "../../core/notifier.ts";
import type { Reply } from "../../core/reply.ts";
import { translator, type Locale } from "../../core/i18n/index.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { ADAPTIVE_CARD_CONTENT_TYPE, breakTags, mentionedMemberIds, renderCard, type CardMention, type MentionEntity } from "./cards.ts";

/** Teams accounts (29:… ids) of the members a reply mentions, from their stored identities. */
export async function resolveMentions(db: PrismaClient, organizationId: string, reply: Reply): Promise<Map<string, CardMention>> {
  const memberIds = mentionedMemberIds(reply);
  const map = new Map<string, CardMention>();
  if (memberIds.length === 0) return map;
  const identities = await db.memberIdentity.findMany({
    where: { organizationId, platform: "TEAMS", memberId: { in: memberIds }, mentionId: { not: null } },
    select: { memberId: true, mentionId: true, member: { select: { displayName: true } } },
    orderBy: { refreshedAt: "desc" },
  });
  for (const i of identities) {
    if (!map.has(i.memberId)) map.set(i.memberId, { id: i.mentionId!, name: i.member.displayName });
  }
  return map;
}

/** The message activity carrying a reply as an Adaptive Card (and mentions, when asked for). */
export function replyActivity(reply: Reply, locale: Locale, mentions = new Map<string, CardMention>(), extra: Mention[] = []): Partial<Activity> {
  const t = translator(locale);
  const card = renderCard(reply, {
    mentions,
    more: (count) => t("teams:card.more", { count }),
    formErrors: t("teams:card.formErrors"),
    required: (type) => t(`teams:card.required.${type}`),
  });
  const activity: Partial<Activity> = {
    type: "message",
    summary: breakTags(reply.summary),
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card }],
  };
  // Mentions outside the card (notifications): a text line `<at>Name</at> …` with mention entities,
  // which is what makes Teams notify the person.
  if (extra.length) {
    const entities: MentionEntity[] = extra.map((m) => ({
      type: "mention",
      text: `<at>${m.name.replace(/[<>]/g, "")}</at>`,
      mentioned: { id: m.userId, name: m.name },
    }));
    const xml = reply.summary.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    activity.text = `${entities.map((e) => e.text).join(" ")} ${xml}`;
    activity.textFormat = "xml";
    activity.entities = entities as unknown as Activity["entities"];
  }
  return activity;
}
