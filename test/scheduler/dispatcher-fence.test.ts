import { expect, it } from "vitest";
import type { Delivery, DeliveryResult, Notifier, OutgoingMessage } from "../../src/core/notifier.ts";
import { enqueue } from "../../src/domain/notifications.ts";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { Dispatcher } from "../../src/scheduler/dispatcher.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { FakeClock, RecordingNotifier } from "../support/recording-notifier.ts";

/** A notifier whose sends wait until the test answers them (or answer at once with `auto`). */
class GatedNotifier implements Notifier {
  readonly platform = "SLACK" as const;
  readonly delivered: string[] = [];
  auto: DeliveryResult | null = null;
  private calls: { key: string; answer(result: DeliveryResult): void }[] = [];
  private taken = 0;

  send(_message: OutgoingMessage, delivery?: Delivery): Promise<DeliveryResult> {
    const key = delivery?.key ?? "";
    return new Promise((resolve) => {
      const answer = (result: DeliveryResult) => {
        if (result.ok) this.delivered.push(key);
        resolve(result);
      };
      if (this.auto) answer(this.auto);
      else this.calls.push({ key, answer });
    });
  }

  /** The next send this notifier got (waits for it). */
  async next(): Promise<{ key: string; answer(result: DeliveryResult): void }> {
    for (let i = 0; i < 500 && this.calls.length <= this.taken; i++) await new Promise((r) => setTimeout(r, 10));
    expect(this.calls.length).toBeGreaterThan(this.taken);
    return this.calls[this.taken++]!;
  }
}

async function queue(db: PrismaClient, targets: string[], perTarget: number): Promise<void> {
  const org = await db.organization.create({ data: { name: `Org ${crypto.randomUUID().slice(0, 6)}` } });
  const rows = targets.flatMap((target) =>
    Array.from({ length: perTarget }, (_, i) => {
      const message: OutgoingMessage = { organizationId: org.id, platform: "SLACK", target, mentions: [], reply: { ok: true, visibility: "channel", summary: `${target}-${i}`, blocks: [] } };
      return { organizationId: org.id, dedupeKey: `test:${crypto.randomUUID()}`, accountId: null, message, notBefore: new Date(0) };
    }),
  );
  await db.$transaction((tx) => enqueue(tx, rows));
}

describeEachDatabase("outbox claims and their fencing tokens", (get) => {
  it("a claim that lapsed and was taken over cannot record its late outcome over the new claim", async () => {
    const db = get().prisma;
    const target = `C${crypto.randomUUID().slice(0, 8)}`;
    await queue(db, [target], 1);
    const clock = new FakeClock(new Date("2026-06-01T10:00:00Z"));
    const slow = new GatedNotifier();
    const fast = new GatedNotifier();
    const a = new Dispatcher({ db, notifiers: [slow], now: clock.now, sleep: clock.sleep, owner: "slow", leaseMs: 60_000 });
    const b = new Dispatcher({ db, notifiers: [fast], now: clock.now, sleep: clock.sleep, owner: "fast", leaseMs: 60_000 });
    // The slow dispatcher claims the row and hangs in its send past the lease…
    const draining = a.drain();
    const late = await slow.next();
    clock.advance(61_000);
    // …another one recovers the row, claims it again and sends it…
    const takeover = b.drain();
    const current = await fast.next();
    expect(current.key).toBe(late.key);
    // …then the slow send fails (a 503): its "retry later" must not touch the new claim,
    late.answer({ ok: false, kind: "transient", error: "HTTP 503" });
    await draining;
    // and the new claim's outcome must be recorded.
    current.answer({ ok: true, externalId: "ts-fast" });
    await takeover;
    slow.auto = fast.auto = { ok: true, externalId: "ts-later" };
    clock.advance(3_600_000);
    await a.drain({ settle: true });
    await b.drain({ settle: true });
    expect([...slow.delivered, ...fast.delivered]).toEqual([late.key]);
    const row = await db.notification.findFirstOrThrow({ where: { target } });
    expect(row).toMatchObject({ status: "SENT", externalId: "ts-fast", claimedBy: "fast" });
  });

  it("three dispatchers never send to one target less than the interval apart, and send each row once", async () => {
    const db = get().prisma;
    const targets = Array.from({ length: 4 }, () => `C${crypto.randomUUID().slice(0, 8)}`);
    await queue(db, targets, 6);
    const clock = new FakeClock(new Date("2026-06-01T10:00:00Z"));
    const notifiers = [0, 1, 2].map(() => new RecordingNotifier("SLACK", clock.now));
    const dispatchers = notifiers.map((n, i) => new Dispatcher({ db, notifiers: [n], now: clock.now, sleep: clock.sleep, owner: `pace-${i}`, perChannel: 2 }));
    await Promise.all(dispatchers.map((d) => d.drain({ settle: true })));
    const attempts = notifiers.flatMap((n) => n.attempts).filter((a) => targets.includes(a.message.target));
    expect(attempts.map((a) => a.message.reply.summary).sort()).toEqual(targets.flatMap((t) => [0, 1, 2, 3, 4, 5].map((i) => `${t}-${i}`)).sort());
    for (const target of targets) {
      const times = attempts.filter((a) => a.message.target === target).map((a) => a.at.getTime()).sort((x, y) => x - y);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_000);
    }
  });
});

describeEachDatabase("outbox outcomes on a platform without lookup", (get) => {
  it("writes each outcome before the next message of the channel is sent (Teams: the at-least-once window is one write)", async () => {
    const db = get().prisma;
    const target = `19:${crypto.randomUUID().slice(0, 8)}@thread.tacv2`;
    const org = await db.organization.create({ data: { name: `Org ${crypto.randomUUID().slice(0, 6)}` } });
    const rows = [0, 1, 2].map((i) => {
      const message: OutgoingMessage = { organizationId: org.id, platform: "TEAMS", target, mentions: [], reply: { ok: true, visibility: "channel", summary: `t${i}`, blocks: [] } };
      return { organizationId: org.id, dedupeKey: `test:${crypto.randomUUID()}`, accountId: null, message, notBefore: new Date(0) };
    });
    await db.$transaction((tx) => enqueue(tx, rows));
    const clock = new FakeClock(new Date("2026-06-01T10:00:00Z"));
    const notifier = new RecordingNotifier("TEAMS", clock.now);
    const unwritten: number[] = [];
    const send = notifier.send.bind(notifier);
    notifier.send = async (message) => {
      // Everything delivered before this message is already recorded as sent.
      const before = new Set(notifier.delivered.map((m) => m.reply.summary));
      const stored = await db.notification.findMany({ where: { target }, select: { status: true, payload: true } });
      unwritten.push(stored.filter((r) => before.has((r.payload as unknown as OutgoingMessage).reply.summary) && r.status !== "SENT").length);
      return send(message);
    };
    const dispatcher = new Dispatcher({ db, notifiers: [notifier], now: clock.now, sleep: clock.sleep, owner: "teams" });
    await dispatcher.drain();
    expect(notifier.delivered).toHaveLength(3);
    expect(unwritten).toEqual([0, 0, 0]);
    expect(await db.notification.count({ where: { target, status: "SENT" } })).toBe(3);
  });
});
