import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackContext } from "../context.ts";
import { answerMessage, withoutBotMention } from "./conversation.ts";

type Args = SlackEventMiddlewareArgs<"app_mention"> & AllMiddlewareArgs;

/** `@kam order log …` in a channel. */
export function appMention(ctx: SlackContext) {
  return async function onAppMention({ event, body, context, client }: Args): Promise<void> {
    if (!event.user) return;
    await answerMessage(ctx, client, {
      teamId: body.team_id ?? event.team ?? "",
      userId: event.user,
      channelId: event.channel,
      direct: false,
      text: withoutBotMention(event.text, context.botUserId),
      ts: event.ts,
      ...(event.thread_ts ? { threadTs: event.thread_ts } : {}),
      eventId: body.event_id,
    });
  };
}
