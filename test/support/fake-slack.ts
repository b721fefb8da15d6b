import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One recorded call to the fake Web API or to a response_url. */
export interface FakeCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}

type Scripted =
  | { kind: "ratelimited"; retryAfter: number }
  | { kind: "error"; error: string }
  | { kind: "http"; status: number };

export interface FakeUser {
  id: string;
  name: string;
  realName: string;
  email?: string;
  tz?: string;
  locale?: string;
}

/** A message the fake keeps in a conversation, as conversations.history returns it. */
export interface FakeMessage {
  type: "message";
  ts: string;
  text?: string;
  blocks?: unknown;
  bot_id: string;
  app_id: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** What a test may do with a chat.postMessage the fake accepted, before it is answered. */
export type PostHook = (post: { channel: string; message: FakeMessage }) => void | "drop" | Promise<void | "drop">;

const HISTORY_SCOPES: Record<string, string> = { C: "channels:history", G: "groups:history", D: "im:history" };

/**
 * A small local Slack Web API: answers auth.test, chat.postMessage, chat.update,
 * chat.postEphemeral, views.open, views.publish, users.info, conversations.info,
 * conversations.open and conversations.history like Slack (form-encoded or JSON arguments,
 * `{ ok, … }` answers, HTTP 429 with Retry-After), records every call, and takes response_url
 * posts at /response/<id>. Base URL for SLACK_API_URL: `apiUrl`.
 * Posted messages are kept per conversation with their `metadata` (returned by
 * conversations.history only with include_all_metadata, as Slack does); a post to a user id lands
 * in that user's DM (conversations.open gives its id). `onPost` runs once a post is stored and
 * before it is answered (a test can hold the answer there, or kill the poster).
 */
export class FakeSlack {
  readonly calls: FakeCall[] = [];
  readonly teamId: string;
  readonly botUserId = "UKAMBOT01";
  readonly botId = "BKAMBOT01";
  readonly token = "xoxb-fake-token";
  users = new Map<string, FakeUser>();
  private script = new Map<string, Scripted[]>();
  private server: Server | null = null;
  private waiters: { method: string; count: number; resolve: () => void }[] = [];
  private ts = 1_700_000_000;
  url = "";
  /** Delay of every answer, to simulate a slow Slack. */
  delayMs = 0;
  /** Messages kept per conversation id, oldest first. */
  readonly conversations = new Map<string, FakeMessage[]>();
  /** The token's scopes; history calls without the needed one get `missing_scope`. */
  scopes = new Set(["chat:write", "channels:history", "groups:history", "im:history", "mpim:history", "im:write", "users:read"]);
  onPost: PostHook | null = null;
  private lastTsMicros = 0;
  /** Files "uploaded by users": files.info describes them, GET /files/<id> serves them with the bot token only. */
  readonly files = new Map<string, { id: string; name: string; mimetype: string; content: Buffer }>();

  /** A file a user uploaded; returns the `files` entry of its file_share message event. */
  addFile(name: string, content: string | Buffer, mimetype = "text/csv") {
    const id = `F${String(this.files.size + 1).padStart(8, "0")}`;
    const buffer = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    this.files.set(id, { id, name, mimetype, content: buffer });
    return { id, name, mimetype, filetype: "csv", size: buffer.length, url_private: `${this.url}/files/${id}`, url_private_download: `${this.url}/files/${id}/download` };
  }

