/**
 * kam's Prometheus metrics (prom-client), served at GET /metrics by `kam serve`. Everything lives
 * here: the handler, the dispatcher and the check job report through src/core/observers.ts (one
 * line each), which this module listens to once mounted; what is state in the database (outbox
 * backlog, open flags) is read at scrape time.
 */
import { timingSafeEqual } from "node:crypto";
import type { Express, NextFunction, Request, Response } from "express";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Config } from "./config.ts";
import { commandByName, findCommand } from "./core/commands/index.ts";
import { tokenize } from "./core/grammar/tokens.ts";
import { outcomeOf } from "./core/handler.ts";
import { observers } from "./core/observers.ts";
import type { Reply } from "./core/reply.ts";
import type { ChatRequest } from "./core/request.ts";
import type { Database } from "./db/client.ts";
import type { Logger } from "./logger.ts";

export const registry = new Registry();

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const requests = new Counter({
  name: "kam_requests_total",
  help: "Commands and forms handled, by platform, command and outcome (ok, refused, remembered, running)",
  labelNames: ["platform", "command", "outcome"] as const,
  registers: [registry],
});
const requestSeconds = new Histogram({
  name: "kam_request_duration_seconds",
  help: "Time the core took to answer a command or form, by platform and command",
  labelNames: ["platform", "command"] as const,
  buckets: SECONDS,
  registers: [registry],
});
const ackSeconds = new Histogram({
  name: "kam_ack_duration_seconds",
  help: "Time from a platform's HTTP request to kam's response (the acknowledgement), by platform",
  labelNames: ["platform"] as const,
  buckets: SECONDS,
  registers: [registry],
});
const sweepSeconds = new Histogram({
  name: "kam_sweep_stage_duration_seconds",
  help: "Time each stage of a checks sweep took (load, rules, flags, outbox)",
  labelNames: ["stage"] as const,
  buckets: SECONDS,
  registers: [registry],
});
const sends = new Counter({
  name: "kam_dispatcher_sends_total",
  help: "Outbox messages the dispatcher handed to a platform, by platform and result (sent, rate_limited, transient, permanent)",
  labelNames: ["platform", "result"] as const,
  registers: [registry],
});
const retries = new Counter({
  name: "kam_dispatcher_retries_total",
  help: "Sends that were another attempt at a message whose earlier attempt failed, by platform (a 429 does not use up an attempt: its resend is not counted here)",
  labelNames: ["platform"] as const,
  registers: [registry],
});
const rateLimited = new Counter({
  name: "kam_dispatcher_rate_limited_total",
  help: "Sends the platform answered with 429 (rate limited), by platform",
  labelNames: ["platform"] as const,
  registers: [registry],
});

/** Database state read at each scrape, through the database of the running kam. */
let scrapeDb: Database | null = null;
new Gauge({
  name: "kam_outbox_backlog",
  help: "Outbox messages waiting to be sent (pending or being sent), by platform",
  labelNames: ["platform"] as const,
  registers: [registry],
  async collect() {
    this.reset();
    if (!scrapeDb) return;
    const rows = await scrapeDb.prisma.notification.groupBy({ by: ["platform"], where: { status: { in: ["PENDING", "SENDING"] } }, _count: { _all: true } });
    for (const row of rows) this.set({ platform: row.platform.toLowerCase() }, row._count._all);
  },
});
new Gauge({
  name: "kam_outbox_oldest_pending_age_seconds",
  help: "Age of the oldest outbox message still waiting to be sent (0 when none waits)",
  registers: [registry],
  async collect() {
    if (!scrapeDb) return this.set(0);
    const oldest = await scrapeDb.prisma.notification.findFirst({ where: { status: { in: ["PENDING", "SENDING"] } }, orderBy: { createdAt: "asc" }, select: { createdAt: true } });
    this.set(oldest ? Math.max(0, (Date.now() - oldest.createdAt.getTime()) / 1000) : 0);
  },
});
new Gauge({
  name: "kam_flags_open",
  help: "Flags not resolved (open, acknowledged or snoozed), by rule and severity",
  labelNames: ["rule", "severity"] as const,
  registers: [registry],
  async collect() {
    this.reset();
    if (!scrapeDb) return;
    const rows = await scrapeDb.prisma.flag.groupBy({ by: ["rule", "severity"], where: { status: { not: "RESOLVED" } }, _count: { _all: true } });
    for (const row of rows) this.set({ rule: row.rule, severity: row.severity.toLowerCase() }, row._count._all);
  },
});

let defaultsCollected = false;

function commandLabel(request: ChatRequest): string {
  if (request.form) return commandByName(request.form.id)?.name ?? "form";
  return findCommand(tokenize(request.text ?? ""))?.command.name ?? "unknown";
}

function observeRequest(request: ChatRequest, reply: Reply, ms: number): void {
  const platform = request.platform.toLowerCase();
  const command = commandLabel(request);
  const how = outcomeOf(reply);
  requests.inc({ platform, command, outcome: how === "ran" ? (reply.ok ? "ok" : "refused") : how });
  requestSeconds.observe({ platform, command }, ms / 1000);
}

/** One delivery attempt by the dispatcher: `attempts` counts this one (more than 1 is a retry). */
function observeDelivery(platform: string, result: { ok: true } | { ok: false; kind: string }, attempts: number): void {
  const p = platform.toLowerCase();
  sends.inc({ platform: p, result: result.ok ? "sent" : result.kind });
  if (attempts > 1) retries.inc({ platform: p });
  if (!result.ok && result.kind === "rate_limited") rateLimited.inc({ platform: p });
}

/** A checks sweep's timings (ms by stage, as `runChecks` reports them; `load.<query>` are left out). */
function observeSweep(timings: Record<string, number>): void {
  for (const [stage, ms] of Object.entries(timings)) if (!stage.includes(".")) sweepSeconds.observe({ stage }, ms / 1000);
}

const ACK_PATHS: Record<string, string> = { "/slack/events": "slack", "/api/messages": "teams" };

function authorized(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith("Bearer ") ? header.slice(7) : "");
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * Mounts GET /metrics (unless KAM_METRICS=off; behind a bearer token when KAM_METRICS_TOKEN is
 * set) and the acknowledgement timer for the platforms' endpoints. Call before the adapters mount.
 */
export function mountMetrics(app: Express, config: Pick<Config, "KAM_METRICS" | "KAM_METRICS_TOKEN">, db: Database, logger: Logger): void {
  if (config.KAM_METRICS === "off") return;
  scrapeDb = db;
  Object.assign(observers, { request: observeRequest, delivery: observeDelivery, sweep: observeSweep });
  if (!defaultsCollected) {
    collectDefaultMetrics({ register: registry, prefix: "kam_" });
    defaultsCollected = true;
  }
  app.use((req: Request, res: Response, next: NextFunction) => {
    const platform = req.method === "POST" ? ACK_PATHS[req.path] : undefined;
    if (platform) {
      const started = performance.now();
      res.once("finish", () => ackSeconds.observe({ platform }, (performance.now() - started) / 1000));
    }
    next();
  });
  app.get("/metrics", async (req, res) => {
    if (config.KAM_METRICS_TOKEN && !authorized(req.headers.authorization, config.KAM_METRICS_TOKEN)) {
      res.status(401).set("WWW-Authenticate", 'Bearer realm="kam metrics"').json({ error: "unauthorized" });
      return;
    }
    try {
      const text = await registry.metrics();
      res.set("Content-Type", registry.contentType).send(text);
    } catch (error) {
      logger.warn({ err: error }, "metrics could not be collected");
      res.status(503).json({ error: "metrics unavailable" });
    }
  });
}
