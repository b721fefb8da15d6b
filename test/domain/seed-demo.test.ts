import { expect, it } from "vitest";
import { seedDemo } from "../../src/db/seed-demo.ts";
import { systemActor } from "../../src/domain/actor.ts";
import { memberForIdentity } from "../../src/domain/members.ts";
import { organizationForWorkspace } from "../../src/domain/organizations.ts";
import { listDeadlines } from "../../src/domain/projects.ts";
import { showContract } from "../../src/domain/contracts.ts";
import { suggestForAccount } from "../../src/domain/suggestions.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { addDays, footprint } from "../support/domain-fixtures.ts";
import { TEST_NOW } from "../support/clock.ts";

const NOW = TEST_NOW;
const berlinToday = () =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin", year: "numeric", month: "2-digit", day: "2-digit" }).format(NOW);
const day = (d: Date) => d.toISOString().slice(0, 10);

describeEachDatabase("demo seed", (get) => {
  it("seeds the local organization through the domain services, with findings for the checks, and only once", async () => {
    const db = get().prisma;
    // `kam chat` was used before seeding: that local member stays the admin.
    const existing = await organizationForWorkspace(db, "TERMINAL", "local", "Nordwind Industrial Supplies", NOW);
    const me = await memberForIdentity(db, existing.id, "TERMINAL", "local", { displayName: "Me" }, NOW);

    const summary = await seedDemo(db, NOW);
    const today = berlinToday();
    expect(summary).toContain('Demo data seeded in "Nordwind Industrial Supplies" (Europe/Berlin)');
    expect(summary).toContain("4 accounts, 10 products, 6 members, 23 orders");
    const org = await db.organization.findUniqueOrThrow({ where: { id: existing.id } });
    expect(org.timeZone).toBe("Europe/Berlin");
    const members = await db.member.findMany({ where: { organizationId: org.id }, orderBy: { displayName: "asc" } });
    expect(members.map((m) => [m.displayName, m.orgRole])).toEqual([
      ["Anna Becker", "MANAGER"],
      ["Jonas Weber", "MEMBER"],
      ["Lea Schmidt", "MEMBER"],
      ["Me", "ADMIN"],
      ["Mehmet Yilmaz", "MEMBER"],
      ["Paul Wagner", "MEMBER"],
    ]);
    expect(members.find((m) => m.orgRole === "ADMIN")!.id).toBe(me.id);
    const counts = await footprint(db, org.id);
    expect(counts).toMatchObject({ projects: 3, milestones: 5, contracts: 2, invoices: 20, cases: 3, prices: 4, commitments: 1 });
    expect(await db.account.count({ where: { organizationId: org.id } })).toBe(4);
    expect(await db.product.count({ where: { organizationId: org.id } })).toBe(10);
    expect(await db.order.count({ where: { organizationId: org.id } })).toBe(23);
    expect(await db.accountTeamMember.count({ where: { account: { organizationId: org.id } } })).toBe(9);
    // Everything was written by the system actor through the services, each write audited.
    const actions = await db.auditEvent.groupBy({ by: ["action"], where: { organizationId: org.id, actorId: null, platform: null }, _count: true });
    const byAction = Object.fromEntries(actions.map((a) => [a.action, a._count]));
    expect(byAction).toMatchObject({ "order.log": 23, "contract.create": 2, "invoice.create": 20, "project.create": 3, "milestone.create": 5, "case.open": 3 });

    // The deliberate findings.
    const invoices = await db.invoice.findMany({ where: { organizationId: org.id }, include: { order: { include: { lines: true } }, account: true } });
    const amountOff = invoices.filter((i) => i.order && i.amountMinor !== i.order.totalMinor);
    expect(amountOff.map((i) => [i.account.name, Number(i.amountMinor - i.order!.totalMinor)])).toEqual([["Contoso Retail SE", 4500]]);
    const contractPrices = await db.contractPrice.findMany({ where: { contract: { organizationId: org.id } }, include: { contract: true } });
    const offContract = invoices.filter((i) =>
      i.order?.lines.some((l) =>
        contractPrices.some(
          (p) =>
            p.productId === l.productId &&
            p.contract.accountId === i.accountId &&
            p.contract.startsOn <= i.order!.orderedAt &&
            p.contract.endsOn >= i.order!.orderedAt &&
            p.priceMinor !== l.unitPriceMinor,
        ),
      ),
    );
    expect(offContract.map((i) => [i.account.name, Number(i.amountMinor)])).toEqual([["ACME Holding GmbH", 4 * 2490]]);
    const numbers = invoices.map((i) => i.number);
    expect(numbers.filter((n, i) => numbers.indexOf(n) !== i)).toHaveLength(1);
    const overdue = invoices.filter((i) => i.paidOn === null && day(i.dueOn) < today);
    expect(overdue.map((i) => [i.account.name, day(i.dueOn)])).toEqual([["Danube Bau GmbH", addDays(today, -14)]]);
    const contracts = await db.contract.findMany({ where: { organizationId: org.id }, include: { account: true } });
    const inNotice = contracts.filter((c) => addDays(day(c.endsOn), -c.noticeDays) <= today && today < day(c.endsOn));
    expect(inNotice.map((c) => c.account.name)).toEqual(["ACME Holding GmbH"]);
    const late = await db.order.findMany({
      where: { organizationId: org.id, requestedOn: { lt: new Date(`${today}T00:00:00Z`) }, status: { notIn: ["DELIVERED", "INVOICED", "CANCELLED"] } },
      include: { account: true },
    });
    expect(late.map((o) => [o.account.name, o.status])).toEqual([["Contoso Retail SE", "CONFIRMED"]]);
    const pastSla = await db.case.findMany({ where: { organizationId: org.id, status: "OPEN", slaDueAt: { lt: NOW } } });
    expect(pastSla.map((c) => c.priority)).toEqual(["HIGH"]);

    const actor = systemActor(org.id, NOW);
    const deadlines = await listDeadlines(db, actor, { today, withinDays: 3 });
    expect(deadlines.milestones.map((m) => [m.name, day(m.dueOn)])).toEqual([
      ["Layout freigegeben", addDays(today, -4)],
      ["Regale geliefert", addDays(today, 3)],
    ]);
    const acme = await suggestForAccount(db, actor, { account: "ACME", today });
    expect(acme.dueReorders.map((r) => [r.product.sku, r.usualIntervalDays])).toEqual([["GLOVE-NIT", 30]]);
    expect(acme.products.length).toBeGreaterThan(0);
    const baltic = await suggestForAccount(db, actor, { account: "Baltic", today });
    expect(baltic.dueReorders.map((r) => r.product.sku)).toEqual(["LABEL-A6"]);
    const k1 = await showContract(db, actor, { contract: "K-1", today });
    expect(k1.commitments.map((c) => [c.product.sku, Number(c.quantity)])).toEqual([["GLOVE-NIT", 240]]);
    expect(k1.commitments[0]!.ordered).toBeGreaterThan(0);

    // Again: nothing written.
    const before = await footprint(db, org.id);
    const orders = await db.order.count({ where: { organizationId: org.id } });
    const again = await seedDemo(db, NOW);
    expect(again).toBe('Demo data already exists in "Nordwind Industrial Supplies"; nothing written.');
    expect(await footprint(db, org.id)).toEqual(before);
    expect(await db.order.count({ where: { organizationId: org.id } })).toBe(orders);
    expect(await db.organization.count({ where: { name: "Nordwind Industrial Supplies" } })).toBe(1);
  });
});
