import { ActivityTypes, TurnContext, type Activity } from "botbuilder";
import { refuseUnstorableText } from "../../core/grammar/text-input.ts";
import { handle } from "../../core/handler.ts";
import { toLocale, translator, type Locale } from "../../core/i18n/index.ts";
import type { Reply } from "../../core/reply.ts";
import type { ChatRequest } from "../../core/request.ts";
import type { AdapterDeps } from "../platform.ts";
import { ADAPTIVE_CARD_CONTENT_TYPE, formOf, parseSubmission, type CardMention } from "./cards.ts";
import { baseConversationId, conversationKind, forgetConversation, storeConversation } from "./conversations.ts";
import { IdentityCache, identify, tenantOf } from "./identity.ts";
import { replyActivity, resolveMentions } from "./messages.ts";

/**
 * The bot's turn logic: each kind of activity has one small function that translates the
 * activity into a ChatRequest, calls the shared handler, and renders the reply as a card.
 * Nothing here decides anything about accounts or orders.
 */
export type TurnLogic = (context: TurnContext) => Promise<void>;

function localeOf(activity: Partial<Activity>): Locale {
  return toLocale(activity.locale) ?? "en";
}

export interface BotOptions {
  /** The core's entry point; replaceable so a benchmark can measure the adapter alone. */
  handle?: typeof handle;
}

