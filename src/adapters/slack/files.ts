import type { WebClient } from "@slack/web-api";
import { decodeCsv } from "../../domain/exchange/csv.ts";
import { MAX_CHAT_FILE_BYTES } from "../../domain/exchange/previews.ts";

export type SlackFileRead = { ok: true; name: string; text: string } | { ok: false; reason: "tooLarge" | "unreadable"; detail: string };

/**
 * A file a user shared with kam, read with the bot token: files.info names its private URL,
 * which answers only with `Authorization: Bearer <bot token>` (files:read scope).
 */
export async function readSlackFile(client: WebClient, fileId: string): Promise<SlackFileRead> {
  const info = await client.files.info({ file: fileId });
  const file = info.file;
  const url = file?.url_private_download ?? file?.url_private;
  if (!file || !url) return { ok: false, reason: "unreadable", detail: "no file URL" };
  if ((file.size ?? 0) > MAX_CHAT_FILE_BYTES) return { ok: false, reason: "tooLarge", detail: String(file.size) };
  const response = await fetch(url, { headers: { Authorization: `Bearer ${client.token}` }, redirect: "manual" });
  if (response.status !== 200) return { ok: false, reason: "unreadable", detail: `HTTP ${response.status}` };
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > MAX_CHAT_FILE_BYTES) return { ok: false, reason: "tooLarge", detail: String(bytes.length) };
  return { ok: true, name: file.name ?? fileId, text: decodeCsv(bytes) };
}
