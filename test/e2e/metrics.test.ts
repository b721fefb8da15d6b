import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import type { OutgoingMessage } from "../../src/core/notifier.ts";
import { enqueue } from "../../src/domain/notifications.ts";
import { createLogger } from "../../src/logger.ts";
import { startKam, type Kam } from "../../src/runtime.ts";
import { Dispatcher } from "../../src/scheduler/dispatcher.ts";
import { newTenant, newUser, personalConversationId, personalMessage, type Where } from "../adapters/teams/activities.ts";
import { createPostgresDatabase, TEST_DATABASE_URL } from "../support/databases.ts";
import { startFakeConnector, type FakeConnector } from "../support/fake-connector.ts";

/**
 * GET /metrics of a running kam: Teams activities POSTed to /api/messages, outbox rows sent by a
 * dispatcher through the Teams notifier to a fake connector, and the Prometheus text read back.
 */
const TOKEN = "metrics-token-0123456789";
const silent = createLogger({ level: "silent", pretty: false });

/** The registry is the process's: each test reads what changed since its first scrape. */
function value(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

for (const kind of ["pglite", "postgres"] as const) {
  const run = kind === "pglite" || TEST_DATABASE_URL ? describe : describe.skip;
  run(`GET /metrics [${kind}]`, () => {
    let kam: Kam;
    let connector: FakeConnector;
    let drop: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      connector = await startFakeConnector();
      let DATABASE_URL: string | undefined;
      if (kind === "postgres") ({ url: DATABASE_URL, drop } = await createPostgresDatabase());
      const config = loadConfig({ PORT: "0", DATA_DIR: "memory", ...(DATABASE_URL ? { DATABASE_URL } : {}), KAM_SCHEDULER: "off", LOG_LEVEL: "silent", NODE_ENV: "test", KAM_METRICS_TOKEN: TOKEN });
      kam = await startKam(config, silent);
    });

    afterAll(async () => {
      await kam?.stop();
      await connector?.close();
      await drop?.();
    });

    const scrape = (authorization?: string) => fetch(`${kam.http.url}/metrics`, { headers: authorization ? { authorization } : {} });

    it("answers 401 without the bearer token, or with a wrong one", async () => {
      expect((await scrape()).status).toBe(401);
      expect((await scrape("Bearer wrong")).status).toBe(401);
      expect((await scrape(TOKEN)).status).toBe(401);
    });

    it("counts requests by platform, command and outcome, times them and the acknowledgements, and reads the outbox at scrape", async () => {
      const start = await (await scrape(`Bearer ${TOKEN}`)).text();
      const delta = (text: string, series: string) => (value(text, series) ?? 0) - (value(start, series) ?? 0);
      const w: Where = { serviceUrl: connector.url, tenantId: newTenant(), user: newUser() };
      const post = (text: string) => fetch(`${kam.http.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(personalMessage(w, text)) });
      expect((await post("help")).status).toBe(200);
      expect((await post("help")).status).toBe(200);
      expect((await post("order status O-999999 shipped")).status).toBe(200);

      // Two messages waiting in the outbox for that conversation: backlog 2, then sent.
      const identity = await kam.db.prisma.memberIdentity.findFirstOrThrow({ where: { platform: "TEAMS", externalId: w.user.aadObjectId }, include: { member: true } });
      const organizationId = identity.member.organizationId;
      const message: OutgoingMessage = { organizationId, platform: "TEAMS", target: personalConversationId(w), mentions: [], reply: { ok: true, visibility: "channel", summary: "hello", blocks: [{ kind: "text", text: "hello" }] } };
      await kam.db.prisma.$transaction((tx) =>
        enqueue(tx, [1, 2].map((i) => ({ organizationId, dedupeKey: `metrics-test:${organizationId}:${i}`, accountId: null, message, notBefore: new Date(0) }))),
      );
      const before = await (await scrape(`Bearer ${TOKEN}`)).text();
      expect(value(before, 'kam_outbox_backlog{platform="teams"}')).toBe(2);
      expect(value(before, "kam_outbox_oldest_pending_age_seconds")).toBeGreaterThanOrEqual(0);

      // The first post is rate limited (429: not an attempt), the second fails (500: retried).
      connector.throttle(1, 0);
      connector.failNext(1, 500);
      const dispatcher = new Dispatcher({ db: kam.db.prisma, notifiers: [kam.teams.notifier!], channelIntervalMs: 0, baseBackoffMs: 1, maxBackoffMs: 1 });
      for (let i = 0; i < 5 && (await kam.db.prisma.notification.count({ where: { organizationId, status: { not: "SENT" } } })) > 0; i++) {
        await dispatcher.drain();
        await new Promise((r) => setTimeout(r, 20));
      }

      const res = await scrape(`Bearer ${TOKEN}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(delta(text, 'kam_requests_total{platform="teams",command="help",outcome="ok"}')).toBe(2);
      expect(delta(text, 'kam_requests_total{platform="teams",command="order.status",outcome="refused"}')).toBe(1);
      expect(delta(text, 'kam_request_duration_seconds_count{platform="teams",command="help"}')).toBe(2);
      expect(delta(text, 'kam_ack_duration_seconds_count{platform="teams"}')).toBe(3);
      expect(delta(text, 'kam_dispatcher_sends_total{platform="teams",result="sent"}')).toBe(2);
      expect(delta(text, 'kam_dispatcher_sends_total{platform="teams",result="rate_limited"}')).toBe(1);
      expect(delta(text, 'kam_dispatcher_sends_total{platform="teams",result="transient"}')).toBe(1);
      expect(delta(text, 'kam_dispatcher_rate_limited_total{platform="teams"}')).toBe(1);
      expect(delta(text, 'kam_dispatcher_retries_total{platform="teams"}')).toBe(1);
      expect(text).not.toMatch(/kam_outbox_backlog\{platform="teams"\}/);
      expect(value(text, "kam_outbox_oldest_pending_age_seconds")).toBe(0);
      expect(text).toContain("# TYPE kam_flags_open gauge");
      expect(text).toContain("# TYPE kam_sweep_stage_duration_seconds histogram");
      expect(value(text, "kam_process_resident_memory_bytes")).toBeGreaterThan(0);
    });
  });
}

describe("KAM_METRICS=off", () => {
  it("serves no /metrics", async () => {
    const config = loadConfig({ PORT: "0", DATA_DIR: "memory", KAM_SCHEDULER: "off", KAM_TEAMS: "off", LOG_LEVEL: "silent", NODE_ENV: "test", KAM_METRICS: "off" });
    const kam = await startKam(config, silent);
    try {
      expect((await fetch(`${kam.http.url}/metrics`)).status).toBe(404);
    } finally {
      await kam.stop();
    }
  });
});
