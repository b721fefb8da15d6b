import { describe, expect, it } from "vitest";
import { ConfigError, listenHost, loadConfig } from "../src/config.ts";
import { runKam } from "./support/processes.ts";

describe("configuration", () => {
  it("serves a local run with no settings at all", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: "./data", LOG_LEVEL: "info", NODE_ENV: "development" });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ PORT: "eighty" }, /^Invalid PORT: .*\(got "eighty"\)$/],
    [{ PORT: "70000" }, /^Invalid PORT: /],
    [{ DATABASE_URL: "mysql://x" }, /^Invalid DATABASE_URL: expected a postgresql:\/\/ URL/],
    [{ SLACK_BOT_TOKEN: "abc" }, /^Invalid SLACK_BOT_TOKEN: expected a bot token/],
    [{ SLACK_BOT_TOKEN: "xoxb-1" }, /^Invalid SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN/],
    [{ SLACK_APP_TOKEN: "xoxb-1" }, /^Invalid SLACK_APP_TOKEN: expected an app-level token/],
    [{ SLACK_API_URL: "ftp://x" }, /^Invalid SLACK_API_URL: /],
    [{ MicrosoftAppType: "Other" }, /^Invalid MicrosoftAppType: /],
    [{ MicrosoftAppId: "id" }, /^Invalid MicrosoftAppPassword: required/],
    [{ MicrosoftAppId: "id", MicrosoftAppPassword: "pw" }, /^Invalid MicrosoftAppTenantId: required/],
    [{ LOG_LEVEL: "loud" }, /^Invalid LOG_LEVEL: /],
    [{ NODE_ENV: "staging" }, /^Invalid NODE_ENV: /],
    [{ NODE_ENV: "production" }, /^Invalid MicrosoftAppId: required when NODE_ENV=production/],
    [{ KAM_LISTEN_HOST: "every where" }, /^Invalid KAM_LISTEN_HOST: /],
    [{ KAM_DEFERRED_SWEEP_MS: "100" }, /^Invalid KAM_DEFERRED_SWEEP_MS: expected a number of milliseconds from 500/],
  ];
  for (const [env, message] of bad) {
    it(`names the variable for ${JSON.stringify(env)}`, () => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    });
  }

  it("never shows a secret in its error: tokens masked, the password taken out of DATABASE_URL", () => {
    const message = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error("expected a ConfigError");
    };
    const bot = message({ SLACK_BOT_TOKEN: "zzzp-1234567890-Sup3rS3cretBotToken" });
    expect(bot).toBe('Invalid SLACK_BOT_TOKEN: expected a bot token starting with xoxb- (got "zzzp…" (35 characters, masked))');
    const app = message({ SLACK_APP_TOKEN: "xoxb-1-A0B1C2-0123456789abcdefSECRET" });
    expect(app).not.toContain("SECRET");
    expect(app).toContain("masked");
    expect(message({ SLACK_BOT_TOKEN: "shortsecret" })).toBe("Invalid SLACK_BOT_TOKEN: expected a bot token starting with xoxb- (got 11 characters, masked)");
    const url = message({ DATABASE_URL: "mysql://kam:hunter2@db.internal:3306/kam" });
    expect(url).toBe('Invalid DATABASE_URL: expected a postgresql:// URL, or nothing for the embedded database (got "mysql://kam:****@db.internal:3306/kam")');
    expect(message({ DATABASE_URL: "kam:hunter2@db" })).not.toContain("hunter2");
  });

  it("listens on loopback while Teams is unauthenticated, on all interfaces otherwise, or where told", () => {
    const teams = { MicrosoftAppId: "id", MicrosoftAppPassword: "pw", MicrosoftAppTenantId: "t" };
    expect(listenHost(loadConfig({}))).toBe("127.0.0.1");
    expect(listenHost(loadConfig(teams))).toBe("0.0.0.0");
    expect(listenHost(loadConfig({ KAM_TEAMS: "off" }))).toBe("0.0.0.0");
    expect(listenHost(loadConfig({ KAM_LISTEN_HOST: "0.0.0.0" }))).toBe("0.0.0.0");
    expect(listenHost(loadConfig({ ...teams, KAM_LISTEN_HOST: "::1" }))).toBe("::1");
  });

  it("stops `kam` with one clear line and no stack trace", async () => {
    const { code, output } = await runKam(["migrate"], { PORT: "eighty" });
    expect(code).toBe(2);
    expect(output.trim()).toBe('kam: Invalid PORT: expected a port number from 0 to 65535 (got "eighty")');
  });
});
