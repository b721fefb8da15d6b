import express from "express";
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type InvokeResponse,
  type TurnContext,
} from "botbuilder";
import { translator } from "../../core/i18n/index.ts";
import type { Config } from "../../config.ts";
import type { ComponentStatus } from "../../server.ts";
import type { MountPlatform } from "../platform.ts";
import { validActivity } from "./activity-check.ts";
import { createBot, REQUEST_ORIGIN } from "./bot.ts";
import { exportLinkSecret } from "./export-links.ts";
import { mountExportRoute } from "./export-route.ts";
import { createTeamsNotifier } from "./notifier.ts";
import { checkServiceUrl, isLoopbackHost } from "./service-url.ts";
import { CHANNEL_ISSUER, CHANNEL_OPENID_URL, EMULATOR_OPENID_URL, TokenCheck, TokenRefused } from "./token-check.ts";

type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication["authenticateRequest"]>>;

type AdapterConfig = Pick<
  Config,
  "MicrosoftAppId" | "MicrosoftAppPassword" | "MicrosoftAppType" | "MicrosoftAppTenantId" | "ToBotFromChannelOpenIdMetadataUrl" | "ToBotFromEmulatorOpenIdMetadataUrl"
>;

/**
 * CloudAdapter with its two halves callable apart: `process` authenticates and runs the turn in one
 * go, answering every failure (a bad token as much as an unreachable key endpoint) with a stack
 * trace on stderr; kam authenticates first and answers a refusal itself.
 */
