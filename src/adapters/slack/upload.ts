import type { WebClient } from "@slack/web-api";
import type { Reply } from "../../core/reply.ts";

/**
 * Posts a reply's file (an export) with files.uploadV2 (files.getUploadURLExternal, the upload,
 * files.completeUploadExternal). An export is the caller's alone: outside a DM it goes to the
 * caller's DM with kam rather than into the channel (needs files:write and im:write).
 */
export async function uploadReplyFile(client: WebClient, reply: Reply, where: { channelId: string; direct: boolean; userId: string }): Promise<void> {
  if (!reply.file) return;
  let channel = where.channelId;
  if (!where.direct) {
    const opened = await client.conversations.open({ users: where.userId });
    channel = opened.channel?.id ?? where.userId;
  }
  await client.filesUploadV2({ channel_id: channel, filename: reply.file.name, title: reply.file.name, content: reply.file.content, snippet_type: "csv" });
}
