/**
 * Outbox dispatcher throughput: 5,000 notifications over 500 channels delivered to a local fake
 * Slack-like Web API that enforces one message per second per channel (429 with Retry-After),
 * against the theoretical minimum under that limit (10 messages per channel → 9 s). Target: 1.2x.
 * Run once with one dispatcher, then with `--replicas` dispatchers (default 3), each with its own
 * database pool, on one PostgreSQL database; the fake counts, per channel, posts that arrived less
 * than a second after the previous one (target 0: pacing holds across replicas).
 *
 *   npx tsx bench/dispatcher.ts [--messages 5000] [--channels 500] [--replicas 3]   (BENCH_DATABASE_URL)
 */
import { spawn } from "node:child_process";
import { Agent, createServer, request } from "node:http";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import type { DeliveryResult, Notifier, OutgoingMessage } from "../src/core/notifier.ts";
import { openDatabase, type Database } from "../src/db/client.ts";
import { Dispatcher, type DispatchSummary } from "../src/scheduler/dispatcher.ts";
import { openBenchPostgres } from "./support.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MESSAGES = arg("messages", 5_000);
const CHANNELS = arg("channels", 500);
const PER_CHANNEL = Math.ceil(MESSAGES / CHANNELS);
const REPLICAS = arg("replicas", 3);

// A fake chat.postMessage in a process of its own (as Slack is): one message per second per
// channel, else 429 with Retry-After: 1. GET /stats reports what it saw.
if (process.argv.includes("--serve")) {
  const lastAccepted = new Map<string, number>();
  const lastArrival = new Map<string, number>();
  const subSecond = new Map<string, number>();
  let accepted = 0;
  let limited = 0;
  const server = createServer((req, res) => {
    if (req.method === "GET") {
      const gaps = [...subSecond.values()];
      res.writeHead(200, { "Content-Type": "application/json" }).end(
        JSON.stringify({ accepted, limited, subSecondGaps: gaps.reduce((a, b) => a + b, 0), channelsWithGaps: gaps.length, maxGapsPerChannel: Math.max(0, ...gaps) }),
      );
      return;
    }
    if (req.method === "DELETE") {
      lastAccepted.clear();
      lastArrival.clear();
      subSecond.clear();
      accepted = limited = 0;
      res.writeHead(204).end();
      return;
    }
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const { channel } = JSON.parse(body) as { channel: string };
      const now = performance.now();
      const previous = lastArrival.get(channel);
      if (previous !== undefined && now - previous < 1_000) subSecond.set(channel, (subSecond.get(channel) ?? 0) + 1);
      lastArrival.set(channel, now);
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
  server.keepAliveTimeout = 60_000; // like a real API behind a load balancer; Node's default (5 s) races with reuse
  server.listen(0, "127.0.0.1", () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
  await new Promise(() => {});
}

const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--serve"], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise<string>((resolve) => child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim())));
const base = `http://127.0.0.1:${port}/api/chat.postMessage`;
const url = base;

/** A minimal Slack-like HTTP notifier (the real one lives in src/adapters/slack): keep-alive node:http. */
// A fresh agent per run, so that no run starts with connections the one before opened.
let agent = new Agent({ keepAlive: true, maxSockets: CHANNELS + 50 });
function post(channel: string, text: string): Promise<{ status: number; retryAfter: string | undefined; body: { ok: boolean; ts?: string; error?: string } }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify({ channel, text });
    const req = request(url, { method: "POST", agent, headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) } }, (res) => {
      let data = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (data += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] as string | undefined, body: JSON.parse(data) }));
    });
    req.on("error", reject);
    req.end(payload);
  });
}
const rtts: number[] = [];
let firstSendAt = 0;
const firstByChannel = new Map<string, number>();
const lastByChannel = new Map<string, number>();
let lastAnswerAt = 0;
const gaps: number[] = [];
const lastSend = new Map<string, number>();
const notifier: Notifier = {
  platform: "SLACK",
  async send(message: OutgoingMessage): Promise<DeliveryResult> {
    const t = performance.now();
    if (!firstByChannel.has(message.target)) firstByChannel.set(message.target, t);
    const last = lastSend.get(message.target);
    if (last !== undefined) gaps.push(t - last);
    lastSend.set(message.target, t);
    const res = await post(message.target, message.reply.summary);
    rtts.push(performance.now() - t);
    if (firstSendAt === 0) firstSendAt = t;
    lastAnswerAt = performance.now();
    lastByChannel.set(message.target, lastAnswerAt);
    if (res.status === 429) return { ok: false, kind: "rate_limited", retryAfterMs: Number(res.retryAfter ?? "1") * 1000, error: "ratelimited" };
    if (res.status >= 500) return { ok: false, kind: "transient", error: `HTTP ${res.status}` };
    return res.body.ok ? { ok: true, ...(res.body.ts ? { externalId: res.body.ts } : {}) } : { ok: false, kind: "permanent", error: res.body.error ?? "error" };
  },
};

const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const minimum = PER_CHANNEL - 1; // first message of each channel at 0 s, one a second after that

