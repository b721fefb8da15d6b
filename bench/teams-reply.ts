import { systemClock } from "../src/core/clock.ts";
/**
 * Teams reply latency: a message activity POSTed to /api/messages until its reply has reached the
 * connector (CloudAdapter answers the POST after the turn, so the POST's duration is the reply
 * latency), under 50 concurrent requests. kam (full stack: tenant → organization, user → member,
 * idempotency claim for commands that write, command, card) next to a bare botbuilder echo bot in
 * the same process and run, both sending to the same local fake connector. A third line runs kam's
 * Teams adapter with the core replaced by a constant reply, to tell the adapter's own cost from the
 * command layer's.
 *
 * Everything (load, servers, connector) shares one event loop, so latency follows CPU per request,
 * printed for each line (less noisy than p99 when other processes compete for the CPU). Each load
 * starts with CONCURRENCY requests at once, and the last of that burst are the slowest: p99 is
 * mostly their latency.
 *
 *   npx tsx bench/teams-reply.ts            (BENCH_REQUESTS=1000 BENCH_CONCURRENCY=50 BENCH_TEXT=help)
 *   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx bench/teams-reply.ts
 *     (kam on a fresh, temporary PostgreSQL database on that server instead of in-memory PGlite)
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import express from "express";
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from "botbuilder";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/logger.ts";
import { startKam } from "../src/runtime.ts";
import { createAdapter } from "../src/adapters/teams/index.ts";
import { createBot } from "../src/adapters/teams/bot.ts";
import type { Reply } from "../src/core/reply.ts";
import { newUser, personalMessage, type Where } from "../test/adapters/teams/activities.ts";
import { createPostgresDatabase } from "../test/support/databases.ts";
import { startFakeConnector } from "../test/support/fake-connector.ts";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const TEXT = process.env.BENCH_TEXT ?? "help";
const USERS = 20;
const ROUNDS = 2;

async function startEchoBot(): Promise<{ url: string; close(): Promise<void> }> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const app = express();
  app.post("/api/messages", express.json(), (req, res) =>
    adapter.process(req, res, async (context: TurnContext) => {
      if (context.activity.type === "message") await context.sendActivity(`echo: ${context.activity.text}`);
    }),
  );
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r(undefined)))),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function load(url: string, users: Where[], count: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      const activity = { ...personalMessage(users[i % users.length]!, TEXT), id: randomUUID() };
      const started = performance.now();
      const res = await fetch(`${url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`HTTP ${res.status} from ${url}`);
      latencies.push(performance.now() - started);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return latencies;
}

function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1)! };
}

const connector = await startFakeConnector();
const postgres = process.env.TEST_DATABASE_URL ? await createPostgresDatabase() : null;
const config = loadConfig({
  PORT: "0",
  DATA_DIR: "memory",
  ...(postgres ? { DATABASE_URL: postgres.url } : {}),
  KAM_SCHEDULER: "off",
  LOG_LEVEL: "silent",
  NODE_ENV: "test",
  MicrosoftAppId: "",
});
const kam = await startKam(config, createLogger({ level: "silent", pretty: false }));
const echo = await startEchoBot();

/** kam's Teams adapter (identity, conversation store, cards) over the same database, core stubbed. */
async function startAdapterOnly(): Promise<{ url: string; close(): Promise<void> }> {
  const adapter = createAdapter({ MicrosoftAppType: "SingleTenant" });
  const constant: Reply = { ok: true, visibility: "caller", summary: "ok", blocks: [{ kind: "heading", text: "kam" }, { kind: "text", text: "ok" }] };
  const logger = createLogger({ level: "silent", pretty: false });
  const bot = createBot({ config, db: kam.db, logger, core: { db: kam.db.prisma, logger, now: systemClock } }, { handle: async () => constant });
  const app = express();
  app.post("/api/messages", express.json(), (req, res) => adapter.process(req, res, bot));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r(undefined)))),
  };
}
const adapterOnly = await startAdapterOnly();
const tenantId = randomUUID();
const users: Where[] = Array.from({ length: USERS }, (_, i) => ({ serviceUrl: connector.url, tenantId, user: newUser(`Bench User ${i}`) }));

// Warm-up: first contacts (organization, members, conversation references), JIT, connections.
for (const u of users) await load(kam.http.url, [u], 1);
await load(kam.http.url, users, 200);
await load(echo.url, users, 200);
await load(adapterOnly.url, users, 200);

/** Replies the connector received over the whole run. */
let replies = 0;
/** CPU time of the whole process (load generator, server, connector) per line, in µs. */
const cpu = { kam: 0, bare: 0, adapter: 0 };
async function measure(line: keyof typeof cpu, url: string): Promise<number[]> {
  // The fake connector keeps every call and scans all of them on each reply, so a line measured
  // later in a round (kam is last) would pay for the calls of the lines before it: emptied first.
  replies += connector.activities().length;
  connector.reset();
  const started = process.cpuUsage();
  const latencies = await load(url, users, REQUESTS / ROUNDS);
  const used = process.cpuUsage(started);
  cpu[line] += used.user + used.system;
  return latencies;
}

const results = { kam: [] as number[], bare: [] as number[], adapter: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  results.bare.push(...(await measure("bare", echo.url)));
  results.adapter.push(...(await measure("adapter", adapterOnly.url)));
  results.kam.push(...(await measure("kam", kam.http.url)));
}
replies += connector.activities().length;
const bare = summary(results.bare);
const adapterCost = summary(results.adapter);
const mine = summary(results.kam);
const fmt = (n: number) => `${n.toFixed(1)} ms`;
const cpuOf = (line: keyof typeof cpu) => `cpu ${(cpu[line] / results[line].length / 1000).toFixed(2)} ms/request`;
console.log(`Teams reply latency, "${TEXT}", ${REQUESTS} requests, ${CONCURRENCY} concurrent, database ${kam.db.kind}`);
console.log(`  bare botbuilder echo bot  p50 ${fmt(bare.p50)}  p99 ${fmt(bare.p99)}  max ${fmt(bare.max)}  ${cpuOf("bare")}`);
console.log(`  kam adapter, core stubbed p50 ${fmt(adapterCost.p50)}  p99 ${fmt(adapterCost.p99)}  max ${fmt(adapterCost.max)}  ${cpuOf("adapter")}  (ratio p99 ${(adapterCost.p99 / bare.p99).toFixed(2)}x)`);
console.log(`  kam                       p50 ${fmt(mine.p50)}  p99 ${fmt(mine.p99)}  max ${fmt(mine.max)}  ${cpuOf("kam")}`);
console.log(`  ratio kam/bare            p50 ${(mine.p50 / bare.p50).toFixed(2)}x  p99 ${(mine.p99 / bare.p99).toFixed(2)}x  (target p99 < 1.5x)`);
console.log(`  connector received ${replies} replies`);

await echo.close();
await adapterOnly.close();
await kam.stop();
await postgres?.drop();
await connector.close();
