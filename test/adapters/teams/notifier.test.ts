import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdapter } from "../../../src/adapters/teams/index.ts";
import { classifyError, createTeamsNotifier } from "../../../src/adapters/teams/notifier.ts";
import type { Notifier } from "../../../src/core/notifier.ts";
import { createLogger } from "../../../src/logger.ts";
import { migratedDatabase } from "../../support/databases.ts";
import { newOrganization } from "../../support/fixtures.ts";
import { startFakeConnector, type FakeConnector } from "../../support/fake-connector.ts";
import { notifierContract, type NotifierHarness } from "../slack/notifier-contract.ts";
import { cardErrors, cardsOf } from "./card-schema.ts";

/** The Teams notifier against the fake connector, held to the contract every Notifier passes. */
describe("Teams notifier", () => {
  let handle: Awaited<ReturnType<typeof migratedDatabase>>;
  let connector: FakeConnector;
  let notifier: Notifier;
  let organizationId: string;
  const target = "19:0acme0orders@thread.tacv2";

  beforeAll(async () => {
    connector = await startFakeConnector();
    handle = await migratedDatabase("pglite");
    const db = handle.db.prisma;
    organizationId = (await newOrganization(db)).org.id;
    await db.conversation.create({
      data: {
        organizationId,
        platform: "TEAMS",
        conversationId: target,
        kind: "channel",
        reference: {
          channelId: "msteams",
          serviceUrl: connector.url,
          conversation: { id: target, conversationType: "channel", isGroup: true, tenantId: "t1" },
          bot: { id: "28:bot", name: "kam" },
        },
      },
    });
    notifier = createTeamsNotifier({ adapter: createAdapter({ MicrosoftAppType: "SingleTenant" }), appId: "", db, logger: createLogger({ level: "silent", pretty: false }) });
  });

  afterAll(async () => {
    await handle?.dispose();
    await connector?.close();
  });

  const posts = () => connector.calls.filter((c) => c.method === "POST" && c.path.includes("/activities"));

  describe("Notifier contract", () => {
    notifierContract(
      (): NotifierHarness => ({
        notifier,
        target,
        organizationId,
        failNext(kind, seconds = 1) {
          if (kind === "rate_limited") connector.throttle(1, seconds);
          else connector.failNext(1, kind === "server_error" ? 503 : 403);
        },
        deliveries: () => posts().length,
        lastText: () => JSON.stringify(posts().at(-1)?.body ?? {}),
      }),
    );
  });

  it("sends valid cards to the stored channel", () => {
    const sent = connector.activities();
    expect(sent.length).toBeGreaterThan(0);
    for (const call of sent) {
      expect(call.conversationId).toBe(target);
      for (const card of cardsOf(call.body)) expect(cardErrors(card)).toEqual([]);
    }
  });

  it("classifies connector failures", () => {
    const headers = { get: (name: string) => (name === "retry-after" ? "3" : undefined) };
    expect(classifyError({ statusCode: 429, response: { headers } })).toMatchObject({ kind: "rate_limited", retryAfterMs: 3000 });
    expect(classifyError({ statusCode: 429 })).toMatchObject({ kind: "rate_limited", retryAfterMs: 5000 });
    expect(classifyError({ statusCode: 404, message: "ConversationNotFound" })).toMatchObject({ kind: "permanent" });
    expect(classifyError({ statusCode: 403, message: "BotNotInConversationRoster" })).toMatchObject({ kind: "permanent" });
    expect(classifyError({ statusCode: 500 })).toMatchObject({ kind: "transient" });
    expect(classifyError({ statusCode: 408 })).toMatchObject({ kind: "transient" });
    expect(classifyError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toMatchObject({ kind: "transient" });
  });

  it("never posts to a stored service URL that is not allowed (stored before the check, or under other settings)", async () => {
    const db = handle.db.prisma;
    const foreign = "19:0foreign0url@thread.tacv2";
    await db.conversation.create({
      data: {
        organizationId,
        platform: "TEAMS",
        conversationId: foreign,
        kind: "channel",
        reference: { channelId: "msteams", serviceUrl: "https://evil.example/", conversation: { id: foreign, conversationType: "channel", isGroup: true, tenantId: "t1" }, bot: { id: "28:bot", name: "kam" } },
      },
    });
    const before = connector.calls.length;
    const reply = { ok: true, visibility: "channel" as const, summary: "hello", blocks: [{ kind: "text" as const, text: "hello" }] };
    const result = await notifier.send({ organizationId, platform: "TEAMS", target: foreign, reply, mentions: [] });
    expect(result).toMatchObject({ ok: false, kind: "permanent", error: expect.stringContaining("not a loopback address") });
    expect(connector.calls.length).toBe(before);
  });
});
