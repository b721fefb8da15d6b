import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { logOrder } from "../../src/domain/orders.ts";
import { createLogger } from "../../src/logger.ts";
import { startKam, type Kam } from "../../src/runtime.ts";
import { nextFire } from "../../src/scheduler/cron-time.ts";
import { Scheduler } from "../../src/scheduler/index.ts";
import { loadJobSpecs } from "../../src/scheduler/jobs.ts";
import type { Notifier } from "../../src/core/notifier.ts";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { startSlackKam, type SlackKam } from "../adapters/slack/harness.ts";
import { slashCommand } from "../adapters/slack/payloads.ts";
import { channelMention, newTenant, newUser, personalMessage, type Where } from "../adapters/teams/activities.ts";
import { cardText, cardsOf } from "../adapters/teams/card-schema.ts";
import { TEST_NOW } from "../support/clock.ts";
import { startFakeConnector, type FakeConnector } from "../support/fake-connector.ts";
import { FakeClock } from "../support/recording-notifier.ts";

/**
 * The managers' weekly digest, end to end: `digest bind` typed in a channel (signed Slack slash
 * command; Teams @mention through /api/messages), then the scheduler fires the digest job at the
 * default schedule's moment on a fixed clock, and the dispatcher delivers it to the fake platform.
 */
async function fireDefaultDigest(db: PrismaClient, organizationId: string, notifier: Notifier) {
  const spec = (await loadJobSpecs(db)).find((j) => j.kind === "digest" && j.organizationId === organizationId)!;
  expect(spec.expression).toBe("0 8 * * 1"); // the default: Mondays at 08:00
  const fireAt = nextFire(spec.expression, spec.timeZone, TEST_NOW)!;
  const clock = new FakeClock(fireAt);
  const scheduler = new Scheduler(db, [notifier], undefined, { now: clock.now, cron: false, owner: `digest-${organizationId.slice(0, 8)}`, dispatcher: { sleep: clock.sleep } });
  await scheduler.sync();
  const summary = await scheduler.fire(spec, fireAt);
  const dispatched = await scheduler.dispatcher.drain();
  // The same fire on another replica runs nothing.
  const replica = new Scheduler(db, [notifier], undefined, { now: clock.now, cron: false, owner: "replica", dispatcher: { sleep: clock.sleep } });
  const again = await replica.fire(spec, fireAt);
  await scheduler.stop();
  await replica.stop();
  return { fireAt, summary, dispatched, again };
}

describe("the weekly digest through Slack", () => {
  let s: SlackKam;
  beforeAll(async () => {
    s = await startSlackKam();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("digest bind typed in a channel makes the default schedule deliver the digest there", async () => {
    const who = { ...s.who, channelId: "C0MANAGERS" };
    const res = await s.send(slashCommand(who, "digest bind", { responseUrl: s.fake.responseUrl("bind") }), "form");
    expect(res.status).toBe(200);
    const [answer] = await s.fake.waitFor("response:bind");
    expect(answer!.args.response_type).toBe("in_channel");
    expect(String(answer!.args.text)).toBe("This channel now gets the managers' weekly digest, Mondays at 08:00 (UTC).");
    await logOrder(s.kam.db.prisma, s.actor, { account: "ACME", lines: [{ product: "BOLT-10", quantity: 10 }] });

    const { fireAt, summary, dispatched, again } = await fireDefaultDigest(s.kam.db.prisma, s.actor.organizationId, s.kam.slack.notifier!);
    expect(fireAt.toISOString()).toBe("2026-11-30T08:00:00.000Z");
    expect(summary).toMatchObject({ kind: "digest", result: { targets: ["SLACK:C0MANAGERS"], notifications: 1 } });
    expect(dispatched.sent).toBe(1);
    expect(again).toBeNull();
    const posts = s.fake.callsOf("chat.postMessage").filter((c) => c.args.channel === "C0MANAGERS");
    expect(posts).toHaveLength(1);
    expect(String(posts[0]!.args.text)).toContain("Weekly digest — 30 Nov 2026");
    expect(JSON.stringify(posts[0]!.args.blocks)).toMatch(/ACME Holding GmbH[\s\S]*Open orders[\s\S]*€25.00/);
  });

  it("/kam digest acme answers only the caller, in the channel too", async () => {
    const res = await s.send(slashCommand(s.who, "digest acme", { responseUrl: s.fake.responseUrl("digest") }), "form");
    expect(res.status).toBe(200);
    const [answer] = await s.fake.waitFor("response:digest");
    expect(answer!.args.response_type).toBe("ephemeral");
    expect(String(answer!.args.text)).toContain("Weekly digest");
  });
});

describe("the weekly digest through Teams", () => {
  let kam: Kam;
  let connector: FakeConnector;
  beforeAll(async () => {
    connector = await startFakeConnector();
    const config = loadConfig({ PORT: "0", DATA_DIR: "memory", KAM_SCHEDULER: "off", LOG_LEVEL: "silent", NODE_ENV: "test" });
    kam = await startKam(config, createLogger({ level: "silent", pretty: false }));
  });
  afterAll(async () => {
    await kam?.stop();
    await connector?.close();
  });

  async function post(activity: Record<string, unknown>) {
    const before = connector.activities().length;
    const res = await fetch(`${kam.http.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
    expect(res.status).toBe(200);
    return connector.activities().slice(before);
  }

  it("digest bind as an @mention in a Teams channel makes the default schedule post the digest into that channel", async () => {
    const w: Where = { serviceUrl: connector.url, tenantId: newTenant(), user: newUser("Maria Manager") };
    await post(personalMessage(w, "help")); // first contact: the tenant's organization, Maria its admin
    const channel = "19:managers0digest@thread.tacv2";
    const [bound] = await post(channelMention(w, channel, "digest bind"));
    expect(cardText(cardsOf(bound!.body)[0])).toContain("This channel now gets the managers' weekly digest, Mondays at 08:00 (UTC).");
    const identity = await kam.db.prisma.memberIdentity.findFirstOrThrow({ where: { platform: "TEAMS", externalId: w.user.aadObjectId } });

    const before = connector.activities().length;
    const { summary, dispatched } = await fireDefaultDigest(kam.db.prisma, identity.organizationId, kam.teams.notifier!);
    expect(summary).toMatchObject({ kind: "digest", result: { targets: [`TEAMS:${channel}`], notifications: 1 } });
    expect(dispatched.sent).toBe(1);
    const sent = connector.activities().slice(before);
    expect(sent.map((c) => c.conversationId)).toEqual([channel]);
    expect(cardText(cardsOf(sent[0]!.body)[0])).toContain("Weekly digest — 30 Nov 2026");
  });
});
