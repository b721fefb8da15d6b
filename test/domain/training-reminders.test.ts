import { expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { announcementReply } from "../../src/core/messages/announcement.ts";
import { findingText, messageContext } from "../../src/core/messages/format.ts";
import type { OutboxPayload } from "../../src/domain/notifications.ts";
import { trainingReminderDay } from "../../src/domain/rules/training-due.ts";
import { runTrainingReminders } from "../../src/domain/training-reminders.ts";
import { runJob } from "../../src/scheduler/jobs.ts";
import { chat, replyText } from "../support/chat.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { twoOrganizations } from "../support/domain-fixtures.ts";

const WEEKDAYS = [1, 2, 3, 4, 5];

async function setup(db: PrismaClient) {
  const a = await twoOrganizations(db);
  await db.organization.update({ where: { id: a.org.id }, data: { timeZone: "Europe/Berlin" } });
  const kam = chat(db, a.actor);
  expect((await chat(db, a.actor, { channelId: "C0ACME" }).say('account bind "ACME Holding GmbH"')).ok).toBe(true);
  const run = (iso: string) => runTrainingReminders(db, a.org.id, { now: new Date(iso) });
  const rows = async (trainingNumber: number) => {
    const t = await db.training.findFirstOrThrow({ where: { organizationId: a.org.id, number: trainingNumber } });
    return db.notification.findMany({ where: { organizationId: a.org.id, dedupeKey: { contains: t.id } }, orderBy: { createdAt: "asc" } });
  };
  return { ...a, kam, run, rows };
}

describeEachDatabase("training reminders", (get) => {
  it("reminds the working day before, once, in the account's channel with the trainer mentioned and the three buttons", async () => {
    const db = get().prisma;
    const s = await setup(db);
    // Tuesday 1 Dec 2026, 10:00 Berlin: reminded on Monday 30 Nov.
    expect((await s.kam.say("training plan acme Onboarding on 2026-12-01 10:00 for 8 people trainer Cem at Plant 2")).ok).toBe(true);
    expect((await s.run("2026-11-27T08:00:00Z")).due).toBe(0);
    expect((await s.run("2026-11-29T08:00:00Z")).due).toBe(0);
    const monday = await s.run("2026-11-30T08:00:00Z");
    expect(monday).toMatchObject({ due: 1, notifications: 1, announced: [{ ref: "T-1", accountName: "ACME Holding GmbH" }] });
    expect(monday.dueItems[0]).toMatchObject({ stage: "2026-11-30", delivery: "sent", to: ["SLACK C0ACME"] });
    // As `kam jobs run reminders` prints it.
    expect(findingText(messageContext("en", "Europe/Berlin"), monday.dueItems[0]!.message, monday.dueItems[0]!.params)).toMatch(/^Training T-1 Onboarding starts 1 Dec 2026, 10:00\.$/);
    // Exactly once: the same day again, the next hours, and the training day itself add nothing.
    expect((await s.run("2026-11-30T08:00:00Z")).due).toBe(0);
    expect((await s.run("2026-11-30T15:00:00Z")).due).toBe(0);
    expect((await s.run("2026-12-01T07:00:00Z")).due).toBe(0);
    const [row, ...more] = await s.rows(1);
    expect(more).toEqual([]);
    const payload = row!.payload as unknown as OutboxPayload;
    expect(payload).toMatchObject({ platform: "SLACK", target: "C0ACME", announcement: { kind: "training", number: 1, trainerName: "Cem Service", people: 8, place: "Plant 2" } });
    expect(payload.mentions.map((m) => m.name)).toEqual(["Cem Service"]);
    expect(await db.reminderLog.count({ where: { organizationId: s.org.id, subjectType: "Training" } })).toBe(1);

    // Rendered at delivery, in English and German, with Done, Move and Cancel.
    const en = announcementReply(payload.announcement!, "en", "Europe/Berlin");
    expect(replyText(en)).toMatch(/Training on Tue, 1 Dec 2026, 10:00 for ACME Holding GmbH/);
    expect(replyText(en)).toMatch(/T-1 Onboarding starts Tue, 1 Dec 2026, 10:00/);
    const buttons = en.blocks.flatMap((b) => (b.kind === "actions" ? b.buttons : []));
    expect(buttons.map((b) => b.command)).toEqual(["training done T-1", "training move T-1", "training cancel T-1"]);
    expect(buttons[2]!.confirm).toBeDefined();
    expect(en.blocks.some((b) => b.kind === "mention" && b.memberIds.includes(s.service.member.id))).toBe(true);
    expect(replyText(announcementReply(payload.announcement!, "de", "Europe/Berlin"))).toMatch(/Schulung am Di\., 1\. Dez\. 2026, 10:00 für ACME Holding GmbH/);
  });

  it("reminds a Monday training on the Friday before, across a weekend", async () => {
    const db = get().prisma;
    const s = await setup(db);
    await s.kam.say("training plan acme Kickoff on 2026-12-07 09:00");
    expect(trainingReminderDay(new Date("2026-12-07T08:00:00Z"), "Europe/Berlin", WEEKDAYS)).toBe("2026-12-04");
    expect((await s.run("2026-12-03T08:00:00Z")).due).toBe(0);
    expect((await s.run("2026-12-04T08:00:00Z")).due).toBe(1);
    expect((await s.run("2026-12-05T08:00:00Z")).due).toBe(0);
    expect((await s.run("2026-12-06T08:00:00Z")).due).toBe(0);
    expect((await s.run("2026-12-07T06:00:00Z")).due).toBe(0);
    expect(await s.rows(1)).toHaveLength(1);
    // No trainer: the account managers are mentioned (none here), and the organization's working days count.
    await db.organization.update({ where: { id: s.org.id }, data: { workingDays: [1, 2, 3, 4, 5, 6] } });
    expect(trainingReminderDay(new Date("2026-12-07T08:00:00Z"), "Europe/Berlin", [1, 2, 3, 4, 5, 6])).toBe("2026-12-05");
    // After downtime (kam down on Friday) the reminder still goes out before the training.
    await s.kam.say("training plan acme Followup on 2026-12-14 09:00");
    expect((await s.run("2026-12-14T07:00:00Z")).due).toBe(1);
  });

  it("keeps to local days across the DST changes in Berlin (last Sundays of March and October)", async () => {
    const db = get().prisma;
    const s = await setup(db);
    // Monday 29 March 2027 00:30 CEST is Sunday 22:30 UTC: still a Monday training, reminded on Friday 26 March.
    await s.kam.say("training plan acme Night on 2027-03-29 00:30");
    const night = await db.training.findFirstOrThrow({ where: { organizationId: s.org.id, number: 1 } });
    expect(night.startsAt.toISOString()).toBe("2027-03-28T22:30:00.000Z");
    expect(trainingReminderDay(night.startsAt, "Europe/Berlin", WEEKDAYS)).toBe("2027-03-26");
    expect((await s.run("2027-03-25T08:00:00Z")).due).toBe(0);
    expect((await s.run("2027-03-26T08:00:00Z")).due).toBe(1);
    expect((await s.run("2027-03-28T21:00:00Z")).due).toBe(0);
    // Monday 1 November 2027 08:00 CET, after the change back on Sunday 31 October: Friday 29 October (CEST).
    await s.kam.say("training plan acme Autumn on 2027-11-01 08:00");
    expect(trainingReminderDay(new Date("2027-11-01T07:00:00Z"), "Europe/Berlin", WEEKDAYS)).toBe("2027-10-29");
    expect((await s.run("2027-10-28T07:00:00Z")).due).toBe(0);
    // 29 October 00:30 CEST is 28 October 22:30 UTC: the Friday in Berlin.
    expect((await s.run("2027-10-28T22:30:00Z")).due).toBe(1);
    expect((await s.run("2027-10-29T07:00:00Z")).due).toBe(0);
  });

  it("re-arms the reminder when a training moves, and stays quiet for cancelled trainings and muted accounts", async () => {
    const db = get().prisma;
    const s = await setup(db);
    await s.kam.say("training plan acme Onboarding on 2026-12-01 10:00");
    await s.kam.say("training plan acme Dropped on 2026-12-01 14:00");
    expect((await s.kam.say("training cancel T-2 no budget")).ok).toBe(true);
    expect((await s.run("2026-11-30T08:00:00Z")).dueItems.map((d) => d.ref)).toEqual(["T-1"]);
    expect(await db.reminderLog.count({ where: { subjectType: "Training", organizationId: s.org.id } })).toBe(1);

    // Moved to Thursday 3 Dec: the reminder is sent again on Wednesday 2 Dec, once.
    const mover = chat(db, { ...s.actor, now: new Date("2026-11-30T09:00:00Z") });
    expect((await mover.say("training move T-1 to 2026-12-03 10:00")).ok).toBe(true);
    expect(await db.reminderLog.count({ where: { subjectType: "Training", organizationId: s.org.id } })).toBe(0);
    expect((await s.run("2026-12-01T08:00:00Z")).due).toBe(0);
    expect((await s.run("2026-12-02T08:00:00Z")).due).toBe(1);
    expect((await s.run("2026-12-02T09:00:00Z")).due).toBe(0);
    expect(await s.rows(1)).toHaveLength(2);
    expect(await s.rows(2)).toHaveLength(0);
    // Undoing the move puts the old start back and re-arms its reminder too.
    expect((await mover.say("undo")).ok).toBe(true);
    expect((await db.training.findFirstOrThrow({ where: { organizationId: s.org.id, number: 1 } })).startsAt.toISOString()).toBe("2026-12-01T09:00:00.000Z");
    expect(await db.reminderLog.count({ where: { subjectType: "Training", organizationId: s.org.id } })).toBe(0);

    // A muted account hears nothing and nothing is marked sent: it goes out once the mute ends.
    await s.kam.say("training plan acme Later on 2026-12-10 10:00");
    await db.account.update({ where: { id: s.account.id }, data: { mutedUntil: new Date("2026-12-09T12:00:00Z") } });
    expect((await s.run("2026-12-09T08:00:00Z"))).toMatchObject({ due: 1, muted: 1, notifications: 0 });
    expect((await s.run("2026-12-09T13:00:00Z"))).toMatchObject({ due: 1, muted: 0, notifications: 1 });
  });

  it("also goes to the trainer's direct chat when they chose direct delivery, and counts in the reminder job", async () => {
    const db = get().prisma;
    const s = await setup(db);
    await db.member.update({ where: { id: s.service.member.id }, data: { deliverVia: "DIRECT" } });
    const slackUser = await db.memberIdentity.findFirstOrThrow({ where: { memberId: s.service.member.id, platform: "SLACK" } });
    await s.kam.say("training plan acme Onboarding on 2026-12-01 10:00 trainer Cem online");
    const spec = { name: `reminders:${s.org.id}`, kind: "reminders" as const, organizationId: s.org.id, organizationName: "Test Org", expression: "0 9 * * 1-5", timeZone: "Europe/Berlin" };
    const summary = await runJob(db, spec, { now: new Date("2026-11-30T08:00:00Z") });
    expect(summary.kind === "reminders" && summary.result.announced.map((x) => x.ref)).toEqual(["T-1"]);
    const targets = (await s.rows(1)).map((r) => r.target).sort();
    expect(targets).toEqual(["C0ACME", slackUser.externalId].sort());
    const direct = (await s.rows(1)).find((r) => r.target === slackUser.externalId)!;
    expect(direct.payload).toMatchObject({ memberId: s.service.member.id, announcement: { online: true } });
    expect((await runJob(db, spec, { now: new Date("2026-11-30T08:00:00Z") })).kind === "reminders").toBe(true);
    expect(await s.rows(1)).toHaveLength(2);
  });
});
