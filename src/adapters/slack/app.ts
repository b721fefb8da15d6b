import { App, ExpressReceiver, LogLevel, type Authorize, type Logger as BoltLogger } from "@slack/bolt";
import { WebClient, type WebClientOptions } from "@slack/web-api";
import type { Router } from "express";
import type { Logger } from "../../logger.ts";
import * as actions from "./actions/index.ts";
import * as commands from "./commands/index.ts";
import type { SlackContext } from "./context.ts";
import * as events from "./events/index.ts";
import * as unhandled from "./unhandled/index.ts";
import * as views from "./views/index.ts";
import { EVENTS_PATH } from "./manifest.ts";
import { slackRequestVerifier } from "./verify-request.ts";

export { EVENTS_PATH };

/** Bolt's logger interface over pino (Bolt logs strings; credentials never reach it). */
export function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: "slack" });
  const text = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : typeof p === "string" ? p : JSON.stringify(p))).join(" ");
  let level = LogLevel.INFO;
  return {
    debug: (...m: unknown[]) => log.debug(text(m)),
    info: (...m: unknown[]) => log.info(text(m)),
    warn: (...m: unknown[]) => log.warn(text(m)),
    error: (...m: unknown[]) => log.error(text(m)),
    setLevel: (l: LogLevel) => void (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}

export interface AuthInfo {
  ok: boolean;
  teamId?: string;
  team?: string;
  botId?: string;
  botUserId?: string;
  error?: string;
}

/**
 * auth.test once, remembered when it works and tried again (at most every 30 s) when it did not:
 * Bolt's own authorize would call it at construction and fail unhandled without Slack.
 */
export class AuthState {
  private current: AuthInfo = { ok: false, error: "not checked yet" };
  private checkedAt = 0;
  private pending: Promise<AuthInfo> | null = null;

  constructor(private client: WebClient) {}

  get info(): AuthInfo {
    return this.current;
  }

  check(force = false): Promise<AuthInfo> {
    if (this.current.ok && !force) return Promise.resolve(this.current);
    if (!force && Date.now() - this.checkedAt < 30_000 && this.checkedAt > 0) return Promise.resolve(this.current);
    this.pending ??= this.client.auth
      .test()
      .then((r): AuthInfo => ({
        ok: true,
        ...(r.team_id ? { teamId: r.team_id } : {}),
        ...(r.team ? { team: r.team } : {}),
        ...(r.bot_id ? { botId: r.bot_id } : {}),
        ...(r.user_id ? { botUserId: r.user_id } : {}),
      }))
      .catch((error: Error & { data?: { error?: string } }): AuthInfo => ({ ok: false, error: error.data?.error ?? error.message }))
      .then((info) => {
        this.current = info;
        this.checkedAt = Date.now();
        this.pending = null;
        return info;
      });
    return this.pending;
  }
}

export interface SlackAppOptions {
  token: string;
  signingSecret?: string;
  appToken?: string;
  slackApiUrl?: string;
  logger: Logger;
  context: SlackContext;
  auth: AuthState;
  /** HTTP mode: the routes to mount POST /slack/events on. */
  routes?: Router;
  /** The app's clock, which request timestamps are checked against. */
  now?: () => Date;
}

/** The WebClient options of listener calls: configurable base URL, no silent re-posting. */
export function webClientOptions(slackApiUrl: string | undefined, logger: BoltLogger): WebClientOptions {
  return {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    logger,
    // A retried chat.postMessage whose first answer was lost would post twice.
    retryConfig: { retries: 0 },
    timeout: 10_000,
  };
}

/** The Bolt app: HTTP mode on the shared express app, or Socket Mode when an app token is given. */
export function createSlackApp(options: SlackAppOptions): App {
  const logger = boltLogger(options.logger);
  const authorize: Authorize<boolean> = async () => {
    const info = await options.auth.check();
    return {
      botToken: options.token,
      ...(info.botId ? { botId: info.botId } : {}),
      ...(info.botUserId ? { botUserId: info.botUserId } : {}),
    };
  };
  const common = { authorize, logger, clientOptions: webClientOptions(options.slackApiUrl, logger) };
  let app: App;
  if (options.appToken) {
    app = new App({ ...common, socketMode: true, appToken: options.appToken });
  } else {
    if (!options.routes || !options.signingSecret) throw new Error("HTTP mode needs the routes and SLACK_SIGNING_SECRET");
    // Mounted first: every request is verified here, against the app's clock, before Bolt sees it.
    options.routes.post(
      EVENTS_PATH,
      ...slackRequestVerifier({ signingSecret: options.signingSecret, now: options.now ?? (() => new Date()), logger: options.logger.child({ component: "slack" }) }),
    );
    const receiver = new ExpressReceiver({
      signingSecret: options.signingSecret,
      signatureVerification: false,
      router: options.routes,
      endpoints: EVENTS_PATH,
      logger,
      // Acknowledge as soon as a listener calls ack(): the listener decides when (after the write).
      processBeforeResponse: false,
    });
    app = new App({ ...common, receiver });
  }
  commands.register(app, options.context);
  actions.register(app, options.context);
  views.register(app, options.context);
  events.register(app, options.context);
  unhandled.register(app, options.context);
  app.error(async (error) => {
    options.logger.error({ err: error }, "slack listener error");
  });
  return app;
}
