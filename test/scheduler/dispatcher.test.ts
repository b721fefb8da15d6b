import { expect, it } from "vitest";
import type { OutgoingMessage } from "../../src/core/notifier.ts";
import { enqueue } from "../../src/domain/notifications.ts";
import { listFlags } from "../../src/domain/flags.ts";
import { Dispatcher } from "../../src/scheduler/dispatcher.ts";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { FakeClock, RecordingNotifier } from "../support/recording-notifier.ts";

async function organization(db: PrismaClient) {
  return db.organization.create({ data: { name: `Org ${crypto.randomUUID().slice(0, 6)}` } });
}

async function queue(db: PrismaClient, organizationId: string, target: string, count = 1, at = new Date(0)) {
  const rows = Array.from({ length: count }, (_, i) => {
    const message: OutgoingMessage = { organizationId, platform: "SLACK", target, mentions: [], reply: { ok: true, visibility: "channel", summary: `m${i}`, blocks: [] } };
    return { organizationId, dedupeKey: `test:${crypto.randomUUID()}`, accountId: null, message, notBefore: at };
  });
  await db.$transaction((tx) => enqueue(tx, rows));
}

describeEachDatabase("outbox dispatcher", (get) => {
  it("after a crash between claim and delivery, delivers once when the lease has passed", async () => {
    const db = get().prisma;
    const org = await organization(db);
    const target = `C${crypto.randomUUID().slice(0, 8)}`;
    await queue(db, org.id, target);
    const clock = new FakeClock(new Date("2026-06-01T10:00:00Z"));
    const crashed = new Dispatcher({ db, notifiers: [new RecordingNotifier("SLACK", clock.now)], now: clock.now, sleep: clock.sleep, owner: "crashed" });
    const claimed = await crashed.claim();
    expect(claimed.filter((r) => r.target === target)).toHaveLength(1);
    // The crashed dispatcher never delivers. Another one sees the row SENDING and leaves it alone…
    const notifier = new RecordingNotifier("SLACK", clock.now);
    const survivor = new Dispatcher({ db, notifiers: [notifier], now: clock.now, sleep: clock.sleep, owner: "survivor", leaseMs: 60_000 });
    await survivor.drain();
    expect(notifier.attempts.filter((a) => a.message.target === target)).toHaveLength(0);
    // …until the lease has passed: then exactly one delivery, and none on later drains.
    clock.advance(61_000);
    await survivor.drain();
    await survivor.drain();
    expect(notifier.delivered.filter((m) => m.target === target)).toHaveLength(1);
    const row = await db.notification.findFirstOrThrow({ where: { target } });
    expect(row).toMatchObject({ status: "SENT", claimedBy: "survivor", attempts: 2 });
  });

  it("retries a 429 after its Retry-After, and a 500 with growing backoff", async () => {
    const db = get().prisma;
    const org = await organization(db);
    const clock = new FakeClock(new Date("2026-06-01T10:00:00Z"));
    const limited = `C${crypto.randomUUID().slice(0, 8)}`;
    const broken = `C${crypto.randomUUID().slice(0, 8)}`;
    await queue(db, org.id, limited, 1, clock.now());
    await queue(db, org.id, broken, 1, clock.now());
    const notifier = new RecordingNotifier("SLACK", clock.now);
    const script = new Map([
      [limited, [{ ok: false as const, kind: "rate_limited" as const, retryAfterMs: 30_000, error: "ratelimited" }]],
      [broken, [{ ok: false as const, kind: "transient" as const, error: "HTTP 500" }, { ok: false as const, kind: "transient" as const, error: "HTTP 502" }]],
    ]);
    notifier.send = async (message) => {
      const result = script.get(message.target)?.shift() ?? { ok: true as const, externalId: "ts" };
      notifier.attempts.push({ message, at: clock.now(), result });
      return result;
    };
    const dispatcher = new Dispatcher({ db, notifiers: [notifier], now: clock.now, sleep: clock.sleep, random: () => 1, baseBackoffMs: 1_000, owner: "d1" });
    const summary = await dispatcher.drain({ settle: true });
    const times = (target: string) => notifier.attempts.filter((a) => a.message.target === target).map((a) => a.at.getTime());
    const [l1, l2] = times(limited);
    expect(l2! - l1!).toBeGreaterThanOrEqual(30_000);
    const [b1, b2, b3] = times(broken);
    expect(b2! - b1!).toBeGreaterThanOrEqual(1_000);
    expect(b3! - b2!).toBeGreaterThanOrEqual(2_000);
    expect(summary.sent).toBeGreaterThanOrEqual(2);
    expect(await db.notification.findFirstOrThrow({ where: { target: limited } })).toMatchObject({ status: "SENT", attempts: 1 });
    expect(await db.notification.findFirstOrThrow({ where: { target: broken } })).toMatchObject({ status: "SENT", attempts: 3 });
  });

  it("records a permanent failure with its reason, never retries it, and surfaces it in flags", async () => {
    const db = get().prisma;
    const org = await organization(db);
    const gone = `C${crypto.randomUUID().slice(0, 8)}`;
    await queue(db, org.id, gone);
    const clock = new FakeClock(new Date("2026-06-01T10:00:00Z"));
    const notifier = new RecordingNotifier("SLACK", clock.now).answer({ ok: false, kind: "permanent", error: "channel_not_found" });
    const dispatcher = new Dispatcher({ db, notifiers: [notifier], now: clock.now, sleep: clock.sleep, owner: "d2" });
    await dispatcher.drain({ settle: true });
    clock.advance(3_600_000);
    await dispatcher.drain({ settle: true });
    expect(notifier.attempts.filter((a) => a.message.target === gone)).toHaveLength(1);
    expect(await db.notification.findFirstOrThrow({ where: { target: gone } })).toMatchObject({ status: "FAILED", lastError: "channel_not_found" });
    const listed = await listFlags(db, { organizationId: org.id, memberId: null, platform: null, now: clock.now() }, {});
    expect(listed.deliveryFailures).toMatchObject([{ target: gone, error: "channel_not_found" }]);
  });

  it("gives up on a transient error after the maximum number of attempts", async () => {
    const db = get().prisma;
    const org = await organization(db);
    const flaky = `C${crypto.randomUUID().slice(0, 8)}`;
    await queue(db, org.id, flaky);
    const clock = new FakeClock(new Date("2026-06-01T10:00:00Z"));
    const notifier = new RecordingNotifier("SLACK", clock.now);
    notifier.send = async (message) => {
      const result = { ok: false as const, kind: "transient" as const, error: "HTTP 503" };
      notifier.attempts.push({ message, at: clock.now(), result });
      return result;
    };
    const dispatcher = new Dispatcher({ db, notifiers: [notifier], now: clock.now, sleep: clock.sleep, maxAttempts: 4, owner: "d3" });
    await dispatcher.drain({ settle: true });
    expect(notifier.attempts.filter((a) => a.message.target === flaky)).toHaveLength(4);
    expect(await db.notification.findFirstOrThrow({ where: { target: flaky } })).toMatchObject({ status: "FAILED", lastError: "gave up after 4 attempts: HTTP 503" });
  });

  it("keeps at most one message per second per channel", async () => {
    const db = get().prisma;
    const org = await organization(db);
    const busy = `C${crypto.randomUUID().slice(0, 8)}`;
    await queue(db, org.id, busy, 4);
    const clock = new FakeClock(new Date("2026-06-01T10:00:00Z"));
    const notifier = new RecordingNotifier("SLACK", clock.now);
    const dispatcher = new Dispatcher({ db, notifiers: [notifier], now: clock.now, sleep: clock.sleep, perChannel: 2, owner: "d4" });
    await dispatcher.drain();
    const times = notifier.attempts.filter((a) => a.message.target === busy).map((a) => a.at.getTime());
    expect(times).toHaveLength(4);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_000);
  });
});
