import { expect, it } from "vitest";
import { digestReply } from "../../src/core/messages/digest.ts";
import { bindDigestChannel, buildDigest, unbindDigestChannel } from "../../src/domain/digest.ts";
import { ForbiddenError } from "../../src/domain/errors.ts";
import { runDigestJob } from "../../src/scheduler/digest-job.ts";
import type { Reply } from "../../src/core/reply.ts";
import { replyText } from "../support/chat.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { addMember, addMilestone, scene, type Scene } from "../support/scheduler-fixtures.ts";

const NOW = new Date("2026-11-30T07:00:00Z"); // Monday 08:00 in Berlin

let flagNumber = 0;
async function flag(s: Scene, status: "OPEN" | "ACKNOWLEDGED" | "SNOOZED" | "RESOLVED", severity: "INFO" | "WARNING" | "CRITICAL" = "CRITICAL") {
  const n = ++flagNumber;
  await s.db.flag.create({
    data: {
      organizationId: s.organizationId, number: n, accountId: s.accountId, rule: "invoice.overdue", severity, subjectType: "Invoice",
      subjectId: `inv-${n}`, dedupeKey: `invoice.overdue:inv-${n}`, status, ...(status === "SNOOZED" ? { snoozedUntil: new Date("2026-12-05T00:00:00Z") } : {}),
    },
  });
}

const actorOf = (s: Scene) => ({ organizationId: s.organizationId, memberId: s.managerId, platform: "SLACK" as const, now: NOW });

describeEachDatabase("the managers' digest", (get) => {
  it("lists overdue milestones with their days overdue, and counts acknowledged and snoozed flags apart from open ones", async () => {
    const db = get().prisma;
    const s = await scene(db, { timeZone: "Europe/Berlin" });
    await addMilestone(s, { dueOn: "2026-11-26" }); // four days overdue
    await addMilestone(s, { dueOn: "2026-12-03" }); // ahead
    await addMilestone(s, { dueOn: "2026-11-20", status: "DONE" }); // done: not listed
    await flag(s, "OPEN");
    await flag(s, "ACKNOWLEDGED");
    await flag(s, "SNOOZED", "WARNING");
    await flag(s, "RESOLVED");
    const data = await buildDigest(db, s.organizationId, { now: NOW });
    const account = data.accounts.find((a) => a.accountId === s.accountId)!;
    expect(account.deadlines.filter((d) => d.kind === "milestone").map((d) => [d.day, d.overdueDays])).toEqual([["2026-11-26", 4], ["2026-12-03", 0]]);
    expect(account.openFlags).toEqual({ total: 1, bySeverity: { INFO: 0, WARNING: 0, CRITICAL: 1 } });
    expect(account.knownFlags).toBe(2);

    const text = replyText(digestReply(data, "en", "Europe/Berlin"));
    expect(text).toMatch(/Overdue, and due in the next 14 days/);
    expect(text).toMatch(/26 Nov 2026 · Milestone M-\d+ “Pilot” \(Rollout\) — overdue by 4 days/);
    expect(text).toMatch(/3 Dec 2026 · Milestone M-\d+ “Pilot” \(Rollout\)\n/);
    expect(text).toMatch(/Open flags: 1 \(1 Critical\)/);
    expect(text).toMatch(/Acknowledged or snoozed: 2/);
    expect(text).toMatch(/Open flags leave out the ones someone acknowledged or snoozed/);
    const german = replyText(digestReply(data, "de", "Europe/Berlin"));
    expect(german).toMatch(/Zur Kenntnis genommen oder zurückgestellt: 2[\s\S]*26\.11\.2026 · Meilenstein M-\d+ „Pilot“ \(Rollout\) — seit 4 Tagen überfällig/);
  });

  it("an account whose only business is an overdue milestone is in the digest", async () => {
    const db = get().prisma;
    const s = await scene(db, { timeZone: "Europe/Berlin" });
    await addMilestone(s, { dueOn: "2026-10-01" });
    const data = await buildDigest(db, s.organizationId, { now: NOW });
    expect(replyText(digestReply(data, "en", "Europe/Berlin"))).toMatch(/overdue by 60 days/);
  });

  it("goes to the channels bound with digest bind, once per day; unbound, it goes nowhere", async () => {
    const db = get().prisma;
    const s = await scene(db, { timeZone: "Europe/Berlin", workingDays: [1, 2, 3, 4, 5] });
    expect(await runDigestJob(db, s.organizationId, { now: NOW })).toMatchObject({ targets: [], notifications: 0 });
    const first = await bindDigestChannel(db, actorOf(s), { platform: "SLACK", channelId: "C0MANAGERS" });
    expect(first).toMatchObject({ created: true, switchedFromDirect: false, channels: 1, weekday: 1, hour: 8, timeZone: "Europe/Berlin" });
    expect(await bindDigestChannel(db, actorOf(s), { platform: "SLACK", channelId: "C0MANAGERS" })).toMatchObject({ created: false, channels: 1 });
    await bindDigestChannel(db, actorOf(s), { platform: "TEAMS", channelId: "19:managers@thread.tacv2" });
    const run = await runDigestJob(db, s.organizationId, { now: NOW });
    expect(run).toMatchObject({ targets: ["SLACK:C0MANAGERS", "TEAMS:19:managers@thread.tacv2"], notifications: 2 });
    const rows = await db.notification.findMany({ where: { organizationId: s.organizationId }, orderBy: { platform: "asc" } });
    expect(rows.map((r) => [r.platform, r.target, r.nextAttemptAt.toISOString()])).toEqual([
      ["SLACK", "C0MANAGERS", NOW.toISOString()],
      ["TEAMS", "19:managers@thread.tacv2", NOW.toISOString()],
    ]);
    expect((rows[0]!.payload as unknown as { reply: Reply }).reply.summary).toBe("Weekly digest — 30 Nov 2026");
    // A second run on the same day adds nothing.
    expect(await runDigestJob(db, s.organizationId, { now: new Date(NOW.getTime() + 3_600_000) })).toMatchObject({ notifications: 0 });
    expect(await db.auditEvent.count({ where: { organizationId: s.organizationId, action: "digest.bind" } })).toBe(2);

    expect(await unbindDigestChannel(db, actorOf(s), { platform: "TEAMS", channelId: "19:managers@thread.tacv2" })).toEqual({ removed: true });
    expect(await unbindDigestChannel(db, actorOf(s), { platform: "TEAMS", channelId: "19:managers@thread.tacv2" })).toEqual({ removed: false });
    expect((await runDigestJob(db, s.organizationId, { now: new Date("2026-12-07T07:00:00Z") })).targets).toEqual(["SLACK:C0MANAGERS"]);
  });

  it("binding a channel while the digest went to direct chats switches it to channels; members who are not managers may not bind", async () => {
    const db = get().prisma;
    const s = await scene(db, { timeZone: "Europe/Berlin" });
    await db.organization.update({ where: { id: s.organizationId }, data: { digestTarget: "DIRECT" } });
    const { member } = await addMember(s, { name: "Sam Sales" });
    const refused = await bindDigestChannel(db, { ...actorOf(s), memberId: member.id }, { platform: "SLACK", channelId: "C0X" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect(await db.channelBinding.count({ where: { organizationId: s.organizationId, purpose: "DIGEST" } })).toBe(0);
    expect(await bindDigestChannel(db, actorOf(s), { platform: "SLACK", channelId: "C0MANAGERS" })).toMatchObject({ switchedFromDirect: true });
    expect((await db.organization.findUniqueOrThrow({ where: { id: s.organizationId } })).digestTarget).toBe("CHANNEL");
  });
});
