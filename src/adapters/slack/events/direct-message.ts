import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackContext } from "../context.ts";
import { answerMessage, withoutBotMention } from "./conversation.ts";

type Args = SlackEventMiddlewareArgs<"message"> & AllMiddlewareArgs;

/** A message in the App's DM (message.im). Edits, bots and other subtypes are ignored. */
export function directMessage(ctx: SlackContext) {
  return async function onDirectMessage({ event, body, context, client }: Args): Promise<void> {
    if (event.channel_type !== "im" || event.subtype !== undefined) return;
    if ("bot_id" in event && event.bot_id) return;
    if (!("user" in event) || !event.user || !("text" in event)) return;
    await answerMessage(ctx, client, {
      teamId: body.team_id ?? "",
      userId: event.user,
      channelId: event.channel,
      direct: true,
      text: withoutBotMention(event.text ?? "", context.botUserId),
      ts: event.ts,
      eventId: body.event_id,
    });
  };
}
