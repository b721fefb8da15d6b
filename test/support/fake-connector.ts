import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/**
 * A local stand-in for the Bot Framework connector (the `serviceUrl` of Teams activities). It
 * records every `/v3/conversations/...` call the bot makes and answers the way the real service
 * does: an id for each posted activity, member profiles for `getMember`, and 429s when told to.
 */
export interface ConnectorCall {
  method: string;
  path: string;
  /** "reply" (POST …/activities/{id}), "send" (POST …/activities), "update" (PUT …/activities/{id}), "member", "file" (GET /files/{id}/{name}), "other" */
  kind: "reply" | "send" | "update" | "member" | "file" | "other";
  conversationId: string;
  activityId?: string;
  body: Record<string, unknown> | null;
  headers: IncomingMessage["headers"];
}

export interface FakeMember {
  id: string;
  name: string;
  aadObjectId?: string;
  email?: string;
}

export interface FakeConnector {
  url: string;
  calls: ConnectorCall[];
  /** Calls that carry an activity (reply, send, update), in order. */
  activities(): ConnectorCall[];
  /** Resolves when `count` activities have arrived (reply/send/update). */
  waitForActivities(count: number, timeoutMs?: number): Promise<ConnectorCall[]>;
  /** Profiles returned by GET /v3/conversations/{id}/members/{memberId}. */
  members: Map<string, FakeMember>;
  /** The next `times` activity posts answer 429 with this Retry-After (seconds). */
  throttle(times: number, retryAfterSeconds: number): void;
  /** The next `times` activity posts answer with this status (403, 404, 500 …). */
  failNext(times: number, status: number): void;
  /**
   * Serves a file the way SharePoint serves a Teams attachment's pre-authorized downloadUrl (GET,
   * no token); returns the URL. `status` other than 200 answers that status instead.
   */
  serveFile(name: string, content: string | Buffer, status?: number): string;
  /** Artificial latency per call, in ms (benchmarks). */
  delayMs: number;
  reset(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return null;
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  const members = new Map<string, FakeMember>();
  let throttled = { times: 0, retryAfter: 1 };
  let failing = { times: 0, status: 500 };
  let waiters: { count: number; resolve: (calls: ConnectorCall[]) => void }[] = [];
  let sequence = 0;
  const activityCalls = () => calls.filter((c) => c.kind === "reply" || c.kind === "send" || c.kind === "update");

  const files = new Map<string, { content: Buffer; status: number }>();
  const state = { delayMs: 0 };
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const body = await readBody(req);
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(payload));
    };
    if (state.delayMs > 0) await new Promise((r) => setTimeout(r, state.delayMs));
    const download = url.pathname.match(/^\/files\/([^/]+)\/[^/]+$/);
    if (download && req.method === "GET") {
      calls.push({ method: "GET", path: url.pathname, kind: "file", conversationId: "", body: null, headers: req.headers });
      const file = files.get(download[1]!);
      if (!file || file.status !== 200) return json(file?.status ?? 404, { error: { code: "itemNotFound", message: "file not found" } });
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(file.content.length) });
      res.end(file.content);
      return;
    }
    const m = url.pathname.match(/^\/v3\/conversations\/([^/]+)(?:\/(activities|members)(?:\/([^/]+))?)?\/?$/);
    if (!m) return json(404, { error: { code: "NotFound", message: url.pathname } });
    const conversationId = decodeURIComponent(m[1]!);
    const what = m[2];
    const id = m[3] ? decodeURIComponent(m[3]) : undefined;
    const kind: ConnectorCall["kind"] =
      what === "members" ? "member"
      : what === "activities" && req.method === "POST" ? (id ? "reply" : "send")
      : what === "activities" && req.method === "PUT" ? "update"
      : "other";
    const call: ConnectorCall = { method: req.method ?? "GET", path: url.pathname, kind, conversationId, body, headers: req.headers, ...(id ? { activityId: id } : {}) };

    if (kind === "member") {
      calls.push(call);
      const member = id ? members.get(id) : undefined;
      return member ? json(200, member) : json(404, { error: { code: "MemberNotFoundInConversation", message: "member not found" } });
    }
    if (kind === "reply" || kind === "send" || kind === "update") {
      if (throttled.times > 0) {
        throttled.times--;
        calls.push({ ...call, kind: "other" });
        return json(429, { error: { code: "TooManyRequests", message: "throttled" } }, { "retry-after": String(throttled.retryAfter) });
      }
      if (failing.times > 0) {
        failing.times--;
        calls.push({ ...call, kind: "other" });
        const code = failing.status === 403 ? "BotNotInConversationRoster" : failing.status === 404 ? "ConversationNotFound" : "ServiceError";
        return json(failing.status, { error: { code, message: code } });
      }
      calls.push(call);
      const done = activityCalls();
      waiters = waiters.filter((w) => (done.length >= w.count ? (w.resolve(done), false) : true));
      return json(200, { id: kind === "update" ? id : `activity-${++sequence}` });
    }
    calls.push(call);
    return json(200, {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    members,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    activities: activityCalls,
    serveFile(name, content, status = 200) {
      const id = `f${++sequence}`;
      files.set(id, { content: Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8"), status });
      return `http://127.0.0.1:${port}/files/${id}/${encodeURIComponent(name)}`;
    },
    waitForActivities(count, timeoutMs = 10_000) {
      const done = activityCalls();
      if (done.length >= count) return Promise.resolve(done);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fake connector: expected ${count} activities, got ${activityCalls().length}`)), timeoutMs);
        waiters.push({ count, resolve: (c) => (clearTimeout(timer), resolve(c)) });
      });
    },
    throttle(times, retryAfterSeconds) {
      throttled = { times, retryAfter: retryAfterSeconds };
    },
    failNext(times, status) {
      failing = { times, status };
    },
    reset() {
      calls.length = 0;
      throttled = { times: 0, retryAfter: 1 };
      failing = { times: 0, status: 500 };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
