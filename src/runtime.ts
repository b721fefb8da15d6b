import type { AdapterDeps, PlatformHandle } from "./adapters/platform.ts";
import { listenHost, slackConfigured, type Config } from "./config.ts";
import { translator } from "./core/i18n/index.ts";
import { mountApi } from "./adapters/api/index.ts";
import { databaseOptions, openDatabase, type Database } from "./db/client.ts";
import type { Logger } from "./logger.ts";
import { systemClock } from "./core/clock.ts";
import { startScheduler, type SchedulerHandle } from "./scheduler/index.ts";
import { mountMetrics } from "./metrics.ts";
import { createHttpApp, listen, type Health, type HttpServer } from "./server.ts";

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
 * Each platform's SDK (Bolt, botbuilder) is loaded only when that platform is configured; the
 * loading starts before the database opens, so the two overlap.
 */
function loadPlatforms(config: Config) {
  const slack = slackConfigured(config) && config.SLACK_BOT_TOKEN ? import("./adapters/slack/index.ts") : null;
  const teams = config.KAM_TEAMS === "on" ? import("./adapters/teams/index.ts") : null;
  // Awaited in mountPlatforms; a failure to load is reported there, not as an unhandled rejection.
  slack?.catch(() => {});
  teams?.catch(() => {});
  return { slack, teams };
}

async function mountPlatforms(
  app: Parameters<typeof mountMetrics>[0],
  deps: AdapterDeps,
  loading: ReturnType<typeof loadPlatforms>,
): Promise<{ slack: PlatformHandle; teams: PlatformHandle }> {
  const slack = loading.slack ? await (await loading.slack).mountSlack(app, deps) : notConfigured(translator("en")("slack:status.notConfigured"));
  const teams = loading.teams ? await (await loading.teams).mountTeams(app, deps) : notConfigured("KAM_TEAMS=off");
  return { slack, teams };
}

/**
 * How long a stop waits for HTTP requests already being answered. Within Slack's 3 seconds and
 * the Bot Framework's 15, well inside a process manager's usual 30-second stop timeout.
 */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Starts everything `kam serve` runs: database (migrated), HTTP server, platform adapters,
 * scheduler. `database` is the database already being opened (`kam serve` starts opening it
 * while this module loads).
 */
export async function startKam(config: Config, logger: Logger, options: { now?: () => Date; database?: Promise<Database> } = {}): Promise<Kam> {
  const platforms = loadPlatforms(config);
  const db = await (options.database ?? openDatabase(databaseOptions(config)));
  try {
    const report = await db.migrate();
    if (report.applied.length) logger.info({ applied: report.applied }, "migrations applied");
    let scheduler: SchedulerHandle | undefined;
    const app = createHttpApp(
      () =>
        health(db, {
          slack: slack.status(),
          teams: teams.status(),
          scheduler: scheduler?.status() ?? { status: "not_configured" },
        }),
      logger,
    );
    const deps = { config, db, logger, core: { db: db.prisma, logger, now: options.now ?? systemClock } };
    mountMetrics(app, config, db, logger);
    const { slack, teams } = await mountPlatforms(app, deps, platforms);
    mountApi(app, deps);
    const http = await listen(app, config.PORT, logger, listenHost(config));
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
    return {
      config,
      db,
      http,
      slack,
      teams,
      scheduler: running,
      // The order of a graceful stop (README, "Stopping"): no new connections, and the requests
      // being answered finish (bounded); then the work they started in the background; then
      // cron (a job running finishes) and the dispatcher (its claims are sent and recorded); last
      // the database.
      async stop() {
        await http.close(SHUTDOWN_GRACE_MS);
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
    await db.close();
    throw error;
  }
}
