import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

/**
 * Named factories for Teams activities, built from the captured fixtures in test/fixtures/teams/
 * with the parts a test controls (service URL, tenant, user, text, card values) replaced.
 */
type Json = Record<string, unknown>;
const FIXTURES = new URL("../../fixtures/teams/", import.meta.url);

export function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), "utf8")) as Json;
}

export interface TeamsUser {
  /** 29:… channel account id */
  id: string;
  name: string;
  aadObjectId: string;
  email?: string;
}

export interface Where {
  serviceUrl: string;
  tenantId: string;
  user: TeamsUser;
  /** Defaults to a personal chat of the user. */
  conversationId?: string;
  locale?: string;
}

export function newTenant(): string {
  return randomUUID();
}

export function newUser(name = "Maria Manager", email?: string): TeamsUser {
  return { id: `29:${randomUUID().replace(/-/g, "")}`, name, aadObjectId: randomUUID(), ...(email ? { email } : {}) };
}

export function personalConversationId(where: Pick<Where, "user">): string {
  return `a:${where.user.aadObjectId.replace(/-/g, "")}`;
}

function place(activity: Json, where: Where, conversationId: string): Json {
  const conversation = { ...(activity.conversation as Json), id: conversationId, tenantId: where.tenantId };
  const channelData = { ...((activity.channelData as Json) ?? {}), tenant: { id: where.tenantId } };
  return {
    ...activity,
    id: String(Date.now()) + Math.floor(Math.random() * 1000),
    timestamp: new Date().toISOString(),
    serviceUrl: where.serviceUrl,
    from: { id: where.user.id, name: where.user.name, aadObjectId: where.user.aadObjectId },
    conversation,
    channelData,
    ...(where.locale ? { locale: where.locale } : {}),
  };
}

/** A message in the user's personal chat with the bot. */
export function personalMessage(where: Where, text: string): Json {
  return { ...place(fixture("message-personal"), where, where.conversationId ?? personalConversationId(where)), text };
}

/** A channel message that @mentions the bot: `<at>kam</at> <text>`. */
export function channelMention(where: Where, channelId: string, text: string): Json {
  const activity = place(fixture("message-channel-mention"), where, `${channelId};messageid=${Date.now()}`);
  return { ...activity, text: `<at>kam</at> ${text}` };
}

/** An Action.Submit from a card: `value` holds our keys plus the inputs' values. */
export function cardSubmit(where: Where, value: Json, replyToId = "card-1"): Json {
  const activity = place(fixture("card-submit"), where, where.conversationId ?? personalConversationId(where));
  return { ...activity, id: `f:${randomUUID()}`, value, replyToId };
}

/** The bot added to the user's personal scope. */
export function personalInstall(where: Where): Json {
  return place(fixture("conversation-update-install"), where, where.conversationId ?? personalConversationId(where));
}

/** The app installed in a team (installationUpdate in the team's General channel). */
export function teamInstall(where: Where, channelId: string): Json {
  return place(fixture("installation-update-add-team"), where, channelId);
}
