import type { Router } from "express";
import type { AdapterDeps, PlatformHandle } from "./adapters/platform.ts";
import { listenHost, slackConfigured, type Config } from "./config.ts";
import { translator } from "./core/i18n/index.ts";
import { mountApi } from "./adapters/api/index.ts";
import { databaseOptions, openDatabase, type Database } from "./db/client.ts";
import type { Logger } from "./logger.ts";
import { systemClock } from "./core/clock.ts";
import { startScheduler, type SchedulerHandle } from "./scheduler/index.ts";
import { mountMetrics } from "./metrics.ts";
import { createHttpApp, gatedRoutes, listen, type ComponentStatus, type Health, type HttpServer } from "./server.ts";

export interface Kam {
  config: Config;
  db: Database;
  http: HttpServer;
  slack: PlatformHandle;
  teams: PlatformHandle;
  scheduler: SchedulerHandle;
  stop(): Promise<void>;
}

export async function health(db: Database, parts: Pick<Health, "slack" | "teams" | "scheduler">): Promise<Health> {
  let database: Health["database"];
  let outbox: Health["outbox"] = { pending: 0, failed: 0, oldestPendingSeconds: null };
  try {
    const rows = await db.prisma.$queryRaw<{ pending: bigint; failed: bigint; oldest: Date | null }[]>`
      SELECT count(*) FILTER (WHERE status IN ('PENDING', 'SENDING')) AS pending,
             count(*) FILTER (WHERE status = 'FAILED') AS failed,
             min("createdAt") FILTER (WHERE status IN ('PENDING', 'SENDING')) AS oldest
      FROM "Notification"`;
    const row = rows[0]!;
    outbox = {
      pending: Number(row.pending),
      failed: Number(row.failed),
      oldestPendingSeconds: row.oldest ? Math.round((Date.now() - new Date(row.oldest).getTime()) / 1000) : null,
    };
    database = { status: "ok", detail: `${db.kind} (${db.location})` };
  } catch (error) {
    database = { status: "down", detail: (error as Error).message.slice(0, 200) };
  }
  const components = [database, parts.slack, parts.teams, parts.scheduler];
  const status =
    database.status === "down" ? "down"
    : components.some((c) => c.status === "down" || c.status === "degraded") || outbox.failed > 0 ? "degraded"
    : "ok";
  return { status, database, ...parts, outbox };
}

function notConfigured(detail: string): PlatformHandle {
  return { status: () => ({ status: "not_configured", detail }), notifier: null, stop: async () => {} };
}

/**
 * Each platform's SDK (Bolt, botbuilder) is loaded only when that platform is configured, and only
 * once the server listens: loading botbuilder while PGlite opens slowed the open by as much as the
 * loading took (both are work on this one thread), and /healthz waited for both.
 */
async function mountPlatforms(routes: Router, deps: AdapterDeps): Promise<{ slack: PlatformHandle; teams: PlatformHandle }> {
  const { config } = deps;
  const slack = slackConfigured(config) && config.SLACK_BOT_TOKEN ? import("./adapters/slack/index.ts") : null;
  const teams = config.KAM_TEAMS === "on" ? import("./adapters/teams/index.ts") : null;
  // Both load at once; a failure is reported below, not as an unhandled rejection.
  slack?.catch(() => {});
  teams?.catch(() => {});
  return {
    slack: slack ? await (await slack).mountSlack(routes, deps) : notConfigured(translator("en")("slack:status.notConfigured")),
    teams: teams ? await (await teams).mountTeams(routes, deps) : notConfigured("KAM_TEAMS=off"),
  };
}

const STARTING: ComponentStatus = { status: "degraded", detail: "starting" };

/**
 * How long a stop waits for HTTP requests already being answered. Within Slack's 3 seconds and
 * the Bot Framework's 15, well inside a process manager's usual 30-second stop timeout.
 */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Starts everything `kam serve` runs, in this order: database (migrated), HTTP server (/healthz,
 * /metrics and the API answer from here on), platform adapters, scheduler; resolves when all are
 * up. `database` is the database already being opened (`kam serve` starts opening it while this
 * module loads).
 */
export async function startKam(config: Config, logger: Logger, options: { now?: () => Date; database?: Promise<Database> } = {}): Promise<Kam> {
  const db = await (options.database ?? openDatabase(databaseOptions(config)));
  let http: HttpServer | undefined;
  try {
    const report = await db.migrate();
    if (report.applied.length) logger.info({ applied: report.applied }, "migrations applied");
    let platforms: { slack: PlatformHandle; teams: PlatformHandle } | undefined;
    let scheduler: SchedulerHandle | undefined;
    const app = createHttpApp(
      () =>
        health(db, {
          slack: platforms?.slack.status() ?? STARTING,
          teams: platforms?.teams.status() ?? STARTING,
          scheduler: scheduler?.status() ?? { status: "not_configured" },
        }),
      logger,
    );
    const deps = { config, db, logger, core: { db: db.prisma, logger, now: options.now ?? systemClock } };
    mountMetrics(app, config, db, logger);
    mountApi(app, deps);
    const gate = gatedRoutes(app);
    http = await listen(app, config.PORT, logger, listenHost(config));
    platforms = await mountPlatforms(gate.routes, deps);
    gate.open();
    const { slack, teams } = platforms;
    scheduler =
      config.KAM_SCHEDULER === "on"
        ? await startScheduler({
            config,
            db,
            logger,
            notifiers: [slack.notifier, teams.notifier].filter((n) => n !== null),
            now: deps.core.now,
          })
        : { status: () => ({ status: "not_configured", detail: "KAM_SCHEDULER=off" }), stop: async () => {} };
    logger.info({ url: http.url, database: `${db.kind} (${db.location})` }, "kam is listening");
    const running = scheduler;
    const server = http;
    return {
      config,
      db,
      http: server,
      slack,
      teams,
      scheduler: running,
      // The order of a graceful stop (README, "Stopping"): no new connections, and the requests
      // being answered finish (bounded); then the work they started in the background; then
      // cron (a job running finishes) and the dispatcher (its claims are sent and recorded); last
      // the database.
      async stop() {
        await server.close(SHUTDOWN_GRACE_MS);
        logger.info("stop: HTTP server closed, requests in flight answered");
        await slack.stop();
        await teams.stop();
        await running.stop();
        logger.info("stop: cron and dispatcher stopped");
        await db.close();
        logger.info("stop: database closed");
      },
    };
  } catch (error) {
    await http?.close();
    await db.close();
    throw error;
  }
}