export class KamAdapter extends CloudAdapter {
  authenticate(activity: Activity, authorization: string): Promise<AuthenticateRequestResult> {
    return this.botFrameworkAuthentication.authenticateRequest(activity, authorization);
  }
  run(auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

/**
 * Teams: botbuilder's CloudAdapter at POST /api/messages, authenticated by
 * ConfigurationBotFrameworkAuthentication from the MicrosoftApp* settings. Everything that knows
 * botbuilder lives in this folder, so moving to the Microsoft 365 Agents SDK is one folder's work.
 */
export function createAdapter(config: AdapterConfig): KamAdapter {
  // No app id: authentication off (botbuilder checks nothing and signs nothing). The app type
  // is then left out, since botbuilder insists on an app id for SingleTenant.
  // botbuilder takes either none of its endpoint settings (public cloud defaults) or all of them:
  // a key endpoint of one's own comes with the public cloud's other values.
  const metadata =
    config.ToBotFromChannelOpenIdMetadataUrl || config.ToBotFromEmulatorOpenIdMetadataUrl
      ? {
          ToBotFromChannelOpenIdMetadataUrl: config.ToBotFromChannelOpenIdMetadataUrl ?? CHANNEL_OPENID_URL,
          ToBotFromEmulatorOpenIdMetadataUrl: config.ToBotFromEmulatorOpenIdMetadataUrl ?? EMULATOR_OPENID_URL,
          ToBotFromChannelTokenIssuer: CHANNEL_ISSUER,
          ToChannelFromBotLoginUrl: "https://login.microsoftonline.com/botframework.com",
          ToChannelFromBotOAuthScope: "https://api.botframework.com",
          OAuthUrl: "https://api.botframework.com",
          CallerId: "urn:botframework:azure",
          ValidateAuthority: true,
        }
      : {};
  const auth = new ConfigurationBotFrameworkAuthentication(
    config.MicrosoftAppId
      ? {
          MicrosoftAppId: config.MicrosoftAppId,
          MicrosoftAppPassword: config.MicrosoftAppPassword ?? "",
          MicrosoftAppType: config.MicrosoftAppType,
          MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? "",
          ...metadata,
        }
      : {},
  );
  return new KamAdapter(auth);
}

export const mountTeams: MountPlatform = async (routes, deps) => {
  const { config } = deps;
  const logger = deps.logger.child({ platform: "teams" });
  if (config.KAM_TEAMS === "off") {
    return { status: () => ({ status: "not_configured", detail: "KAM_TEAMS=off" }), notifier: null, stop: async () => {} };
  }
  const authenticated = Boolean(config.MicrosoftAppId);
  if (!authenticated) {
    // config.ts refuses this combination in production; anywhere else it is allowed, but never quietly.
    logger.warn(translator("en")("teams:unauthenticated.startup"));
    if (config.KAM_LISTEN_HOST && !isLoopbackHost(config.KAM_LISTEN_HOST)) {
      logger.warn({ host: config.KAM_LISTEN_HOST }, "teams: unauthenticated, yet listening beyond loopback (KAM_LISTEN_HOST); only loopback service URLs are accepted");
    }
  }
  const adapter = createAdapter(config);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: error, activityType: context.activity.type }, "teams: turn failed");
  };
  const exportSecret = exportLinkSecret(config);
  const bot = createBot(deps, { exportSecret });
  mountExportRoute(routes, { db: deps.db.prisma, logger, now: deps.core.now, secret: exportSecret });
  const tokens = new TokenCheck({
    channel: config.ToBotFromChannelOpenIdMetadataUrl ?? CHANNEL_OPENID_URL,
    emulator: config.ToBotFromEmulatorOpenIdMetadataUrl ?? EMULATOR_OPENID_URL,
  });
  let inFlight = 0;
  let stopping = false;

  routes.post("/api/messages", express.json({ limit: "1mb" }), async (req, res) => {
    if (stopping) {
      res.status(503).json({ error: "shutting down" });
      return;
    }
    const checked = validActivity(req.body);
    if (!checked.ok) {
      logger.warn({ reason: checked.reason }, "teams: activity refused");
      res.status(400).json({ error: "bad request" });
      return;
    }
    const activity = checked.activity;
    const authorization = req.headers.authorization ?? "";
    if (authenticated && !authorization) {
      logger.warn({ reason: "no Authorization header" }, "teams: request not authenticated");
      res.status(401).json({ error: "unauthorized" });
      return;
    }
    // Before anything is looked up or connected to: the serviceUrl is where replies would go.
    const where = checkServiceUrl(activity.serviceUrl, authenticated);
    if (!where.ok) {
      logger.warn({ reason: where.reason, serviceUrl: String(activity.serviceUrl).slice(0, 200) }, "teams: service URL refused");
      res.status(403).json({ error: "service URL not allowed" });
      return;
    }
    let auth: AuthenticateRequestResult;
    try {
      if (authenticated) await tokens.check(authorization);
      auth = await adapter.authenticate(activity, authorization);
    } catch (error) {
      const reason = error instanceof TokenRefused || error instanceof Error ? error.message : String(error);
      logger.warn({ reason: reason.slice(0, 200) }, "teams: request not authenticated");
      res.status(401).json({ error: "unauthorized" });
      return;
    }
    inFlight++;
    try {
      // Where this request came in: the origin of export download links when KAM_PUBLIC_URL is unset.
      const origin = `${req.protocol}://${req.get("host") ?? "localhost"}`;
      const invoke = await adapter.run(auth, activity, (context) => {
        context.turnState.set(REQUEST_ORIGIN, origin);
        return bot(context);
      });
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.json(invoke.body);
      else res.end();
    } catch (error) {
      logger.error({ err: (error as Error).message, activityType: activity.type }, "teams: activity failed");
      if (!res.headersSent) res.status(500).json({ error: "internal error" });
    } finally {
      inFlight--;
    }
  });

  const status: ComponentStatus = authenticated
    ? { status: "ok", detail: `authenticated (${config.MicrosoftAppType})` }
    : { status: "degraded", detail: "unauthenticated" };
  logger.info({ route: "POST /api/messages", authenticated }, "teams: mounted");

  return {
    status: () => status,
    notifier: createTeamsNotifier({ adapter, appId: config.MicrosoftAppId ?? "", db: deps.db.prisma, logger }),
    async stop() {
      stopping = true;
      // Let turns already running finish their replies (they hold database work).
      for (let i = 0; i < 100 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 50));
    },
  };
};
