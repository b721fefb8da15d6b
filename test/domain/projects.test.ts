import { expect, it } from "vitest";
import { AmbiguousError, ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../../src/domain/errors.ts";
import { addMilestone, addProject, completeMilestone, listDeadlines, listMilestones } from "../../src/domain/projects.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { footprint, rejects, twoOrganizations } from "../support/domain-fixtures.ts";

const day = (d: Date) => d.toISOString().slice(0, 10);

describeEachDatabase("projects and milestones", (get) => {
  it("adds projects and milestones, numbered per organization, referenced by number or name, with audit events", async () => {
    const db = get().prisma;
    const { actor, account, admin } = await twoOrganizations(db);
    const project = await addProject(db, actor, { account: "acme", name: "Lagerumbau Werk Süd", dueOn: "2027-03-31", owner: "Ada" });
    expect(project.number).toBe(1);
    expect(project.account.id).toBe(account.id);
    expect(project.owner?.id).toBe(admin.id);
    expect(day(project.dueOn)).toBe("2027-03-31");
    expect(project.status).toBe("OPEN");
    const second = await addProject(db, actor, { account: "Baltic", name: "Verpackungslinie", dueOn: "2027-06-30" });
    expect(second.number).toBe(2);
    expect(second.owner).toBeNull();

    const byPrefixed = await addMilestone(db, actor, { project: "P-1", name: "Layout", dueOn: "2027-01-15", owner: "Ada Admin" });
    const byHash = await addMilestone(db, actor, { project: "#1", name: "Regale", dueOn: "2027-02-15" });
    const byNumber = await addMilestone(db, actor, { project: "2", name: "Muster", dueOn: "2027-04-01" });
    const byName = await addMilestone(db, actor, { project: "lagerumbau", name: "Abnahme", dueOn: "2027-03-30" });
    expect([byPrefixed, byHash, byNumber, byName].map((m) => [m.number, m.project.number, m.project.account.name])).toEqual([
      [1, 1, "ACME Holding GmbH"],
      [2, 1, "ACME Holding GmbH"],
      [3, 2, "Baltic Logistics AG"],
      [4, 1, "ACME Holding GmbH"],
    ]);
    expect(byPrefixed.owner?.displayName).toBe("Ada Admin");
    expect(day(byName.dueOn)).toBe("2027-03-30");

    const done = await completeMilestone(db, actor, { milestone: "M-2" });
    expect(done.status).toBe("DONE");
    expect(done.doneAt).toBeInstanceOf(Date);
    expect(done.project.account.name).toBe("ACME Holding GmbH");
    const again = await rejects(completeMilestone(db, actor, { milestone: "2" }), ConflictError, "error.alreadyDone");
    expect(again.params).toEqual({ milestone: 2 });

    expect((await listMilestones(db, actor, {})).map((m) => m.name)).toEqual(["Layout", "Abnahme", "Muster"]);
    expect((await listMilestones(db, actor, { scope: "all" })).map((m) => m.name)).toEqual(["Layout", "Regale", "Abnahme", "Muster"]);
    expect((await listMilestones(db, actor, { project: "P-2", scope: "all" })).map((m) => m.name)).toEqual(["Muster"]);
    expect((await listMilestones(db, actor, { account: "acme", scope: "all" })).map((m) => m.number)).toEqual([1, 2, 4]);

    const actions = await db.auditEvent.findMany({
      where: { organizationId: actor.organizationId, entityType: { in: ["Project", "Milestone"] } },
      orderBy: { createdAt: "asc" },
    });
    expect(actions.map((a) => a.action)).toEqual([
      "project.create",
      "project.create",
      "milestone.create",
      "milestone.create",
      "milestone.create",
      "milestone.create",
      "milestone.done",
    ]);
    expect(actions.every((a) => a.actorId === admin.id)).toBe(true);
    expect(actions[6]!.entityId).toBe(done.id);
  });

  it("an ambiguous project name lists the candidates", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    await addProject(db, actor, { account: "acme", name: "Rollout Nord", dueOn: "2027-03-31" });
    await addProject(db, actor, { account: "acme", name: "Rollout Süd", dueOn: "2027-03-31" });
    const error = await rejects(addMilestone(db, actor, { project: "rollout", name: "Start", dueOn: "2027-01-01" }), AmbiguousError);
    expect(error.candidates).toEqual(["Rollout Nord", "Rollout Süd"]);
  });

  it("lists deadlines up to today + n days, overdue included, done and far ones excluded, by due date", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    const today = "2027-03-01";
    await addProject(db, actor, { account: "acme", name: "Overdue project", dueOn: "2027-02-20" });
    await addProject(db, actor, { account: "acme", name: "Far project", dueOn: "2027-05-01" });
    await addProject(db, actor, { account: "baltic", name: "Soon project", dueOn: "2027-03-10" });
    await addMilestone(db, actor, { project: "Far", name: "Late milestone", dueOn: "2027-02-27", owner: "Ada" });
    await addMilestone(db, actor, { project: "Far", name: "Edge milestone", dueOn: "2027-03-15" });
    await addMilestone(db, actor, { project: "Far", name: "Outside milestone", dueOn: "2027-03-16" });
    const done = await addMilestone(db, actor, { project: "Soon", name: "Done milestone", dueOn: "2027-03-02" });
    await completeMilestone(db, actor, { milestone: `M-${done.number}` });

    const deadlines = await listDeadlines(db, actor, { today });
    expect(deadlines.projects.map((p) => [p.name, day(p.dueOn), p.account.name])).toEqual([
      ["Overdue project", "2027-02-20", "ACME Holding GmbH"],
      ["Soon project", "2027-03-10", "Baltic Logistics AG"],
    ]);
    expect(deadlines.milestones.map((m) => [m.name, m.project.name, m.project.account.name, m.owner?.displayName ?? null])).toEqual([
      ["Late milestone", "Far project", "ACME Holding GmbH", "Ada Admin"],
      ["Edge milestone", "Far project", "ACME Holding GmbH", null],
    ]);
    const wide = await listDeadlines(db, actor, { today, withinDays: 90 });
    expect(wide.projects.map((p) => p.name)).toEqual(["Overdue project", "Soon project", "Far project"]);
    expect(wide.milestones).toHaveLength(3);
    const baltic = await listDeadlines(db, actor, { today, account: "Baltic", withinDays: 365 });
    expect(baltic.projects.map((p) => p.name)).toEqual(["Soon project"]);
    expect(baltic.milestones).toEqual([]);

    await rejects(listDeadlines(db, actor, { today, withinDays: 0 }), InvalidInputError, "error.tooShort");
    await rejects(listDeadlines(db, actor, { today, withinDays: 366 }), InvalidInputError, "error.tooLong");
    await rejects(listDeadlines(db, actor, { today, withinDays: 1.5 }), InvalidInputError, "error.invalidField");
    await rejects(listDeadlines(db, actor, { today: "01.03.2027" }), InvalidInputError, "error.invalidField");
  });

  it("refuses bad input and a failed write leaves nothing (no row, no audit event, no number used)", async () => {
    const db = get().prisma;
    const { actor, org } = await twoOrganizations(db);
    const before = await footprint(db, org.id);
    const badDay = await rejects(addProject(db, actor, { account: "acme", name: "X", dueOn: "2027-02-30" }), InvalidInputError, "error.invalidField");
    expect(badDay.params.field).toBe("dueOn");
    await rejects(addProject(db, actor, { account: "acme", name: "X", dueOn: "next friday" }), InvalidInputError, "error.invalidField");
    const long = await rejects(addProject(db, actor, { account: "acme", name: "x".repeat(121), dueOn: "2027-01-01" }), InvalidInputError, "error.tooLong");
    expect(long.params).toEqual({ field: "name", max: 120 });
    await rejects(addProject(db, actor, { account: "acme", name: "   ", dueOn: "2027-01-01" }), InvalidInputError, "error.tooShort");
    await rejects(addProject(db, actor, { account: "acme", name: "X", dueOn: "2027-01-01", owner: "Nobody" }), NotFoundError);
    await rejects(addProject(db, actor, { account: "nope", name: "X", dueOn: "2027-01-01" }), NotFoundError);
    await rejects(addMilestone(db, actor, { project: "P-9", name: "X", dueOn: "2027-01-01" }), NotFoundError);
    await rejects(completeMilestone(db, actor, { milestone: "M-1" }), NotFoundError);
    await rejects(completeMilestone(db, actor, { milestone: "P-1" }), NotFoundError);
    expect(await footprint(db, org.id)).toEqual(before);

    const project = await addProject(db, actor, { account: "acme", name: "Ok", dueOn: "2027-01-01" });
    expect(project.number).toBe(1);
    const mid = await footprint(db, org.id);
    await rejects(addMilestone(db, actor, { project: "P-1", name: "X", dueOn: "2027-13-01" }), InvalidInputError);
    await rejects(addMilestone(db, actor, { project: "P-1", name: "X".repeat(121), dueOn: "2027-01-01" }), InvalidInputError, "error.tooLong");
    await rejects(addMilestone(db, actor, { project: "P-1", name: "X", dueOn: "2027-01-01", owner: "Ghost" }), NotFoundError);
    expect(await footprint(db, org.id)).toEqual(mid);
  });

  it("never reaches another organization's accounts, projects or milestones, and viewers and outsiders cannot write", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    await addProject(db, a.actor, { account: "acme", name: "Secret project", dueOn: "2027-01-01" });
    await addMilestone(db, a.actor, { project: "P-1", name: "Secret milestone", dueOn: "2027-01-01" });
    const before = await footprint(db, a.org.id);
    await rejects(addProject(db, a.b.actor, { account: "ACME Holding GmbH", name: "X", dueOn: "2027-01-01" }), NotFoundError);
    await rejects(addProject(db, a.b.actor, { account: a.account.id, name: "X", dueOn: "2027-01-01" }), NotFoundError);
    await rejects(addMilestone(db, a.b.actor, { project: "P-1", name: "X", dueOn: "2027-01-01" }), NotFoundError);
    await rejects(addMilestone(db, a.b.actor, { project: "Secret", name: "X", dueOn: "2027-01-01" }), NotFoundError);
    await rejects(completeMilestone(db, a.b.actor, { milestone: "M-1" }), NotFoundError);
    await rejects(listMilestones(db, a.b.actor, { project: "P-1" }), NotFoundError);
    await rejects(listDeadlines(db, a.b.actor, { account: "ACME", today: "2027-01-01" }), NotFoundError);
    expect(await listMilestones(db, a.b.actor, {})).toEqual([]);
    expect(await listDeadlines(db, a.b.actor, { today: "2027-01-01" })).toEqual({ projects: [], milestones: [] });

    for (const who of [a.viewer.actor, a.outsider.actor]) {
      await rejects(addProject(db, who, { account: "acme", name: "X", dueOn: "2027-01-01" }), ForbiddenError);
      await rejects(addMilestone(db, who, { project: "P-1", name: "X", dueOn: "2027-01-01" }), ForbiddenError);
      await rejects(completeMilestone(db, who, { milestone: "M-1" }), ForbiddenError);
    }
    expect(await footprint(db, a.org.id)).toEqual(before);
    expect((await listMilestones(db, a.viewer.actor, {})).map((m) => m.name)).toEqual(["Secret milestone"]);
    const byService = await addMilestone(db, a.service.actor, { project: "P-1", name: "By the team", dueOn: "2027-02-01" });
    expect(byService.number).toBe(2);
  });
});
