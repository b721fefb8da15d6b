import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifySlackError, SlackNotifier } from "../../../src/adapters/slack/notifier.ts";
import { checkMessage } from "../../../src/adapters/slack/limits.ts";
import { FakeSlack } from "../../support/fake-slack.ts";
import { notifierContract, type NotifierHarness } from "./notifier-contract.ts";

describe("SlackNotifier", () => {
  let fake: FakeSlack;
  let notifier: SlackNotifier;
  beforeAll(async () => {
    fake = await new FakeSlack().start();
    notifier = new SlackNotifier({
      token: fake.token,
      slackApiUrl: fake.apiUrl,
      resolveMentions: async (_org, ids) => new Map(ids.map((id) => [id, `U${id.toUpperCase()}`])),
    });
  });
  afterAll(async () => {
    await fake?.stop();
  });

  const posts = () => fake.callsOf("chat.postMessage");
  describe("Notifier contract", () => {
    notifierContract(
      (): NotifierHarness => ({
        notifier,
        target: "C0ACMEORD",
        organizationId: "org-1",
        failNext(kind, seconds = 1) {
          if (kind === "rate_limited") fake.failNext("chat.postMessage", { kind: "ratelimited", retryAfter: seconds });
          else if (kind === "server_error") fake.failNext("chat.postMessage", { kind: "http", status: 503 });
          else fake.failNext("chat.postMessage", { kind: "error", error: "channel_not_found" });
        },
        deliveries: () => posts().length,
        lastText: () => JSON.stringify(posts().at(-1)?.args ?? {}),
      }),
    );
  });

  it("maps Slack's errors to what the dispatcher expects", async () => {
    for (const error of ["not_in_channel", "is_archived", "account_inactive", "channel_not_found", "invalid_auth", "token_revoked"]) {
      fake.failNext("chat.postMessage", { kind: "error", error });
      const result = await notifier.send({ organizationId: "o", platform: "SLACK", target: "C1", reply: { ok: true, visibility: "channel", summary: "x", blocks: [] }, mentions: [] });
      expect(result).toEqual({ ok: false, kind: "permanent", error });
    }
    fake.failNext("chat.postMessage", { kind: "error", error: "internal_error" });
    expect(await notifier.send({ organizationId: "o", platform: "SLACK", target: "C1", reply: { ok: true, visibility: "channel", summary: "x", blocks: [] }, mentions: [] })).toMatchObject({
      ok: false,
      kind: "transient",
    });
    expect(classifySlackError(Object.assign(new Error("socket hang up"), { code: "slack_webapi_request_error" }))).toMatchObject({ kind: "transient" });
  });

  it("mentions the responsible members and stays within Block Kit limits", async () => {
    const result = await notifier.send({
      organizationId: "o",
      platform: "SLACK",
      target: "C0ACMEORD",
      reply: { ok: true, visibility: "channel", summary: "Milestone due tomorrow", blocks: [{ kind: "text", text: "Milestone M-3 is due tomorrow" }] },
      mentions: [{ userId: "U0BOB0001", name: "Bob" }],
    });
    expect(result.ok).toBe(true);
    const args = posts().at(-1)!.args as { text: string; blocks: never[] };
    expect(args.text).toContain("<@U0BOB0001>");
    expect(JSON.stringify(args.blocks)).toContain("<@U0BOB0001>");
    expect(checkMessage(args)).toEqual([]);
    const withBlock = await notifier.send({
      organizationId: "o",
      platform: "SLACK",
      target: "C0ACMEORD",
      reply: { ok: true, visibility: "channel", summary: "x", blocks: [{ kind: "mention", memberIds: ["m7"], text: "please check" }] },
      mentions: [],
    });
    expect(withBlock.ok).toBe(true);
    expect(JSON.stringify(posts().at(-1)!.args.blocks)).toContain("<@UM7> please check");
  });
});