  constructor(options: { teamId?: string } = {}) {
    this.teamId = options.teamId ?? "T0KAMTEST";
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.url}/response/${id}`;
  }

  /** The next `times` calls of `method` fail as scripted. */
  failNext(method: string, failure: Scripted, times = 1): void {
    const list = this.script.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(failure);
    this.script.set(method, list);
  }

  callsOf(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves once `count` calls of `method` were recorded. */
  waitFor(method: string, count = 1, timeoutMs = 10_000): Promise<FakeCall[]> {
    if (this.callsOf(method).length >= count) return Promise.resolve(this.callsOf(method));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${count} × ${method}; calls: ${this.calls.map((c) => c.method).join(", ")}`)),
        timeoutMs,
      );
      this.waiters.push({
        method,
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.callsOf(method));
        },
      });
    });
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://fake");
    const type = req.headers["content-type"] ?? "";
    let args: Record<string, unknown> = {};
    if (type.includes("application/json")) {
      args = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } else {
      for (const [k, v] of new URLSearchParams(raw)) {
        // @slack/web-api sends objects and arrays JSON-encoded inside form fields.
        args[k] = /^[[{]/.test(v) ? safeJson(v) : v;
      }
    }
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (url.pathname.startsWith("/files/")) {
      const file = this.files.get(url.pathname.split("/")[2] ?? "");
      this.record("file.download", { path: url.pathname, authorization: req.headers.authorization ?? "" });
      if (req.headers.authorization !== `Bearer ${this.token}`) {
        // Slack answers an unauthenticated file URL with its login page, not the file.
        res.writeHead(302, { location: "https://slack.com/signin" }).end();
      } else if (!file) res.writeHead(404).end();
      else res.writeHead(200, { "content-type": file.mimetype }).end(file.content);
      return;
    }
    if (url.pathname.startsWith("/response/")) {
      this.record(`response:${url.pathname.slice("/response/".length)}`, args);
      this.record("response_url", { ...args, id: url.pathname.slice("/response/".length) });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    const method = url.pathname.replace(/^\/api\//, "");
    const auth = req.headers.authorization ?? (typeof args.token === "string" ? `Bearer ${args.token}` : "");
    delete args.token;
    this.record(method, args);
    const scripted = this.script.get(method)?.shift();
    if (scripted?.kind === "ratelimited") {
      res.writeHead(429, { "content-type": "application/json", "retry-after": String(scripted.retryAfter) });
      res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
      return;
    }
    if (scripted?.kind === "http") {
      res.writeHead(scripted.status, { "content-type": "text/plain" }).end("upstream error");
      return;
    }
    if (scripted?.kind === "error") return json(res, { ok: false, error: scripted.error });
    if (auth !== `Bearer ${this.token}`) return json(res, { ok: false, error: "invalid_auth" });
    const answer = this.answer(method, args);
    if (method === "chat.postMessage" && answer.ok && this.onPost) {
      const message = answer.message as FakeMessage;
      if ((await this.onPost({ channel: String(answer.channel), message })) === "drop") {
        res.destroy();
        return;
      }
    }
    json(res, answer);
  }

  private record(method: string, args: Record<string, unknown>) {
    this.calls.push({ method, args, at: Date.now() });
    for (const w of [...this.waiters]) {
      if (w.method === method && this.callsOf(method).length >= w.count) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  /** Like Slack's: the current time in seconds with six decimals, unique per workspace. */
  private nextTs(): string {
    this.ts += 1;
    const micros = Math.max(Date.now() * 1000, this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, "0")}`;
  }

  /** The conversation a post or history call names: a user id means the user's DM. */
  private conversationId(channel: string): string {
    return /^[UW]/.test(channel) ? `D${channel.slice(1)}` : channel;
  }

  /** Posts accepted into a conversation (all of them, or those carrying this metadata key). */
  posted(channel: string, key?: string): FakeMessage[] {
    const list = this.conversations.get(this.conversationId(channel)) ?? [];
    return key === undefined ? list : list.filter((m) => m.metadata?.event_payload?.key === key);
  }

  /** Every accepted post with a metadata key, counted by key. */
  postsByKey(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const list of this.conversations.values()) {
      for (const m of list) {
        const key = m.metadata?.event_payload?.key;
        if (typeof key === "string") counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    return counts;
  }

  private history(args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args.channel ?? "");
    if (!channel) return { ok: false, error: "channel_not_found" };
    const needed = HISTORY_SCOPES[channel[0]!] ?? "mpim:history";
    if (!this.scopes.has(needed)) return { ok: false, error: "missing_scope", needed, provided: [...this.scopes].join(",") };
    const inclusive = args.inclusive === true || args.inclusive === "true" || args.inclusive === "1";
    const oldest = Number(args.oldest ?? 0);
    const latest = args.latest === undefined ? Infinity : Number(args.latest);
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === "true" || args.include_all_metadata === "1";
    const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
    const offset = args.cursor ? Number(Buffer.from(String(args.cursor), "base64").toString("utf8").replace(/^offset:/, "")) : 0;
    const inRange = (this.conversations.get(channel) ?? [])
      .filter((m) => {
        const ts = Number(m.ts);
        return (inclusive ? ts >= oldest : ts > oldest) && (inclusive ? ts <= latest : ts < latest);
      })
      .reverse(); // newest first, like Slack
    const page = inRange.slice(offset, offset + limit).map((m) => {
      if (withMetadata) return m;
      const { metadata: _hidden, ...rest } = m;
      return rest;
    });
    const hasMore = offset + limit < inRange.length;
    return {
      ok: true,
      messages: page,
      has_more: hasMore,
      pin_count: 0,
      response_metadata: { next_cursor: hasMore ? Buffer.from(`offset:${offset + limit}`).toString("base64") : "" },
    };
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case "auth.test":
        return { ok: true, url: "https://kam-test.slack.com/", team: "Kam Test", user: "kam", team_id: this.teamId, user_id: this.botUserId, bot_id: this.botId };
      case "chat.postMessage": {
        if (!args.channel) return { ok: false, error: "channel_not_found" };
        if (!args.text && !args.blocks) return { ok: false, error: "no_text" };
        const channel = this.conversationId(String(args.channel));
        const metadata = args.metadata as FakeMessage["metadata"] | string | undefined;
        if (metadata !== undefined && (typeof metadata !== "object" || typeof metadata.event_type !== "string" || typeof metadata.event_payload !== "object")) {
          return { ok: false, error: "invalid_metadata_format" };
        }
        const message: FakeMessage = {
          type: "message",
          ts: this.nextTs(),
          text: args.text as string | undefined,
          blocks: args.blocks,
          bot_id: this.botId,
          app_id: "AKAMAPP01",
          ...(metadata ? { metadata } : {}),
        };
        const list = this.conversations.get(channel) ?? [];
        list.push(message);
        this.conversations.set(channel, list);
        return { ok: true, channel, ts: message.ts, message };
      }
      case "conversations.history":
        return this.history(args);
      case "conversations.open": {
        const users = String(args.users ?? "").split(",").filter(Boolean);
        if (users.length !== 1) return { ok: false, error: users.length ? "not_implemented" : "users_list_not_supplied" };
        return { ok: true, channel: { id: this.conversationId(users[0]!) } };
      }
      case "chat.update":
        if (!args.channel || !args.ts) return { ok: false, error: "message_not_found" };
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case "chat.postEphemeral":
        if (!args.channel || !args.user) return { ok: false, error: "user_not_in_channel" };
        return { ok: true, message_ts: this.nextTs() };
      case "views.open":
      case "views.publish": {
        const view = args.view as Record<string, unknown> | undefined;
        if (!view || typeof view !== "object") return { ok: false, error: "invalid_arguments" };
        if (method === "views.open" && !args.trigger_id) return { ok: false, error: "invalid_trigger_id" };
        return { ok: true, view: { id: `V${this.nextTs().replace(/\D/g, "").slice(-9)}`, hash: "h1", ...view } };
      }
      case "users.info": {
        const id = String(args.user ?? "");
        const u = this.users.get(id) ?? { id, name: id.toLowerCase(), realName: `User ${id}` };
        return {
          ok: true,
          user: {
            id: u.id,
            team_id: this.teamId,
            name: u.name,
            real_name: u.realName,
            tz: u.tz ?? "Europe/Berlin",
            ...(args.include_locale ? { locale: u.locale ?? "en-US" } : {}),
            profile: { real_name: u.realName, display_name: u.name, ...(u.email ? { email: u.email } : {}) },
          },
        };
      }
      case "files.info": {
        const file = this.files.get(String(args.file ?? ""));
        if (!file) return { ok: false, error: "file_not_found" };
        return { ok: true, file: { id: file.id, name: file.name, mimetype: file.mimetype, size: file.content.length, url_private: `${this.url}/files/${file.id}`, url_private_download: `${this.url}/files/${file.id}/download` } };
      }
      case "conversations.info":
        return { ok: true, channel: { id: args.channel, name: "acme", is_channel: true, is_member: true } };
      default:
        return { ok: false, error: "unknown_method" };
    }
  }
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function json(res: ServerResponse, body: unknown) {
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
}
