import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { startKam, type Kam } from "../../src/runtime.ts";
import { SIGNING_SECRET, startSlackKam, type SlackKam } from "../adapters/slack/harness.ts";
import { cardErrors, cardsOf } from "../adapters/teams/card-schema.ts";
import { startFakeConnector, type FakeConnector } from "../support/fake-connector.ts";
import { signedRequest } from "../support/slack-signing.ts";

/**
 * The payloads Slack and Microsoft document and send (test/fixtures/vendor, copied from
 * ../shared/payloads: DMs, private channels, Enterprise Grid, shortcuts, events, Teams installs,
 * mentions, invokes), replayed against the real endpoints of a running kam: each is answered
 * sensibly or ignored, always with 200 within Slack's 3 seconds (the request is aborted after
 * that), never a 5xx. Only URLs are pointed at the local fakes; ids stay as captured.
 */
type Json = Record<string, any>;
const VENDOR = new URL("../fixtures/vendor/", import.meta.url);
const load = (dir: string) =>
  readdirSync(new URL(`${dir}/`, VENDOR))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((name) => ({ name, data: JSON.parse(readFileSync(new URL(`${dir}/${name}`, VENDOR), "utf8")) as Json }));

const SLACK_LIMIT_MS = 3_000;

describe("Slack's captured payloads, signed, into /slack/events", () => {
  let s: SlackKam;
  beforeAll(async () => {
    s = await startSlackKam();
  });
  afterAll(async () => {
    await s?.stop();
  });

  for (const { name, data } of load("slack")) {
    it(`${name}: 200 within 3 s`, async () => {
      const key = name.replace(/\.json$/, "");
      let request;
      if (data.form) {
        const form = Object.fromEntries(new URLSearchParams(data.form as string));
        // Asked as kam is asked: the captured command with kam's words.
        if (form.response_url) form.response_url = s.fake.responseUrl(key);
        form.command = "/kam";
        request = signedRequest(SIGNING_SECRET, { ...form, text: "help" }, "form");
      } else if (data.payload?.type === "event_callback") {
        request = signedRequest(SIGNING_SECRET, data.payload, "json");
      } else {
        const payload = { ...data.payload, ...(data.payload.response_url ? { response_url: s.fake.responseUrl(key) } : {}) };
        request = signedRequest(SIGNING_SECRET, payload, "payload");
      }
      const res = await fetch(s.eventsUrl, { method: "POST", headers: request.headers, body: request.body, signal: AbortSignal.timeout(SLACK_LIMIT_MS) });
      expect(res.status).toBe(200);
      if (data.form) {
        // A slash command from a DM, a private channel or a Grid workspace gets kam's help, only for the asker.
        const [answer] = await s.fake.waitFor(`response:${key}`);
        expect(answer!.args.response_type).toBe("ephemeral");
        expect(JSON.stringify(answer!.args.blocks)).toContain("help");
      }
      await res.text();
    });
  }
});

describe("Microsoft's captured Teams activities into /api/messages", () => {
  let kam: Kam;
  let connector: FakeConnector;
  beforeAll(async () => {
    connector = await startFakeConnector();
    const config = loadConfig({ PORT: "0", DATA_DIR: "memory", KAM_SCHEDULER: "off", LOG_LEVEL: "silent", NODE_ENV: "test" });
    kam = await startKam(config, createLogger({ level: "silent", pretty: false }));
  });
  afterAll(async () => {
    const invalid = connector.activities().flatMap((c) => cardsOf(c.body).map((card) => cardErrors(card))).filter((e) => e.length);
    await kam?.stop();
    await connector?.close();
    expect(invalid).toEqual([]);
  });

  const post = (activity: Json) =>
    fetch(`${kam.http.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...activity, serviceUrl: connector.url }),
      signal: AbortSignal.timeout(SLACK_LIMIT_MS),
    });

  for (const { name, data } of load("teams")) {
    it(`${name}: 200, never a 5xx`, async () => {
      const res = await post(data.activity);
      expect(res.status).toBe(200);
      const text = await res.text();
      if (data.activity.type === "invoke" && data.activity.name === "adaptiveCard/action") {
        // A Universal Action kam did not put on a card: answered with a card that says so.
        const body = JSON.parse(text) as Json;
        expect(body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
        expect(cardErrors(body.value)).toEqual([]);
      }
      if (data.activity.type === "message") {
        // The channel mention is a command ("help" or not): it gets a card in reply.
        expect(connector.activities().some((c) => cardsOf(c.body).length > 0)).toBe(true);
      }
    });
  }

  it("runs the command of an Action.Execute kam's own card carries and answers with the result card", async () => {
    const invoke = load("teams").find((p) => p.data.activity.name === "adaptiveCard/action")!.data.activity as Json;
    const res = await post({ ...invoke, id: "f:execute-help", value: { action: { type: "Action.Execute", verb: "kam", data: { kamCommand: "help" } }, trigger: "manual" } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(JSON.stringify(body.value)).toContain("order");
    expect(cardErrors(body.value)).toEqual([]);
  });

  it("answers other invokes with 200 and an empty body instead of 501", async () => {
    const invoke = load("teams").find((p) => p.data.activity.name === "adaptiveCard/action")!.data.activity as Json;
    const res = await post({ ...invoke, id: "f:other-invoke", name: "composeExtension/query", value: {} });
    expect(res.status).toBe(200);
  });
});