/** One run on a fresh database with `replicas` dispatchers (separate pools); prints its figures, returns the ratio. */
async function run(replicas: number, messages = MESSAGES, quiet = false): Promise<{ ratio: number; gaps: number } | null> {
  const bench = await openBenchPostgres(8);
  if (!bench) return null;
  const { db, sql } = bench;
  const extra: Database[] = [];
  rtts.length = 0;
  gaps.length = 0;
  firstSendAt = 0;
  firstByChannel.clear();
  lastByChannel.clear();
  lastSend.clear();
  await fetch(base, { method: "DELETE" });
  agent.destroy();
  agent = new Agent({ keepAlive: true, maxSockets: CHANNELS + 50 });
  try {
    await sql.query(`INSERT INTO "Organization" (id, name) VALUES ('org-bench', 'Bench Org')`);
    await sql.query(`
      INSERT INTO "Notification" (id, "organizationId", "dedupeKey", platform, target, payload, "nextAttemptAt", "createdAt")
      SELECT 'n-' || g, 'org-bench', 'bench:' || g, 'SLACK', 'C' || (g % ${CHANNELS}),
             json_build_object('organizationId', 'org-bench', 'platform', 'SLACK', 'target', 'C' || (g % ${CHANNELS}), 'mentions', '[]'::json,
                               'reply', json_build_object('ok', true, 'visibility', 'channel', 'summary', 'message ' || g, 'blocks', '[]'::json)),
             now() - interval '1 minute', now() - interval '1 minute' + g * interval '1 millisecond'
      FROM generate_series(0, ${messages - 1}) g`);
    for (let i = 1; i < replicas; i++) extra.push(await openDatabase({ kind: "postgres", url: bench.url, poolSize: 8 }));
    const dispatchers = [db, ...extra].map((d, i) => new Dispatcher({ db: d.prisma, notifiers: [notifier], owner: `bench-${i}` }));
    const start = performance.now();
    const summaries: DispatchSummary[] = await Promise.all(dispatchers.map((d) => d.drain({ settle: true })));
    const elapsed = (performance.now() - start) / 1000;
    const sum = (f: (s: DispatchSummary) => number) => summaries.reduce((a, s) => a + f(s), 0);
    const { rows } = await sql.query(`SELECT status, count(*)::int AS n FROM "Notification" GROUP BY 1`);
    const stats = (await (await fetch(base)).json()) as { accepted: number; limited: number; subSecondGaps: number; channelsWithGaps: number; maxGapsPerChannel: number };
    if (quiet) return null;
    console.log(`\n${replicas === 1 ? "one dispatcher" : `${replicas} dispatchers (separate pools, one PostgreSQL database)`}: ${MESSAGES} notifications over ${CHANNELS} channels (${PER_CHANNEL} each), fake Slack at 1 msg/s/channel`);
    console.log(`delivered ${sum((s) => s.sent)} (${summaries.map((s) => s.sent).join(" + ")}), ${sum((s) => s.retried)} retried (server accepted ${stats.accepted}, answered 429 ${stats.limited} times; outbox: ${rows.map((r) => `${r.n} ${r.status}`).join(", ")})`);
    console.log(`first send ${((firstSendAt - start) / 1000).toFixed(2)} s after the start, last answer at ${((lastAnswerAt - start) / 1000).toFixed(2)} s`);
    const spans = [...lastByChannel].map(([c, t]) => t - firstByChannel.get(c)!).sort((a, b) => a - b);
    const starts = [...firstByChannel.values()].map((t) => t - start).sort((a, b) => a - b);
    console.log(`per channel, first send to last answer: min ${(spans[0]! / 1000).toFixed(2)} s, median ${(spans[spans.length >> 1]! / 1000).toFixed(2)} s, max ${(spans[spans.length - 1]! / 1000).toFixed(2)} s; channels started between ${(starts[0]! / 1000).toFixed(2)} and ${(starts[starts.length - 1]! / 1000).toFixed(2)} s`);
    console.log(`claims: ${sum((s) => s.claims)}, ${sum((s) => s.claimMs).toFixed(0)} ms in total`);
    console.log(`request round trip: mean ${avg(rtts).toFixed(1)} ms, max ${Math.max(...rtts).toFixed(0)} ms; gap between sends on a channel: mean ${avg(gaps).toFixed(0)} ms`);
    console.log(`posts arriving less than 1 s after the previous one on their channel (seen by the fake): ${stats.subSecondGaps} (channels with any: ${stats.channelsWithGaps}, at most ${stats.maxGapsPerChannel} on one channel; target 0)`);
    console.log(`wall time ${elapsed.toFixed(2)} s; theoretical minimum ${minimum.toFixed(2)} s; ratio ${(elapsed / minimum).toFixed(3)}x (target ≤ 1.2x: ${elapsed / minimum <= 1.2 ? "met" : "NOT met"})`);
    return { ratio: elapsed / minimum, gaps: stats.subSecondGaps };
  } finally {
    for (const d of extra) await d.close();
    await bench.close();
  }
}

try {
  // A warm-up pass (one message per channel, not measured): whichever run came first paid ~0.2-0.3x
  // for a cold process (JIT, first connections).
  await run(REPLICAS, CHANNELS, true);
  const single = await run(1);
  const several = REPLICAS > 1 ? await run(REPLICAS) : null;
  if (single) {
    console.log(`\nsummary: one dispatcher ${single.ratio.toFixed(3)}x, sub-second gaps ${single.gaps}` + (several ? `; ${REPLICAS} dispatchers ${several.ratio.toFixed(3)}x, sub-second gaps ${several.gaps}` : ""));
  }
} finally {
  child.kill();
}
