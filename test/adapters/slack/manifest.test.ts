import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { buildManifest, loadManifest, publicBaseUrl } from "../../../src/adapters/slack/manifest.ts";

const schema = JSON.parse(readFileSync(new URL("../../fixtures/schemas/slack-app-manifest-1.0.0.schema.json", import.meta.url), "utf8"));
const ajv = new Ajv({ strict: false, allErrors: true });
const validate = ajv.compile(schema);

describe("Slack app manifest", () => {
  it("validates against the Slack app manifest schema, as committed and as printed", () => {
    for (const manifest of [loadManifest(), buildManifest({ url: "https://kam.acme.example/" }), buildManifest({ socketMode: true })]) {
      const ok = validate(manifest);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it("fills the public URL into the command, events and interactivity", () => {
    const m = buildManifest({ url: "https://kam.acme.example/base/" }) as any;
    const url = "https://kam.acme.example/base/slack/events";
    expect(m.features.slash_commands[0]).toMatchObject({ command: "/kam", url });
    expect(m.settings.event_subscriptions.request_url).toBe(url);
    expect(m.settings.interactivity.request_url).toBe(url);
    expect(m.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(["app_mention", "message.im", "app_home_opened"]));
    expect(m.features.app_home.home_tab_enabled).toBe(true);
    expect(m.oauth_config.scopes.bot).toEqual(expect.arrayContaining(["commands", "chat:write", "users:read", "im:history"]));
    const socket = buildManifest({ socketMode: true }) as any;
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(JSON.stringify(socket)).not.toContain("kam.example.com");
  });

  it("refuses URLs Slack would not call", () => {
    expect(() => publicBaseUrl("http://kam.acme.example")).toThrow(/https/);
    expect(() => publicBaseUrl("kam.acme.example")).toThrow(/not a URL/);
    expect(publicBaseUrl("http://localhost:3000/")).toBe("http://localhost:3000");
    expect(() => buildManifest({})).toThrow(/--url/);
  });
});

describe("kam manifest slack", () => {
  it("prints the manifest with the URL filled in, and refuses a missing URL", async () => {
    const { runKam } = await import("../../support/processes.ts");
    const ok = await runKam(["manifest", "slack", "--url", "https://kam.acme.example"]);
    expect(ok.code).toBe(0);
    const printed = JSON.parse(ok.output);
    expect(validate(printed)).toBe(true);
    expect(printed.settings.event_subscriptions.request_url).toBe("https://kam.acme.example/slack/events");
    const missing = await runKam(["manifest", "slack"]);
    expect(missing.code).toBe(2);
    expect(missing.output).toMatch(/--url/);
  });
});
