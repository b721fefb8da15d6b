import { expect, it } from "vitest";
import { closeCase, listCases, openCase } from "../../src/domain/cases.ts";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../../src/domain/errors.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { footprint, rejects, twoOrganizations } from "../support/domain-fixtures.ts";

const HOUR = 3_600_000;

describeEachDatabase("cases", (get) => {
  it("opens cases with an SLA by priority, numbered per organization, closes them once, with audit events", async () => {
    const db = get().prisma;
    const { actor, account, service, admin } = await twoOrganizations(db);
    const now = new Date("2027-01-04T08:00:00.000Z");
    const opened = [];
    for (const priority of ["URGENT", "HIGH", "NORMAL", "LOW"] as const) {
      opened.push(await openCase(db, actor, { account: "acme", subject: `${priority} case`, priority, now }));
    }
    expect(opened.map((c) => [c.number, c.priority, (c.slaDueAt.getTime() - now.getTime()) / HOUR])).toEqual([
      [1, "URGENT", 4],
      [2, "HIGH", 24],
      [3, "NORMAL", 72],
      [4, "LOW", 120],
    ]);
    expect(opened.every((c) => c.openedAt.getTime() === now.getTime() && c.status === "OPEN" && c.accountId === account.id)).toBe(true);
    // Customer service on the account's team may open cases; NORMAL is the default priority.
    const byService = await openCase(db, service.actor, { account: "acme", subject: "Lieferschein fehlt", assignee: "Cem", now: new Date(now.getTime() + 1000) });
    expect(byService.priority).toBe("NORMAL");
    expect(byService.assignee?.id).toBe(service.member.id);
    expect(byService.slaDueAt.getTime() - byService.openedAt.getTime()).toBe(72 * HOUR);
    await openCase(db, actor, { account: "baltic", subject: "Baltic case", priority: "HIGH", now });

    const closed = await closeCase(db, service.actor, { case: "C-2" });
    expect(closed.status).toBe("CLOSED");
    expect(closed.closedAt).toBeInstanceOf(Date);
    expect(closed.account.name).toBe("ACME Holding GmbH");
    const again = await rejects(closeCase(db, actor, { case: "#2" }), ConflictError, "error.alreadyClosed");
    expect(again.params).toEqual({ case: 2 });

    expect((await listCases(db, actor, {})).map((c) => c.number)).toEqual([1, 6, 3, 5, 4]);
    expect((await listCases(db, actor, { scope: "all" })).map((c) => c.number)).toEqual([1, 2, 6, 3, 5, 4]);
    expect((await listCases(db, actor, { account: "baltic", scope: "all" })).map((c) => [c.number, c.account.name])).toEqual([[6, "Baltic Logistics AG"]]);

    const events = await db.auditEvent.findMany({ where: { organizationId: actor.organizationId, entityType: "Case" }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["case.open", "case.open", "case.open", "case.open", "case.open", "case.open", "case.close"]);
    expect(events[0]!.actorId).toBe(admin.id);
    expect(events[6]!.actorId).toBe(service.member.id);
    expect(events[6]!.entityId).toBe(closed.id);
  });

  it("refuses bad input and a failed write leaves nothing", async () => {
    const db = get().prisma;
    const { actor, org } = await twoOrganizations(db);
    const before = await footprint(db, org.id);
    await rejects(openCase(db, actor, { account: "acme", subject: "" }), InvalidInputError, "error.tooShort");
    const long = await rejects(openCase(db, actor, { account: "acme", subject: "s".repeat(201) }), InvalidInputError, "error.tooLong");
    expect(long.params).toEqual({ field: "subject", max: 200 });
    const bad = await rejects(openCase(db, actor, { account: "acme", subject: "x", priority: "CRITICAL" as "HIGH" }), InvalidInputError, "error.invalidField");
    expect(bad.params.field).toBe("priority");
    await rejects(openCase(db, actor, { account: "acme", subject: "x", now: new Date("nonsense") }), InvalidInputError);
    await rejects(openCase(db, actor, { account: "acme", subject: "x", assignee: "Nobody" }), NotFoundError);
    await rejects(openCase(db, actor, { account: "nope", subject: "x" }), NotFoundError);
    await rejects(closeCase(db, actor, { case: "C-1" }), NotFoundError);
    await rejects(closeCase(db, actor, { case: "case one" }), NotFoundError);
    expect(await footprint(db, org.id)).toEqual(before);
    const ok = await openCase(db, actor, { account: "acme", subject: "ok" });
    expect(ok.number).toBe(1);
    // Without `now`, the case opens at the moment of the request (the actor's clock).
    expect(ok.openedAt).toEqual(actor.now);
  });

  it("never reaches another organization's accounts or cases, and viewers and outsiders cannot write", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    await openCase(db, a.actor, { account: "acme", subject: "Secret case" });
    const before = await footprint(db, a.org.id);
    await rejects(openCase(db, a.b.actor, { account: "ACME Holding GmbH", subject: "x" }), NotFoundError);
    await rejects(openCase(db, a.b.actor, { account: a.account.id, subject: "x" }), NotFoundError);
    await rejects(closeCase(db, a.b.actor, { case: "C-1" }), NotFoundError);
    await rejects(listCases(db, a.b.actor, { account: "acme" }), NotFoundError);
    expect(await listCases(db, a.b.actor, { scope: "all" })).toEqual([]);
    for (const who of [a.viewer.actor, a.outsider.actor]) {
      await rejects(openCase(db, who, { account: "acme", subject: "x" }), ForbiddenError);
      await rejects(closeCase(db, who, { case: "C-1" }), ForbiddenError);
    }
    expect(await footprint(db, a.org.id)).toEqual(before);
    expect((await listCases(db, a.viewer.actor, {})).map((c) => c.subject)).toEqual(["Secret case"]);
  });
});
