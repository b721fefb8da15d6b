import { expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { runReminders } from "../../src/domain/checks.ts";
import { chat, replyText } from "../support/chat.ts";
import { TEST_NOW } from "../support/clock.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { footprint, twoOrganizations } from "../support/domain-fixtures.ts";
import { newMember } from "../support/fixtures.ts";

// TEST_NOW is Thursday 2026-11-26; every date below is after it.
async function changesOf(db: PrismaClient, entityId: string) {
  return db.auditEvent.findMany({ where: { entityId }, orderBy: { createdAt: "asc" } });
}

async function projectWithMilestones(db: PrismaClient, actor: Actor) {
  const kam = chat(db, actor);
  expect((await kam.say('project add "ACME Holding GmbH" Rollout due 2026-12-31')).ok).toBe(true);
  expect((await kam.say("milestone add P-1 Pilot due 2026-11-28")).ok).toBe(true);
  expect((await kam.say("milestone add P-1 Training due 2026-12-15")).ok).toBe(true);
  return kam;
}

describeEachDatabase("milestones and projects change from chat", (get) => {
  it("moves a milestone, audits the diff with the new version, and announces the new date afresh", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const kam = await projectWithMilestones(db, a.actor);
    const pilot = await db.milestone.findFirstOrThrow({ where: { organizationId: a.org.id, number: 1 } });
    expect((await chat(db, a.actor, { channelId: "C0ACME" }).say('account bind "ACME Holding GmbH"')).ok).toBe(true);

    // Due in two days: the 3-day stage goes out once.
    expect((await runReminders(db, a.org.id, { now: TEST_NOW })).due).toBeGreaterThan(0);
    expect(await db.reminderLog.count({ where: { subjectId: pilot.id } })).toBe(1);

    const moved = await kam.say("milestone move M-1 due 2026-12-20");
    expect(moved.ok).toBe(true);
    expect(replyText(moved)).toMatch(/Milestone M-1 Pilot moved from .* to .*20.*/);
    const after = await db.milestone.findUniqueOrThrow({ where: { id: pilot.id } });
    expect(after.dueOn.toISOString().slice(0, 10)).toBe("2026-12-20");
    expect(after.version).toBe(2);
    const [, change] = await changesOf(db, pilot.id);
    expect(change).toMatchObject({ action: "milestone.move", entityType: "Milestone", actorId: a.admin.id, platform: "SLACK" });
    expect(change!.data).toMatchObject({
      version: 2,
      changes: { dueOn: { before: "2026-11-28T00:00:00.000Z", after: "2026-12-20T00:00:00.000Z" } },
    });
    // The old date's stages are forgotten; 24 days out nothing is due, 5 days before the new date the 7-day stage is.
    expect(await db.reminderLog.count({ where: { subjectId: pilot.id } })).toBe(0);
    await runReminders(db, a.org.id, { now: TEST_NOW });
    expect(await db.reminderLog.count({ where: { subjectId: pilot.id } })).toBe(0);
    await runReminders(db, a.org.id, { now: new Date("2026-12-15T10:00:00Z") });
    expect((await db.reminderLog.findMany({ where: { subjectId: pilot.id } })).map((r) => r.dedupeKey)).toEqual([`milestone.due:${pilot.id}:d7`]);

    // Refusals: a past date, no date, an unknown milestone; nothing written.
    const before = await footprint(db, a.org.id);
    expect(replyText(await kam.say("milestone move M-1 due 2026-11-01"))).toMatch(/before today|in the past|vor heute/i);
    expect(replyText(await kam.say("milestone move M-1"))).toMatch(/Missing/);
    expect(replyText(await kam.say("milestone move M-99 due 2026-12-20"))).toMatch(/I found no milestone "M-99"/);
    expect(replyText(await kam.say("milestone move M-1 due 2026-12-20"))).toMatch(/M-1 already has that value/);
    expect(await footprint(db, a.org.id)).toEqual(before);
  });

  it("sets an owner and reopens a done milestone, in English and German", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const kam = await projectWithMilestones(db, a.actor);
    const owner = await kam.say("milestone owner M-2 Cem");
    expect(replyText(owner)).toMatch(/Cem Service now owns milestone M-2 Training/);
    const training = await db.milestone.findFirstOrThrow({ where: { organizationId: a.org.id, number: 2 } });
    expect(training).toMatchObject({ ownerId: a.service.member.id, version: 2 });
    const audit = (await changesOf(db, training.id)).at(-1)!;
    expect(audit.data).toMatchObject({ version: 2, changes: { ownerId: { before: null, after: a.service.member.id } } });

    expect(replyText(await kam.say("milestone reopen M-2"))).toMatch(/Milestone M-2 is already open/);
    await kam.say("milestone done M-2");
    expect((await kam.say("settings language de")).ok).toBe(true);
    const reopened = await kam.say("milestone reopen M-2");
    expect(replyText(reopened)).toMatch(/Meilenstein M-2 Training ist wieder offen/);
    const open = await db.milestone.findUniqueOrThrow({ where: { id: training.id } });
    expect(open).toMatchObject({ status: "OPEN", doneAt: null, version: 4 });
    const reopenAudit = (await changesOf(db, training.id)).at(-1)!;
    expect(reopenAudit.action).toBe("milestone.reopen");
    expect(reopenAudit.data).toMatchObject({ version: 4, changes: { status: { before: "DONE", after: "OPEN" } } });
    expect((reopenAudit.data as { changes: Record<string, { before: unknown }> }).changes.doneAt!.before).toBe(TEST_NOW.toISOString());
    expect(replyText(await kam.say("milestone owner M-2 Niemand"))).toMatch(/keine Person|Niemand/);
    expect(replyText(await kam.say("milestone move M-2 due 2027-01-10"))).toMatch(/Meilenstein M-2 Training von .* auf .* verschoben/);
  });

  it("closes a project: its open milestones are cancelled, no reminder goes out, a cancelled one cannot be reopened", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const kam = await projectWithMilestones(db, a.actor);
    await kam.say("milestone done M-2");
    const closed = await kam.say("project close P-1");
    expect(closed.ok).toBe(true);
    expect(replyText(closed)).toMatch(/Project P-1 Rollout \(ACME Holding GmbH\) is closed/);
    expect(replyText(closed)).toMatch(/Its open milestone M-1 was cancelled with it/);
    const project = await db.project.findFirstOrThrow({ where: { organizationId: a.org.id, number: 1 } });
    expect(project).toMatchObject({ status: "DONE", version: 2 });
    const milestones = await db.milestone.findMany({ where: { projectId: project.id }, orderBy: { number: "asc" } });
    expect(milestones.map((m) => [m.number, m.status, m.version])).toEqual([[1, "CANCELLED", 2], [2, "DONE", 2]]);

    const projectAudit = (await changesOf(db, project.id)).at(-1)!;
    expect(projectAudit.action).toBe("project.close");
    expect(projectAudit.data).toMatchObject({
      version: 2, changes: { status: { before: "OPEN", after: "DONE" } }, cancelledMilestones: ["M-1"], undoable: false, undoReason: "undo.reason.projectMilestones",
    });
    const msAudit = (await changesOf(db, milestones[0]!.id)).at(-1)!;
    expect(msAudit.data).toMatchObject({ version: 2, changes: { status: { before: "OPEN", after: "CANCELLED" } }, undoable: false });

    expect((await runReminders(db, a.org.id, { now: TEST_NOW })).due).toBe(0);
    expect(replyText(await kam.say("milestone reopen M-1"))).toMatch(/Project P-1 is closed, so milestone M-1 cannot be reopened/);
    expect(replyText(await kam.say("milestone move M-1 due 2026-12-20"))).toMatch(/Milestone M-1 is not open/);
    expect(replyText(await kam.say("project close Rollout"))).toMatch(/Project P-1 is already closed/);

    expect((await kam.say("settings language de")).ok).toBe(true);
    await kam.say('project add "ACME Holding GmbH" Zweitprojekt due 2026-12-31');
    expect(replyText(await kam.say("project close P-2"))).toMatch(/Projekt P-2 Zweitprojekt \(ACME Holding GmbH\) ist abgeschlossen/);
  });

  it("keeps viewers, outsiders and other organizations out", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    await projectWithMilestones(db, a.actor);
    const before = await footprint(db, a.org.id);
    const other = chat(db, a.b.actor);
    for (const line of ["milestone move M-1 due 2026-12-20", "milestone owner M-1 Ada", "milestone reopen M-1", "project close P-1", "project close Rollout"]) {
      const answer = await other.say(line);
      expect(answer.ok, line).toBe(false);
      expect(replyText(answer), line).toMatch(/I found no (milestone|project)/);
    }
    for (const who of [a.viewer.actor, a.outsider.actor]) {
      const answer = await chat(db, who).say("milestone move M-1 due 2026-12-20");
      expect(replyText(answer)).toMatch(/not allowed/);
      expect(replyText(await chat(db, who).say("project close P-1"))).toMatch(/not allowed/);
    }
    // Another organization's member cannot be made owner: "not found", nothing written.
    await newMember(db, a.b.org.id, "Bruno Beyond");
    expect(replyText(await chat(db, a.actor).say("milestone owner M-1 Bruno"))).toMatch(/I found no member "Bruno"/);
    expect(await footprint(db, a.org.id)).toEqual(before);
    expect(await db.milestone.count({ where: { organizationId: a.org.id, ownerId: { not: null } } })).toBe(0);
  });
});
