import { expect, it } from "vitest";
import { takeUnread } from "../../src/domain/inbox.ts";
import { inboxNotifier } from "../../src/scheduler/inbox-notifier.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { newOrganization } from "../support/fixtures.ts";
import { TEST_NOW } from "../support/clock.ts";

describeEachDatabase("inbox", (get) => {
  /** A new member's inbox notifier, and a message with this summary addressed to that member. */
  async function memberInbox(summary: string) {
    const db = get().prisma;
    const { actor } = await newOrganization(db);
    const reply = { ok: true, visibility: "caller" as const, summary, blocks: [] };
    const message = { platform: "TERMINAL" as const, organizationId: actor.organizationId, target: actor.memberId!, mentions: [], reply };
    return { db, actor, notifier: inboxNotifier(db, () => TEST_NOW), message };
  }

  it("stores a delivery repeated after a crash once: the outbox row's key is the message's id", async () => {
    const { db, actor, notifier, message } = await memberInbox("Reminder: Rollout due tomorrow");
    // The first attempt stored it and died before the outbox marked it sent; the retry comes with the same key.
    expect(await notifier.send(message, { key: "row-1" })).toEqual({ ok: true });
    expect(await notifier.send(message, { key: "row-1" })).toEqual({ ok: true });
    expect(await notifier.send(message, { key: "row-2" })).toEqual({ ok: true });
    expect((await takeUnread(db, actor)).map((m) => [m.id, m.summary])).toEqual([
      ["row-1", "Reminder: Rollout due tomorrow"],
      ["row-2", "Reminder: Rollout due tomorrow"],
    ]);
  });

  it("hands each unread message to one of three prompts that ask at once, never to two", async () => {
    const { db, actor, notifier, message } = await memberInbox("Order O-1 is late");
    const run = crypto.randomUUID();
    for (let i = 0; i < 20; i++) await notifier.send(message, { key: `${run}-${i}` });
    const rounds = await Promise.all([takeUnread(db, actor), takeUnread(db, actor), takeUnread(db, actor)]);
    const ids = rounds.flat().map((m) => m.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    expect(await takeUnread(db, actor)).toEqual([]);
  });
});
