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

/**
 * A small local Slack Web API: answers auth.test, chat.postMessage, chat.update,
 * chat.postEphemeral, views.open, views.publish, users.info and conversations.info like Slack
 * (form-encoded or JSON arguments, `{ ok, … }` answers, HTTP 429 with Retry-After), records every
 * call, and takes response_url posts at /response/<id>. Base URL for SLACK_API_URL: `apiUrl`.
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
    json(res, this.answer(method, args));
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

  private nextTs(): string {
    this.ts += 1;
    return `${this.ts}.000100`;
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case "auth.test":
        return { ok: true, url: "https://kam-test.slack.com/", team: "Kam Test", user: "kam", team_id: this.teamId, user_id: this.botUserId, bot_id: this.botId };
      case "chat.postMessage":
        if (!args.channel) return { ok: false, error: "channel_not_found" };
        if (!args.text && !args.blocks) return { ok: false, error: "no_text" };
        return { ok: true, channel: args.channel, ts: this.nextTs(), message: { text: args.text, blocks: args.blocks, bot_id: this.botId } };
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
