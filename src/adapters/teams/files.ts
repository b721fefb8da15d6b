import type { Activity } from "botbuilder";
import { decodeCsv } from "../../domain/exchange/csv.ts";
import { MAX_CHAT_FILE_BYTES } from "../../domain/exchange/previews.ts";
import { isLoopbackHost } from "./service-url.ts";

/** The attachment Teams puts on a message when a file is sent to a bot in a personal chat (manifest: supportsFiles). */
export const FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info";

export type TeamsFileRead = { ok: true; name: string; text: string } | { ok: false; reason: "tooLarge" | "unreadable"; detail: string };

export interface TeamsFile {
  name: string;
  downloadUrl: unknown;
}

/** The first file attached to the activity, or null. */
export function attachedFile(activity: Partial<Activity>): TeamsFile | null {
  const attachment = activity.attachments?.find((a) => a?.contentType === FILE_DOWNLOAD_INFO);
  if (!attachment) return null;
  const content = (attachment.content ?? {}) as { downloadUrl?: unknown };
  return { name: typeof attachment.name === "string" && attachment.name ? attachment.name.slice(0, 200) : "file.csv", downloadUrl: content.downloadUrl };
}

/**
 * Where kam may download an attached file from. The URL comes in the activity, so it is checked
 * like the serviceUrl (service-url.ts): without authentication only loopback; with it, only https
 * on the default port of a SharePoint Online host (`*.sharepoint.com`, where Teams keeps a file
 * sent to a bot: the sender's OneDrive). Bots receive no files in GCC High, DoD or 21Vianet, so no
 * other cloud's hosts are allowed. The URL is pre-authorized: no token is sent with it.
 */
export function checkDownloadUrl(raw: unknown, authenticated: boolean): { ok: true; url: URL } | { ok: false; reason: string } {
  if (typeof raw !== "string" || raw.length > 4096) return { ok: false, reason: "no download URL" };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "not a URL" };
  }
  if (url.username || url.password) return { ok: false, reason: "credentials in the URL" };
  if (!authenticated) {
    if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, reason: "not http(s)" };
    return isLoopbackHost(url.hostname) ? { ok: true, url } : { ok: false, reason: "not a loopback address (Teams authentication is off)" };
  }
  if (url.protocol !== "https:" || url.port !== "") return { ok: false, reason: "not https on the default port" };
  const host = url.hostname.toLowerCase();
  return host.endsWith(".sharepoint.com") && host.length > ".sharepoint.com".length ? { ok: true, url } : { ok: false, reason: "not a SharePoint host" };
}

/** Downloads the file (redirects are not followed: they could lead anywhere), at most MAX_CHAT_FILE_BYTES. */
export async function readTeamsFile(file: TeamsFile, authenticated: boolean): Promise<TeamsFileRead> {
  const where = checkDownloadUrl(file.downloadUrl, authenticated);
  if (!where.ok) return { ok: false, reason: "unreadable", detail: where.reason };
  let response: Response;
  try {
    response = await fetch(where.url, { redirect: "manual", signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    return { ok: false, reason: "unreadable", detail: (error as Error).message };
  }
  if (response.status !== 200 || !response.body) {
    await response.body?.cancel();
    return { ok: false, reason: "unreadable", detail: `HTTP ${response.status}` };
  }
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > MAX_CHAT_FILE_BYTES) {
    await response.body.cancel();
    return { ok: false, reason: "tooLarge", detail: String(declared) };
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_CHAT_FILE_BYTES) return { ok: false, reason: "tooLarge", detail: `over ${MAX_CHAT_FILE_BYTES}` };
    chunks.push(chunk);
  }
  return { ok: true, name: file.name, text: decodeCsv(Buffer.concat(chunks)) };
}
