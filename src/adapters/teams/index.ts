import express from "express";
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Response as BotResponse, type TurnContext } from "botbuilder";
import { translator } from "../../core/i18n/index.ts";
import type { Config } from "../../config.ts";
import type { ComponentStatus } from "../../server.ts";
import type { MountPlatform } from "../platform.ts";
import { createBot } from "./bot.ts";
import { createTeamsNotifier } from "./notifier.ts";

/**
 * Teams: botbuilder's CloudAdapter at POST /api/messages, authenticated by
 * ConfigurationBotFrameworkAuthentication from the MicrosoftApp* settings. Everything that knows
 * botbuilder lives in this folder, so moving to the Microsoft 365 Agents SDK is one folder's work.
 */
export function createAdapter(config: Pick<Config, "MicrosoftAppId" | "MicrosoftAppPassword" | "MicrosoftAppType" | "MicrosoftAppTenantId">): CloudAdapter {
  // No app id: authentication off (botbuilder checks nothing and signs nothing). The app type
  // is then left out, since botbuilder insists on an app id for SingleTenant.
  const auth = new ConfigurationBotFrameworkAuthentication(
    config.MicrosoftAppId
      ? {
          MicrosoftAppId: config.MicrosoftAppId,
          MicrosoftAppPassword: config.MicrosoftAppPassword ?? "",
          MicrosoftAppType: config.MicrosoftAppType,
          MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? "",
        }
      : {},
  );
  return new CloudAdapter(auth);
}

/**
 * CloudAdapter writes its error's message into the response body (on a 500 that can be an
 * internal detail such as a failed key download): callers get a short JSON error instead.
 */
function guarded(res: express.Response): BotResponse {
  let status = 200;
  const response: BotResponse = {
    socket: res.socket,
    status(code: number) {
      status = code;
      res.status(code);
      return response;
    },
    header(name: string, value: unknown) {
      res.header(name, String(value));
      return response;
    },
    send(body?: unknown) {
      if (status >= 400) res.json({ error: status === 401 ? "unauthorized" : status >= 500 ? "internal error" : "bad request" });
      else res.send(body);
      return response;
    },
    end() {
      if (!res.writableEnded) res.end();
      return response;
    },
  };
  return response;
}

export const mountTeams: MountPlatform = async (app, deps) => {
  const { config } = deps;
  const logger = deps.logger.child({ platform: "teams" });
  if (config.KAM_TEAMS === "off") {
    return { status: () => ({ status: "not_configured", detail: "KAM_TEAMS=off" }), notifier: null, stop: async () => {} };
  }
  const authenticated = Boolean(config.MicrosoftAppId);
  if (!authenticated) {
    // config.ts refuses this combination in production; anywhere else it is allowed, but never quietly.
    logger.warn(translator("en")("teams:unauthenticated.startup"));
  }
  const adapter = createAdapter(config);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: error, activityType: context.activity.type }, "teams: turn failed");
  };
  const bot = createBot(deps);
  let inFlight = 0;
  let stopping = false;

  app.post("/api/messages", express.json({ limit: "1mb" }), async (req, res) => {
    if (stopping) {
      res.status(503).json({ error: "shutting down" });
      return;
    }
    if (authenticated && !req.headers.authorization) {
      // Refused here already: botbuilder would say the same, with a stack trace on stderr.
      res.status(401).json({ error: "unauthorized" });
      return;
    }
    inFlight++;
    try {
      await adapter.process(req, guarded(res), bot);
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
