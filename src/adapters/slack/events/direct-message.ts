import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackContext } from "../context.ts";
import { readSlackFile } from "../files.ts";
import { answerMessage, withoutBotMention } from "./conversation.ts";

type Args = SlackEventMiddlewareArgs<"message"> & AllMiddlewareArgs;

/** A message in the App's DM (message.im). Edits, bots and other subtypes are ignored. */
export function directMessage(ctx: SlackContext) {
  return async function onDirectMessage({ event, body, context, client }: Args): Promise<void> {
    if (event.channel_type !== "im") return;
    if (event.subtype === "file_share") return onFileShare(ctx, client, body, event as unknown as FileShare);
    if (event.subtype !== undefined) return;
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

interface FileShare {
  channel: string;
  user?: string;
  ts: string;
  files?: { id: string; name?: string }[];
}

/** A file uploaded to kam in its DM: read with the bot token and previewed as an import. */
async function onFileShare(ctx: SlackContext, client: Args["client"], body: Args["body"], event: FileShare): Promise<void> {
  const file = event.files?.[0];
  if (!event.user || !file) return;
  const read = await readSlackFile(client, file.id).catch((error: unknown) => ({ ok: false as const, reason: "unreadable" as const, detail: (error as Error).message }));
  if (!read.ok) ctx.logger.warn({ file: file.id, reason: read.reason, detail: read.detail }, "slack file not read");
  await answerMessage(ctx, client, {
    teamId: body.team_id ?? "",
    userId: event.user,
    channelId: event.channel,
    direct: true,
    text: "import",
    ts: event.ts,
    eventId: body.event_id,
    ...(read.ok ? { attachment: { name: read.name, text: read.text } } : {}),
  });
}
