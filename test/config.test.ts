import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
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
  ];
  for (const [env, message] of bad) {
    it(`names the variable for ${JSON.stringify(env)}`, () => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    });
  }

  it("stops `kam` with one clear line and no stack trace", async () => {
    const { code, output } = await runKam(["migrate"], { PORT: "eighty" });
    expect(code).toBe(2);
    expect(output.trim()).toBe('kam: Invalid PORT: expected a port number from 0 to 65535 (got "eighty")');
  });
});
