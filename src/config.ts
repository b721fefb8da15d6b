import { isIP } from "node:net";
import { z } from "zod";

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const schema = z.object({
  PORT: z.coerce
    .number({ error: "expected a port number from 0 to 65535" })
    .int({ error: "expected a port number from 0 to 65535" })
    .min(0, { error: "expected a port number from 0 to 65535" })
    .max(65535, { error: "expected a port number from 0 to 65535" })
    .default(3000),
  KAM_LISTEN_HOST: optionalText.refine((v) => v === undefined || isIP(v) !== 0 || /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(v), {
    message: "expected an address to listen on, like 127.0.0.1, 0.0.0.0 or ::",
  }),
  DATA_DIR: z.string().trim().min(1).default("./data"),
  DATABASE_URL: optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message: "expected a postgresql:// URL, or nothing for the embedded database",
  }),
  SLACK_BOT_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith("xox"), {
    message: "expected a bot token starting with xoxb-",
  }),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith("xapp-"), {
    message: "expected an app-level token starting with xapp-",
  }),
  SLACK_API_URL: optionalText.refine((v) => v === undefined || /^https?:\/\/.+\/$/.test(v), {
    message: "expected an http(s) URL ending with a slash, like https://slack.com/api/",
  }),
  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppType: z.enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"]).default("SingleTenant"),
  MicrosoftAppTenantId: optionalText,
  // botbuilder's own settings for where the token signing keys come from (sovereign clouds, tests).
  ToBotFromChannelOpenIdMetadataUrl: optionalText.refine((v) => v === undefined || /^https?:\/\//.test(v), { message: "expected an http(s) URL" }),
  ToBotFromEmulatorOpenIdMetadataUrl: optionalText.refine((v) => v === undefined || /^https?:\/\//.test(v), { message: "expected an http(s) URL" }),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  KAM_SCHEDULER: z.enum(["on", "off"]).default("on"),
  KAM_TEAMS: z.enum(["on", "off"]).default("on"),
  KAM_CHAT_USER: z.string().trim().min(1).max(80).default("local"),
  /** How long an outbox claim lasts before another replica takes the row over (ms). */
  KAM_OUTBOX_LEASE_MS: z.coerce
    .number({ error: "expected a number of milliseconds from 2000 to 3600000" })
    .int({ error: "expected a number of milliseconds from 2000 to 3600000" })
    .min(2_000, { error: "expected a number of milliseconds from 2000 to 3600000" })
    .max(3_600_000, { error: "expected a number of milliseconds from 2000 to 3600000" })
    .default(120_000),
  /**
   * How often a replica on PostgreSQL looks for Slack commands another replica acknowledged and
   * did not run (it died and may never come back), and how old such a note must be (ms).
   */
  KAM_DEFERRED_SWEEP_MS: z.coerce
    .number({ error: "expected a number of milliseconds from 500 to 3600000" })
    .int({ error: "expected a number of milliseconds from 500 to 3600000" })
    .min(500, { error: "expected a number of milliseconds from 500 to 3600000" })
    .max(3_600_000, { error: "expected a number of milliseconds from 500 to 3600000" })
    .default(60_000),
  /** The largest request body the HTTP API (/api/v1) reads, in bytes; larger ones get 413. */
  KAM_API_BODY_LIMIT: z.coerce
    .number({ error: "expected a number of bytes from 1024 to 104857600" })
    .int({ error: "expected a number of bytes from 1024 to 104857600" })
    .min(1024, { error: "expected a number of bytes from 1024 to 104857600" })
    .max(104_857_600, { error: "expected a number of bytes from 1024 to 104857600" })
    .default(1_048_576),
  /** on (default) or off: serve Prometheus metrics at GET /metrics. */
  KAM_METRICS: z.enum(["on", "off"]).default("on"),
  /** When set, /metrics answers only requests with `Authorization: Bearer <token>`. */
  KAM_METRICS_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 16, { message: "expected a token of at least 16 characters" }),
  /** Where users reach kam over https (Teams export download links); unset: the host the Teams request came to. */
  KAM_PUBLIC_URL: optionalText.refine((v) => v === undefined || /^https?:\/\/[^/?#]+\/?$/.test(v), { message: "expected an origin like https://kam.example.com" }),
  /** Signs Teams export download links; unset: a secret generated into DATA_DIR (set it when several replicas serve links). */
  KAM_EXPORT_SECRET: optionalText.refine((v) => v === undefined || v.length >= 32, { message: "expected a secret of at least 32 characters" }),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

const SECRETS = new Set(["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "MicrosoftAppPassword", "KAM_METRICS_TOKEN", "KAM_EXPORT_SECRET"]);

/** A setting's value as an error message may show it: secrets masked, a URL without its password. */
export function shown(name: string, value: string): string {
  if (SECRETS.has(name)) {
    // Long enough that four characters say which kind of token it is without giving it away.
    return value.length > 12 ? `${JSON.stringify(`${value.slice(0, 4)}…`)} (${value.length} characters, masked)` : `${value.length} characters, masked`;
  }
  if (name === "DATABASE_URL") {
    try {
      const url = new URL(value.trim());
      // Only a URL with a host shows where its password is; anything else might be one.
      if (!url.host) return `${value.length} characters, masked (not a URL with a host)`;
      if (url.password) url.password = "****";
      return JSON.stringify(url.toString());
    } catch {
      return `${value.length} characters, masked (not a URL)`;
    }
  }
  return JSON.stringify(value);
}

/** Reads the environment once. A wrong value throws one line naming the variable and what is expected. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    throw new ConfigError(`Invalid ${name}: ${issue.message} (got ${shown(name, env[name] ?? "")})`);
  }
  const config = result.data;
  if (config.SLACK_BOT_TOKEN && !config.SLACK_SIGNING_SECRET && !config.SLACK_APP_TOKEN) {
    throw new ConfigError("Invalid SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN unless SLACK_APP_TOKEN (Socket Mode) is set");
  }
  if (config.MicrosoftAppId && !config.MicrosoftAppPassword && config.MicrosoftAppType !== "UserAssignedMSI") {
    throw new ConfigError("Invalid MicrosoftAppPassword: required with MicrosoftAppId");
  }
  if (config.MicrosoftAppId && config.MicrosoftAppType === "SingleTenant" && !config.MicrosoftAppTenantId) {
    throw new ConfigError("Invalid MicrosoftAppTenantId: required when MicrosoftAppType is SingleTenant");
  }
  if (config.NODE_ENV === "production" && config.KAM_TEAMS === "on" && !config.MicrosoftAppId) {
    // Teams without an app id accepts unauthenticated activities: never in production.
    throw new ConfigError("Invalid MicrosoftAppId: required when NODE_ENV=production (unauthenticated Teams is for local use only; KAM_TEAMS=off disables Teams)");
  }
  return config;
}

/** Teams answers activities nobody authenticated: development only, and only from this machine. */
export function teamsUnauthenticated(config: Pick<Config, "KAM_TEAMS" | "MicrosoftAppId">): boolean {
  return config.KAM_TEAMS === "on" && !config.MicrosoftAppId;
}

/**
 * The address the HTTP server listens on: KAM_LISTEN_HOST when set; else loopback while Teams is
 * unauthenticated (anyone who can reach /api/messages could act as anyone), all interfaces otherwise.
 */
export function listenHost(config: Pick<Config, "KAM_LISTEN_HOST" | "KAM_TEAMS" | "MicrosoftAppId">): string {
  return config.KAM_LISTEN_HOST ?? (teamsUnauthenticated(config) ? "127.0.0.1" : "0.0.0.0");
}

export function slackConfigured(config: Config): boolean {
  return Boolean(config.SLACK_BOT_TOKEN && (config.SLACK_SIGNING_SECRET || config.SLACK_APP_TOKEN));
}
