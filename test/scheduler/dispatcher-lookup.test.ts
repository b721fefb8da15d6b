import { afterAll, beforeAll, expect, it } from "vitest";
import { loadManifest } from "../../src/adapters/slack/manifest.ts";
import { OUTBOX_EVENT_TYPE, SlackNotifier } from "../../src/adapters/slack/notifier.ts";
import type { OutgoingMessage } from "../../src/core/notifier.ts";
import { enqueue } from "../../src/domain/notifications.ts";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import type { Logger } from "../../src/logger.ts";
import { Dispatcher } from "../../src/scheduler/dispatcher.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { FakeSlack } from "../support/fake-slack.ts";
import { FakeClock } from "../support/recording-notifier.ts";

/**
 * Slack: each outbox message carries its key as message metadata; a message whose claim lapsed
 * (its dispatcher died after Slack accepted the post, before SENT was written) is looked up in the
 * conversation's history and recorded as sent instead of being posted again.
 */
describeEachDatabase("outbox on Slack, after an interrupted delivery", (get) => {
  let fake: FakeSlack;
  let notifier: SlackNotifier;
  beforeAll(async () => {
    fake = await new FakeSlack().start();
    notifier = new SlackNotifier({ token: fake.token, slackApiUrl: fake.apiUrl });
  });
  afterAll(async () => {
    await fake?.stop();
  });

  async function queue(db: PrismaClient, target: string, count = 1): Promise<{ id: string; payload: OutgoingMessage }[]> {
    const org = await db.organization.create({ data: { name: `Org ${crypto.randomUUID().slice(0, 6)}` } });
    const rows = Array.from({ length: count }, (_, i) => {
      const message: OutgoingMessage = { organizationId: org.id, platform: "SLACK", target, mentions: [], reply: { ok: true, visibility: "channel", summary: `m${i}`, blocks: [] } };
      return { organizationId: org.id, dedupeKey: `test:${crypto.randomUUID()}`, accountId: null, message, notBefore: new Date(0) };
    });
    await db.$transaction((tx) => enqueue(tx, rows));
    const stored = await db.notification.findMany({ where: { target }, orderBy: { createdAt: "asc" } });
    return stored.map((r) => ({ id: r.id, payload: r.payload as unknown as OutgoingMessage }));
  }

  /** A dispatcher claims the rows and posts them, then "dies" before writing anything. */
  async function crashAfterPosting(db: PrismaClient, clock: FakeClock): Promise<void> {
    const doomed = new Dispatcher({ db, notifiers: [notifier], now: clock.now, sleep: clock.sleep, owner: "doomed", leaseMs: 60_000 });
    const first = new Map<string, { id: string; payload: OutgoingMessage }>();
    for (const row of await doomed.claim()) if (!first.has(row.target)) first.set(row.target, { id: row.id, payload: row.payload as OutgoingMessage });
    for (const row of first.values()) expect((await notifier.send(row.payload, { key: row.id })).ok).toBe(true);
  }

  function capturingLogger(lines: string[]): Logger {
    const log = (level: string) => (obj: unknown, msg?: string) => void lines.push(`${level} ${msg ?? ""} ${JSON.stringify(obj)}`);
    return { info: log("info"), warn: log("warn"), error: log("error"), debug: () => {} } as unknown as Logger;
  }

  it("asks for the history scopes the lookup needs", () => {
    const scopes = (loadManifest() as { oauth_config: { scopes: { bot: string[] } } }).oauth_config.scopes.bot;
    expect(scopes).toEqual(expect.arrayContaining(["channels:history", "groups:history", "im:history", "mpim:history"]));
  });

  it("posts every outbox message with its key as message metadata", async () => {
    const db = get().prisma;
    const target = `C${crypto.randomUUID().slice(0, 8).toUpperCase()}`;
    const [row] = await queue(db, target);
    const dispatcher = new Dispatcher({ db, notifiers: [notifier], owner: "d-meta" });
    await dispatcher.drain();
    expect(fake.posted(target).map((m) => m.metadata)).toEqual([{ event_type: OUTBOX_EVENT_TYPE, event_payload: { key: row!.id } }]);
    const stored = await db.notification.findUniqueOrThrow({ where: { id: row!.id } });
    expect(stored).toMatchObject({ status: "SENT", externalId: fake.posted(target)[0]!.ts, uncertainSince: null });
  });

  it("records a message the dead dispatcher had posted as sent, without posting it again (channel and DM)", async () => {
    const db = get().prisma;
    const channel = `C${crypto.randomUUID().slice(0, 8).toUpperCase()}`;
    const user = `U${crypto.randomUUID().slice(0, 8).toUpperCase()}`;
    const rows = [...(await queue(db, channel, 2)), ...(await queue(db, user))];
    const clock = new FakeClock(new Date());
    await crashAfterPosting(db, clock);
    // The dead dispatcher took one row per target at a time (pacing): one in the channel, one in the DM.
    const postedFirst = rows.filter((r) => fake.posted(r.payload.target, r.id).length === 1).map((r) => r.id);
    expect(postedFirst).toHaveLength(2);
    clock.advance(61_000);
    const survivor = new Dispatcher({ db, notifiers: [notifier], now: clock.now, sleep: clock.sleep, owner: "survivor", leaseMs: 60_000 });
    const reads = fake.callsOf("conversations.history").length;
    const summary = await survivor.drain({ settle: true });
    expect(summary.found).toBe(2);
    for (const r of rows) expect(fake.posted(r.payload.target, r.id)).toHaveLength(1);
    // Both rows of the channel were uncertain: one read of its history answered for both.
    expect(fake.callsOf("conversations.history").slice(reads).map((c) => c.args.channel).sort()).toEqual([channel, `D${user.slice(1)}`].sort());
    for (const id of postedFirst) {
      const stored = await db.notification.findUniqueOrThrow({ where: { id } });
      expect(stored).toMatchObject({ status: "SENT", claimedBy: "survivor", uncertainSince: null });
      expect(stored.externalId).toBe(fake.posted(stored.target, id)[0]!.ts);
    }
  });

  it("looks first when the answer to a post was lost, and posts once", async () => {
    const db = get().prisma;
    const target = `C${crypto.randomUUID().slice(0, 8).toUpperCase()}`;
    const [row] = await queue(db, target);
    let dropped = 0;
    // Slack stores the post, and the connection breaks before the answer.
    fake.onPost = ({ channel }) => (channel === target && dropped++ === 0 ? "drop" : undefined);
    try {
      const clock = new FakeClock(new Date());
      const dispatcher = new Dispatcher({ db, notifiers: [notifier], now: clock.now, sleep: clock.sleep, owner: "d-lost", baseBackoffMs: 1_000 });
      const summary = await dispatcher.drain({ settle: true });
      expect(summary).toMatchObject({ retried: 1, sent: 1, found: 1 });
    } finally {
      fake.onPost = null;
    }
    expect(fake.posted(target, row!.id)).toHaveLength(1);
    expect(await db.notification.findUniqueOrThrow({ where: { id: row!.id } })).toMatchObject({ status: "SENT", externalId: fake.posted(target)[0]!.ts });
  });

  it("reads the history again for a row whose own retry may have posted since the last read", async () => {
    const db = get().prisma;
    const channel = `C${crypto.randomUUID().slice(0, 8).toUpperCase()}`;
    const rows = await queue(db, channel, 2);
    const clock = new FakeClock(new Date());
    await crashAfterPosting(db, clock); // the first row is in the channel, the second is not
    clock.advance(61_000);
    let dropped = 0;
    // The second row's post is stored, and its answer lost: its retry must not trust the read made before it.
    fake.onPost = ({ message }) => (message.metadata?.event_payload?.key === rows[1]!.id && dropped++ === 0 ? "drop" : undefined);
    try {
      const survivor = new Dispatcher({ db, notifiers: [notifier], now: clock.now, sleep: clock.sleep, owner: "survivor-2", leaseMs: 60_000, baseBackoffMs: 1_000 });
      const summary = await survivor.drain({ settle: true });
      expect(summary).toMatchObject({ found: 2, retried: 1 });
    } finally {
      fake.onPost = null;
    }
    for (const r of rows) expect(fake.posted(channel, r.id)).toHaveLength(1);
  });

  it("without the history scope, posts again and says so once", async () => {
    const db = get().prisma;
    const target = `C${crypto.randomUUID().slice(0, 8).toUpperCase()}`;
    const rows = [...(await queue(db, target)), ...(await queue(db, `${target}X`))];
    const clock = new FakeClock(new Date());
    await crashAfterPosting(db, clock);
    clock.advance(61_000);
    const lines: string[] = [];
    const scoped = new SlackNotifier({ token: fake.token, slackApiUrl: fake.apiUrl });
    fake.scopes.delete("channels:history");
    try {
      const survivor = new Dispatcher({ db, notifiers: [scoped], now: clock.now, sleep: clock.sleep, owner: "no-scope", leaseMs: 60_000, logger: capturingLogger(lines) });
      const summary = await survivor.drain({ settle: true });
      expect(summary).toMatchObject({ sent: 2, found: 0 });
    } finally {
      fake.scopes.add("channels:history");
    }
    for (const r of rows) expect(fake.posted(r.payload.target, r.id)).toHaveLength(2); // at least once: posted again
    expect(lines.filter((l) => l.includes("missing_scope"))).toHaveLength(1);
  });
});