export function createBot(deps: AdapterDeps, options: BotOptions = {}): TurnLogic {
  const run = options.handle ?? handle;
  const db = deps.db.prisma;
  const logger = deps.logger.child({ platform: "teams" });
  /** Conversations whose reference this process has stored already (saves a write per message). */
  const known = new Set<string>();
  const identities = new IdentityCache();
  const who = (context: TurnContext) => identify(db, context, logger, deps.core.now(), identities);

  /** A link moves this tenant into another organization: forget what was cached about it. */
  function afterCommand(text: string, reply: Reply): void {
    if (reply.ok && /^\s*link\b/i.test(text)) {
      identities.clear();
      known.clear();
    }
  }

  async function rememberConversation(context: TurnContext, organizationId: string, memberId: string | null): Promise<boolean> {
    const key = `${organizationId}|${baseConversationId(context.activity.conversation.id)}|${context.activity.serviceUrl}`;
    if (known.has(key)) return false;
    const created = await storeConversation(db, organizationId, context.activity, memberId);
    if (known.size > 10_000) known.clear();
    known.add(key);
    return created;
  }

  async function send(context: TurnContext, organizationId: string, reply: Reply, updateId?: string): Promise<void> {
    const mentions = await resolveMentions(db, organizationId, reply);
    // The reader's own language setting wins over the Teams client's.
    const activity = replyActivity(reply, reply.locale ?? localeOf(context.activity), mentions);
    if (updateId) {
      try {
        await context.updateActivity({ ...activity, id: updateId });
        return;
      } catch (error) {
        // The card may be too old to edit or gone: answer with a new message instead.
        logger.debug({ err: (error as Error).message }, "teams: card update failed, replying instead");
      }
    }
    await context.sendActivity(activity);
  }

  function request(context: TurnContext, who: { organizationId: string; memberId: string }): ChatRequest {
    const activity = context.activity;
    return {
      organizationId: who.organizationId,
      memberId: who.memberId,
      platform: "TEAMS",
      channelId: baseConversationId(activity.conversation.id),
      direct: conversationKind(activity) === "personal",
      ...(activity.locale ? { locale: activity.locale } : {}),
      // Activity ids are unique within a conversation; Teams resends the same id when we are slow.
      // The tenant is part of the key: conversation ids are only Teams' promise, not kam's.
      ...(activity.id ? { idempotencyKey: `teams:${tenantOf(context)}:${activity.conversation.id}:${activity.id}` } : {}),
    };
  }

  /** Refuses text kam cannot store before anything (organization, member, conversation) is written. */
  async function refused(context: TurnContext, content: Pick<ChatRequest, "text" | "form">): Promise<boolean> {
    const reply = refuseUnstorableText({ ...content, ...(context.activity.locale ? { locale: context.activity.locale } : {}) });
    if (!reply) return false;
    logger.info({ tenant: tenantOf(context) }, "teams: text with a NUL character refused");
    await context.sendActivity(replyActivity(reply, localeOf(context.activity)));
    return true;
  }

  /** A typed message (personal chat, group chat, or a channel @mention). */
  async function onMessage(context: TurnContext): Promise<void> {
    const text = (TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? "")
      .replace(/\u00a0/g, " ")
      .trim();
    if (await refused(context, { text })) return;
    const sender = await who(context);
    await rememberConversation(context, sender.organizationId, sender.memberId);
    const reply = await run(deps.core, { ...request(context, sender), text: text || "help" });
    afterCommand(text, reply);
    await send(context, sender.organizationId, reply);
  }

  /** An Action.Submit from one of our cards: a button's command or a form's values. */
  async function onCardSubmit(context: TurnContext): Promise<void> {
    const submission = parseSubmission(context.activity.value);
    if (submission && (await refused(context, submission.kind === "command" ? { text: submission.command } : { form: { id: submission.id, values: submission.values } }))) return;
    const sender = await who(context);
    await rememberConversation(context, sender.organizationId, sender.memberId);
    if (!submission) {
      const member = await db.member.findUnique({ where: { id: sender.memberId }, select: { locale: true } });
      const t = translator(toLocale(member?.locale) ?? localeOf(context.activity));
      await send(context, sender.organizationId, {
        ok: false,
        visibility: "caller",
        summary: t("teams:card.invalidSubmission"),
        blocks: [{ kind: "text", text: t("teams:card.invalidSubmission"), tone: "warning" }],
      });
      return;
    }
    const base = request(context, sender);
    if (submission.kind === "command") {
      const reply = await run(deps.core, { ...base, text: submission.command });
      afterCommand(submission.command, reply);
      // A card about one thing shows the outcome in its place; anything else answers below it.
      await send(context, sender.organizationId, reply, submission.update && reply.ok ? context.activity.replyToId : undefined);
      return;
    }
    const reply = await run(deps.core, { ...base, form: { id: submission.id, values: submission.values } });
    // The form card is replaced in place: by itself with the errors, or by the result, so a
    // written form cannot be submitted twice.
    const replaceable = reply.ok || formOf(reply) !== undefined;
    await send(context, sender.organizationId, reply, replaceable ? context.activity.replyToId : undefined);
  }

  /** The bot was added to a personal chat, team or group chat: store the reference, greet once. */
  async function onInstalled(context: TurnContext): Promise<void> {
    const sender = await who(context);
    const created = await storeConversation(db, sender.organizationId, context.activity, sender.memberId);
    known.add(`${sender.organizationId}|${baseConversationId(context.activity.conversation.id)}|${context.activity.serviceUrl}`);
    if (!created) return;
    const { idempotencyKey: _once, ...base } = request(context, sender);
    const help = await run(deps.core, { ...base, text: "help" });
    const t = translator(help.locale ?? localeOf(context.activity));
    const intro = conversationKind(context.activity) === "personal" ? t("teams:greeting.personal") : t("teams:greeting.channel");
    await send(context, sender.organizationId, {
      ok: true,
      visibility: "caller",
      summary: t("teams:greeting.title"),
      blocks: [{ kind: "heading", text: t("teams:greeting.title") }, { kind: "text", text: intro }, ...help.blocks.filter((b) => b.kind !== "heading")],
    });
  }

  /**
   * A Universal Action (`Action.Execute`, the `adaptiveCard/action` invoke): runs the same command
   * or form an Action.Submit carries and answers with the result as the card that replaces it.
   * Data kam did not put on a card gets the "out of date" card; other invokes are answered empty.
   */
  async function onInvoke(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (activity.name !== "adaptiveCard/action") {
      logger.debug({ name: activity.name, tenant: tenantOf(context) }, "teams: invoke ignored");
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: {} } });
      return;
    }
    const action = (activity.value as { action?: { data?: unknown } } | undefined)?.action;
    const submission = parseSubmission(action?.data);
    const locale = localeOf(activity);
    let reply: Reply;
    const stale = (): Reply => {
      const t = translator(locale);
      return { ok: false, visibility: "caller", summary: t("teams:card.invalidSubmission"), blocks: [{ kind: "text", text: t("teams:card.invalidSubmission"), tone: "warning" }] };
    };
    const content = submission ? (submission.kind === "command" ? { text: submission.command } : { form: { id: submission.id, values: submission.values } }) : undefined;
    const unstorable = content ? refuseUnstorableText({ ...content, ...(activity.locale ? { locale: activity.locale } : {}) }) : null;
    let mentions = new Map<string, CardMention>();
    // Refused before anything (organization, member, conversation) is written.
    if (unstorable) reply = unstorable;
    else if (!content) reply = stale();
    else {
      const sender = await who(context);
      await rememberConversation(context, sender.organizationId, sender.memberId);
      reply = await run(deps.core, { ...request(context, sender), ...content });
      if (content.text) afterCommand(content.text, reply);
      mentions = await resolveMentions(db, sender.organizationId, reply);
    }
    const card = replyActivity(reply, reply.locale ?? locale, mentions).attachments![0]!.content;
    await context.sendActivity({
      type: ActivityTypes.InvokeResponse,
      value: { status: 200, body: { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card } },
    });
  }

  async function onUninstalled(context: TurnContext): Promise<void> {
    const sender = await who(context);
    await forgetConversation(db, sender.organizationId, context.activity.conversation.id);
  }

  return async function turn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    switch (activity.type) {
      case ActivityTypes.Message:
        if (activity.value && !activity.text) return onCardSubmit(context);
        return onMessage(context);
      case ActivityTypes.ConversationUpdate: {
        const botId = activity.recipient?.id;
        if (activity.membersAdded?.some((m) => m.id === botId)) return onInstalled(context);
        if (activity.membersRemoved?.some((m) => m.id === botId)) return onUninstalled(context);
        return;
      }
      case ActivityTypes.InstallationUpdate:
        if (activity.action?.startsWith("add")) return onInstalled(context);
        if (activity.action?.startsWith("remove")) return onUninstalled(context);
        return;
      case ActivityTypes.Invoke:
        return onInvoke(context);
      default:
        logger.debug({ type: activity.type, tenant: tenantOf(context) }, "teams: activity ignored");
    }
  }
}
