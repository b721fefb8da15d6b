import { expect, it } from "vitest";
import { runChecks, runReminders } from "../../src/domain/checks.ts";
import { acknowledgeFlag, listFlags, muteAccount, showFlag, snoozeFlag } from "../../src/domain/flags.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { addCase, addInvoice, addMember, addMilestone, scene } from "../support/scheduler-fixtures.ts";
import { TEST_NOW } from "../support/clock.ts";
import type { OutboxPayload } from "../../src/domain/notifications.ts";
import { Readers } from "../../src/scheduler/readers.ts";
import type { Block } from "../../src/core/reply.ts";

const buttonsOf = (blocks: Block[]) => blocks.flatMap((b) => (b.kind === "actions" ? b.buttons : []));
const textOf = (blocks: Block[]) => blocks.map((b) => (b.kind === "text" || b.kind === "heading" ? b.text : b.kind === "list" ? b.items.join("\n") : "")).join("\n");

const system = (organizationId: string, now: Date = TEST_NOW): Actor => ({ organizationId, memberId: null, platform: null, now });

describeEachDatabase("checks: flags and alerts", (get) => {
  it("opens flags, sends one message per account per run, and nothing new when run again", async () => {
    const db = get().prisma;
    const s = await scene(db);
    await addInvoice(s, { issuedOn: "2026-05-01", dueOn: "2026-05-31" });
    await addCase(s, { slaDueAt: new Date("2026-06-01T08:00:00Z") });
    const now = new Date("2026-06-02T10:00:00Z");
    const first = await runChecks(db, s.organizationId, { now });
    expect(first).toMatchObject({ opened: 3, notifications: 1 }); // overdue, no order, case SLA
    const rows = await db.notification.findMany({ where: { organizationId: s.organizationId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ platform: "SLACK", target: s.channelId, accountId: s.accountId });
    // Stored as data (rendered at delivery, in the reader's language), not as text.
    const stored = rows[0]!.payload as unknown as OutboxPayload;
    expect(stored.reply).toBeUndefined();
    expect(stored.announcement).toMatchObject({ kind: "alerts", items: expect.arrayContaining([expect.objectContaining({ message: "rule.invoiceOverdue", params: expect.objectContaining({ currency: "EUR" }) })]) });
    const payload = await new Readers(db).outgoing(stored);
    expect(payload.mentions).toEqual([{ userId: s.managerSlackId, name: "Mia Manager" }]);
    const commands = buttonsOf(payload.reply.blocks).map((b) => b.command);
    expect(commands).toEqual(expect.arrayContaining([expect.stringMatching(/^flag ack \d+$/), expect.stringMatching(/^flag snooze \d+ 1d$/), expect.stringMatching(/^flag snooze \d+ 1w$/), expect.stringMatching(/^flag show \d+$/)]));

    const again = await runChecks(db, s.organizationId, { now: new Date("2026-06-02T11:00:00Z") });
    expect(again).toMatchObject({ opened: 0, notifications: 0, announced: [] });
    expect(await db.notification.count({ where: { organizationId: s.organizationId } })).toBe(1);
  });

  it("does not resend acknowledged flags, resends when severity rises, resolves flags that no longer hold", async () => {
    const db = get().prisma;
    const s = await scene(db);
    const invoice = await addInvoice(s, { issuedOn: "2026-05-01", dueOn: "2026-05-31", orderId: null });
    await runChecks(db, s.organizationId, { now: new Date("2026-06-02T10:00:00Z") });
    const overdue = await db.flag.findFirstOrThrow({ where: { organizationId: s.organizationId, rule: "invoice.overdue" } });
    expect(overdue).toMatchObject({ status: "OPEN", severity: "WARNING", notifiedSeverity: "WARNING" });
    await acknowledgeFlag(db, system(s.organizationId), { flag: `F-${overdue.number}` });
    // Still overdue a day later: acknowledged, not sent again, not rewritten only because a day
    // went by; what people see counts the days as of when they look.
    expect((await runChecks(db, s.organizationId, { now: new Date("2026-06-03T10:00:00Z") })).notifications).toBe(0);
    expect(await db.flag.findUniqueOrThrow({ where: { id: overdue.id } })).toMatchObject({ status: "ACKNOWLEDGED", params: expect.objectContaining({ days: 2 }) });
    const shown = await showFlag(db, system(s.organizationId, new Date("2026-06-03T10:00:00Z")), { flag: `F-${overdue.number}` });
    expect(shown.params).toMatchObject({ days: 3, dueOn: "2026-05-31" });
    expect(shown.lastSeenAt).toEqual(new Date("2026-06-03T10:00:00Z")); // found by that sweep, kept by the organization
    const listed = await listFlags(db, system(s.organizationId, new Date("2026-06-09T10:00:00Z")), {});
    expect(listed.flags.find((f) => f.number === overdue.number)?.params).toMatchObject({ days: 9 });
    // 30 days overdue: critical, sent again.
    const worse = await runChecks(db, s.organizationId, { now: new Date("2026-06-30T10:00:00Z") });
    expect(worse.announced.map((a) => a.rule)).toEqual(["invoice.overdue"]);
    expect(worse.notifications).toBe(1);
    // Paid: resolved automatically.
    await db.invoice.update({ where: { id: invoice.id }, data: { paidOn: new Date("2026-06-30T00:00:00Z") } });
    const paid = await runChecks(db, s.organizationId, { now: new Date("2026-06-30T11:00:00Z") });
    expect(paid.resolved).toBe(1);
    // Last seen by the sweep before the one that resolved it, and shown as it was then.
    expect(await db.flag.findUniqueOrThrow({ where: { id: overdue.id } })).toMatchObject({ status: "RESOLVED", lastSeenAt: new Date("2026-06-30T10:00:00Z") });
    const resolved = await showFlag(db, system(s.organizationId, new Date("2026-09-01T10:00:00Z")), { flag: `F-${overdue.number}` });
    expect(resolved.params).toMatchObject({ days: 30 });
  });

  it("brings a snoozed flag back when the snooze ends, and keeps muted accounts' flags without sending", async () => {
    const db = get().prisma;
    const s = await scene(db);
    await addInvoice(s, { issuedOn: "2026-05-01", dueOn: "2026-05-31" });
    const start = new Date("2026-06-02T10:00:00Z");
    await runChecks(db, s.organizationId, { now: start });
    const flags = await db.flag.findMany({ where: { organizationId: s.organizationId } });
    const until = new Date(start.getTime() + 86_400_000);
    for (const f of flags) await snoozeFlag(db, system(s.organizationId, start), { flag: String(f.number), until });
    expect((await runChecks(db, s.organizationId, { now: new Date(until.getTime() - 60_000) })).notifications).toBe(0);
    const back = await runChecks(db, s.organizationId, { now: new Date(until.getTime() + 60_000) });
    expect(back.announced).toHaveLength(flags.length);
    expect(back.notifications).toBe(1);

    await muteAccount(db, system(s.organizationId, start), { account: s.accountId, until: new Date(start.getTime() + 7 * 86_400_000) });
    await addCase(s, { slaDueAt: new Date(start.getTime() - 60_000) });
    const muted = await runChecks(db, s.organizationId, { now: new Date(until.getTime() + 120_000) });
    expect(muted).toMatchObject({ opened: 1, muted: 1, notifications: 0 });
    const listed = await listFlags(db, system(s.organizationId, new Date(until.getTime() + 120_000)), { account: s.accountId });
    expect(listed.flags.map((f) => f.rule)).toContain("case.sla");
  });

  it("defers alerts found during quiet hours to the morning, in the organization's zone", async () => {
    const db = get().prisma;
    const s = await scene(db, { timeZone: "Europe/Berlin", quiet: [20, 7] });
    await addInvoice(s, { issuedOn: "2026-05-01", dueOn: "2026-05-31" });
    await runChecks(db, s.organizationId, { now: new Date("2026-06-02T21:30:00Z") }); // 23:30 in Berlin
    const row = await db.notification.findFirstOrThrow({ where: { organizationId: s.organizationId } });
    expect(row.nextAttemptAt.toISOString()).toBe("2026-06-03T05:00:00.000Z"); // 07:00 in Berlin
  });

  it("sends reminders once per stage, to the channel or directly to a member who chose DIRECT", async () => {
    const db = get().prisma;
    const s = await scene(db);
    const { member: direct, externalId } = await addMember(s, { name: "Dora Direct", deliverVia: "DIRECT" });
    const { member: teams } = await addMember(s, { name: "Tom Teams", deliverVia: "DIRECT", platform: "TEAMS", personalConversation: "a:1personal" });
    await addMilestone(s, { dueOn: "2026-06-10", ownerId: s.managerId });
    await addMilestone(s, { dueOn: "2026-06-10", ownerId: direct.id });
    await addMilestone(s, { dueOn: "2026-06-10", ownerId: teams.id });
    const now = new Date("2026-06-03T07:00:00Z");
    const first = await runReminders(db, s.organizationId, { now });
    expect(first.notifications).toBe(3);
    const rows = await db.notification.findMany({ where: { organizationId: s.organizationId }, orderBy: { target: "asc" } });
    expect(rows.map((r) => `${r.platform}:${r.target}`).sort()).toEqual([`SLACK:${externalId}`, `SLACK:${s.channelId}`, "TEAMS:a:1personal"].sort());
    const readers = new Readers(db);
    const channel = await readers.outgoing(rows.find((r) => r.target === s.channelId)!.payload as unknown as OutboxPayload);
    expect(buttonsOf(channel.reply.blocks).map((b) => b.command)).toEqual([expect.stringMatching(/^milestone done \d+$/)]);
    // Rendered at delivery for its reader: the channel in the organization's language, a direct
    // message in the member's own (chosen after the row was written).
    await db.member.update({ where: { id: direct.id }, data: { locale: "de", timeZone: "Europe/Berlin" } });
    const dm = await new Readers(db).outgoing(rows.find((r) => r.target === externalId)!.payload as unknown as OutboxPayload);
    expect(textOf(dm.reply.blocks)).toMatch(/Meilenstein M-\d+ „.+“ von Projekt P-\d+ .+ ist in 7 Tagen fällig \(10\.06\.2026\)/);
    expect(dm.reply.locale).toBe("de");
    expect(textOf(channel.reply.blocks)).toMatch(/Milestone M-\d+ “.+” of project P-\d+ .+ is due in 7 days \(10 Jun 2026\)/);
    expect((await runReminders(db, s.organizationId, { now: new Date("2026-06-03T08:00:00Z") })).notifications).toBe(0);
    // Next stage (3 days) is a new reminder.
    expect((await runReminders(db, s.organizationId, { now: new Date("2026-06-07T07:00:00Z") })).notifications).toBe(3);
  });
});
