/**
 * Outbox dispatcher throughput: 5,000 notifications over 500 channels delivered to a local fake
 * Slack-like Web API that enforces one message per second per channel (429 with Retry-After),
 * against the theoretical minimum under that limit (10 messages per channel → 9 s). Target: 1.2x.
 *
 *   npx tsx bench/dispatcher.ts [--messages 5000] [--channels 500]   (BENCH_DATABASE_URL)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import type { DeliveryResult, Notifier, OutgoingMessage } from "../src/core/notifier.ts";
import { openDatabase } from "../src/db/client.ts";
import { Dispatcher } from "../src/scheduler/dispatcher.ts";
import { benchPostgres } from "./support.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MESSAGES = arg("messages", 5_000);
const CHANNELS = arg("channels", 500);
const PER_CHANNEL = Math.ceil(MESSAGES / CHANNELS);

// A fake chat.postMessage: one message per second per channel, else 429 Retry-After: 1.
const lastAccepted = new Map<string, number>();
let accepted = 0;
let limited = 0;
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const { channel } = JSON.parse(body) as { channel: string };
    const now = performance.now();
    const last = lastAccepted.get(channel);
    if (last !== undefined && now - last < 1_000) {
      limited++;
      res.writeHead(429, { "Retry-After": "1", "Content-Type": "application/json" }).end(JSON.stringify({ ok: false, error: "ratelimited" }));
      return;
    }
    lastAccepted.set(channel, now);
    accepted++;
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ ok: true, ts: `${Date.now() / 1000}` }));
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/chat.postMessage`;

/** A minimal Slack-like HTTP notifier (the real one lives in src/adapters/slack). */
const notifier: Notifier = {
  platform: "SLACK",
  async send(message: OutgoingMessage): Promise<DeliveryResult> {
    const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ channel: message.target, text: message.reply.summary }) });
    const data = (await res.json()) as { ok: boolean; ts?: string; error?: string };
    if (res.status === 429) return { ok: false, kind: "rate_limited", retryAfterMs: Number(res.headers.get("retry-after") ?? "1") * 1000, error: "ratelimited" };
    if (res.status >= 500) return { ok: false, kind: "transient", error: `HTTP ${res.status}` };
    return data.ok ? { ok: true, ...(data.ts ? { externalId: data.ts } : {}) } : { ok: false, kind: "permanent", error: data.error ?? "error" };
  },
};

const target = await benchPostgres();
if (!target) process.exit(0);
const db = await openDatabase({ kind: "postgres", url: target.url, poolSize: 8 });
const sql = new pg.Client({ connectionString: target.url });
try {
  await db.migrate();
  await sql.connect();
  await sql.query(`INSERT INTO "Organization" (id, name) VALUES ('org-bench', 'Bench Org')`);
  await sql.query(`
    INSERT INTO "Notification" (id, "organizationId", "dedupeKey", platform, target, payload, "nextAttemptAt", "createdAt")
    SELECT 'n-' || g, 'org-bench', 'bench:' || g, 'SLACK', 'C' || (g % ${CHANNELS}),
           json_build_object('organizationId', 'org-bench', 'platform', 'SLACK', 'target', 'C' || (g % ${CHANNELS}), 'mentions', '[]'::json,
                             'reply', json_build_object('ok', true, 'visibility', 'channel', 'summary', 'message ' || g, 'blocks', '[]'::json)),
           now() - interval '1 minute', now() - interval '1 minute' + g * interval '1 millisecond'
    FROM generate_series(0, ${MESSAGES - 1}) g`);
  const dispatcher = new Dispatcher({ db: db.prisma, notifiers: [notifier], owner: "bench" });
  const start = performance.now();
  const summary = await dispatcher.drain({ settle: true });
  const elapsed = (performance.now() - start) / 1000;
  const minimum = PER_CHANNEL - 1; // first message of each channel at 0 s, one a second after that
  const { rows } = await sql.query(`SELECT status, count(*)::int AS n FROM "Notification" GROUP BY 1`);
  console.log(`${MESSAGES} notifications over ${CHANNELS} channels (${PER_CHANNEL} each), fake Slack at 1 msg/s/channel`);
  console.log(`delivered ${summary.sent} (server accepted ${accepted}, answered 429 ${limited} times; outbox: ${rows.map((r) => `${r.n} ${r.status}`).join(", ")})`);
  console.log(`wall time ${elapsed.toFixed(2)} s; theoretical minimum ${minimum.toFixed(2)} s; ratio ${(elapsed / minimum).toFixed(3)}x (target ≤ 1.2x: ${elapsed / minimum <= 1.2 ? "met" : "NOT met"})`);
} finally {
  await sql.end().catch(() => {});
  await db.close();
  await target.drop();
  server.close();
}
