import type { WebClient } from "@slack/web-api";
import { refuseUnstorableText } from "../../../core/grammar/text-input.ts";
import { formOf } from "../blocks.ts";
import { fromSlackText } from "../escape.ts";
import { failureReply, slackRequest, renderFor, translatorFor, type SlackContext } from "../context.ts";
import type { SlackIdentity } from "../identity.ts";

/** What an @mention or a DM says, in kam's terms. */
export interface ConversationMessage {
  teamId: string;
  userId: string;
  channelId: string;
  direct: boolean;
  text: string;
  /** The message's ts, and its thread's, to answer in the thread. */
  ts: string;
  threadTs?: string;
  eventId: string;
  /** A file shared with the message, already read (an import). */
  attachment?: { name: string; text: string };
}

/**
 * Runs a message through the core and answers in the conversation: in a DM as a message; in a
 * channel in the thread, visible to everyone when the reply announces a change, else only to
 * the author (ephemeral). Events are acknowledged by Bolt before this runs; retries are deduplicated
 * by the core through the event id.
 */
export async function answerMessage(ctx: SlackContext, client: WebClient, msg: ConversationMessage): Promise<void> {
  let who: SlackIdentity | null = null;
  const idempotencyKey = `slack:event:${msg.teamId}:${msg.eventId}`;
  if (!ctx.firstSeen(idempotencyKey)) return;
  let answered = false;
  try {
    who = await ctx.identity.resolve(client, msg.teamId, msg.userId);
    const request = { ...slackRequest(who, msg, { text: fromSlackText(msg.text) }, idempotencyKey), ...(msg.attachment ? { attachment: msg.attachment } : {}) };
    const reply = refuseUnstorableText(request) ?? (await ctx.handle(request));
    answered = true;
    const t = translatorFor(who);
    const form = formOf(reply);
    const message = await renderFor(ctx, who.organizationId, reply, { t, formCommand: form ? msg.text : undefined });
    if (msg.direct) {
      await client.chat.postMessage({ channel: msg.channelId, text: message.text, blocks: message.blocks });
      return;
    }
    const thread_ts = msg.threadTs ?? msg.ts;
    if (reply.ok && reply.visibility === "channel") {
      await client.chat.postMessage({ channel: msg.channelId, thread_ts, text: message.text, blocks: message.blocks });
    } else {
      await client.chat.postEphemeral({ channel: msg.channelId, user: msg.userId, thread_ts, text: message.text, blocks: message.blocks });
    }
  } catch (error) {
    ctx.logger.error({ err: error, eventId: msg.eventId }, "slack message failed");
    if (!answered) ctx.forget(idempotencyKey);
    await client.chat
      .postEphemeral({ channel: msg.channelId, user: msg.userId, text: failureReply(translatorFor(who)).summary })
      .catch(() => {});
  }
}

/** The text of an @mention without the leading mention(s) of the bot. */
export function withoutBotMention(text: string, botUserId?: string): string {
  const own = botUserId ? new RegExp(`<@${botUserId}(\\|[^>]*)?>`, "g") : /^\s*<@[UW][A-Z0-9]+(\|[^>]*)?>/;
  return text.replace(own, " ").replace(/\s+/g, " ").trim();
}
