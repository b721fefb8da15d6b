import { join } from "node:path";
import { WebClient } from "@slack/web-api";
import { slackConfigured } from "../../config.ts";
import { handle } from "../../core/handler.ts";
import { yieldBetweenQueries } from "../../core/idempotency.ts";
import { translator } from "../../core/i18n/index.ts";
import type { MountPlatform, PlatformHandle } from "../platform.ts";
import { AckPolicy } from "./ack-policy.ts";
import { AuthState, boltLogger, createSlackApp, webClientOptions } from "./app.ts";
import { recentKeys, type SlackContext } from "./context.ts";
import { adoptJournal, runDeferred, sweepDeferred } from "./deferred.ts";
import { DeferredJournal, JOURNAL_FILE } from "./deferred-journal.ts";
import { IdentityMapper } from "./identity.ts";
import { SlackNotifier } from "./notifier.ts";

/**
 * How long a listener waits at most for the core before it acknowledges anyway. Slack allows 3 s
 * in all; a cold process (first queries compiled, CPU-bound) can hold timers back, so 1 s.
 */
export const ACK_BUDGET_MS = 1000;

/**
 * Slack: Bolt at POST /slack/events on kam serve's routes (HTTP mode, signed requests), or
 * Socket Mode when SLACK_APP_TOKEN is set. Without Slack settings nothing is mounted and
 * /healthz reports Slack as not configured.
 */
export const mountSlack: MountPlatform = async (routes, deps) => {
  const { config, logger } = deps;
  if (!slackConfigured(config) || !config.SLACK_BOT_TOKEN) {
    const detail = translator("en")("slack:status.notConfigured");
    return { status: () => ({ status: "not_configured", detail }), notifier: null, stop: async () => {} };
  }
  const log = logger.child({ platform: "slack" });
  const db = deps.db.prisma;
  // PGlite on disk: deferred commands are noted in a file beside the database (its location is the data directory).
  const journal = deps.db.kind === "pglite" && deps.db.location !== "in memory" ? DeferredJournal.open(join(deps.db.location, JOURNAL_FILE)) : undefined;
  if (deps.db.kind === "pglite") yieldBetweenQueries(deps.core.db);
  const identity = new IdentityMapper(db, log, deps.core.now);
  const context: SlackContext = {
    core: deps.core,
    db,
    logger: log,
    identity,
    handle: (request) => handle(deps.core, request),
    // PGlite has one connection and never yields while it works: one command at a time. On
    // PostgreSQL two: Prisma's query compiler is CPU work on this thread too, and orders of one
    // organization queue on its counter row anyway (bench/slack-ack.ts: 8 made the p99 ack worse).
    ack: new AckPolicy(ACK_BUDGET_MS, deps.db.kind === "pglite" ? 1 : 2),
    journal,
    ...recentKeys(),
  };
  const auth = new AuthState(new WebClient(config.SLACK_BOT_TOKEN, webClientOptions(config.SLACK_API_URL, boltLogger(log))));
  // auth.test at start, for /healthz; a Slack that does not answer in 5 s leaves Slack degraded, not kam down.
  const info = await Promise.race([
    auth.check(true),
    new Promise<{ ok: false; error: string }>((r) => setTimeout(() => r({ ok: false, error: "auth.test timed out" }), 5000).unref()),
  ]);
  if (info.ok) log.info({ team: info.teamId, bot: info.botUserId }, "slack auth.test ok");
  else log.warn({ error: info.error }, "slack auth.test failed; Slack is degraded until it works");

  const mode = config.SLACK_APP_TOKEN ? "socket" : "http";
  const bolt = createSlackApp({
    token: config.SLACK_BOT_TOKEN,
    ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
    ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
    logger: log,
    context,
    auth,
    routes,
    ...(deps.core.now ? { now: deps.core.now } : {}),
  });
  // Commands a previous process acknowledged but did not run (it died): run and answer them now.
  const deferred = adoptJournal(context).then(() => runDeferred(context)).catch((error) => {
    log.error({ err: error }, "slack: running deferred commands failed");
    return 0;
  });
  // PGlite has one process; on PostgreSQL a replica may die for good, leaving its notes to the others.
  const sweep = journal || deps.db.kind === "pglite" ? null : sweepDeferred(context, config.KAM_DEFERRED_SWEEP_MS, deferred);
  // Socket Mode connects in the background: an unreachable Slack must not hold up kam serve.
  let socket: { connected: boolean; error: string | null } = { connected: mode === "http", error: null };
  if (mode === "socket") {
    socket = { connected: false, error: "connecting" };
    bolt
      .start()
      .then(() => {
        socket = { connected: true, error: null };
        log.info("slack socket mode connected");
      })
      .catch((error: Error) => {
        socket = { connected: false, error: error.message };
        log.error({ err: error }, "slack socket mode failed to start");
      });
  }

  const handleOut: PlatformHandle = {
    status() {
      const current = auth.info;
      if (!current.ok) {
        void auth.check();
        return { status: "degraded", detail: translator("en")("slack:status.authFailed", { error: current.error ?? "unknown" }) };
      }
      if (!socket.connected) return { status: "degraded", detail: `socket mode: ${socket.error ?? "not connected"}` };
      const { afterWrite, beforeWrite } = context.ack.acks;
      return {
        status: "ok",
        detail: `${mode} mode, team ${current.teamId ?? "?"}, bot ${current.botUserId ?? "?"}; acks after the write ${afterWrite}, before it ${beforeWrite}`,
      };
    },
    notifier: new SlackNotifier({
      token: config.SLACK_BOT_TOKEN,
      ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
      resolveMentions: (organizationId, memberIds) => identity.slackUsers(organizationId, memberIds),
    }),
    async stop() {
      await deferred;
      await sweep?.stop();
      journal?.close();
      if (mode === "socket") await Promise.race([bolt.stop().catch(() => {}), new Promise((r) => setTimeout(r, 3000).unref())]);
    },
  };
  return handleOut;
};
