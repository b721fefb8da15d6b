import { expect, it } from "vitest";
import { runChecks } from "../../src/domain/checks.ts";
import { openCase } from "../../src/domain/cases.ts";
import { writeCsv } from "../../src/domain/exchange/csv.ts";
import { exportColumns, exportRows } from "../../src/domain/exchange/export.ts";
import { importFile } from "../../src/domain/exchange/import-file.ts";
import { listOrders, logOrder } from "../../src/domain/orders.ts";
import { addMilestone, addProject, completeMilestone } from "../../src/domain/projects.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { TEST_NOW } from "../support/clock.ts";
import { accountWithProducts } from "../support/fixtures.ts";

/** An organization in `timeZone` whose frame contract prices BOLT-10 at 2.00 (list 2.50) from `startsOn` through `endsOn`. */
async function contracted(db: Parameters<typeof accountWithProducts>[0], timeZone: string, startsOn: string, endsOn: string) {
  const base = await accountWithProducts(db);
  await db.organization.update({ where: { id: base.org.id }, data: { timeZone } });
  const contract = await db.contract.create({
    data: { organizationId: base.org.id, number: 1, accountId: base.account.id, name: "Frame", startsOn: new Date(startsOn), endsOn: new Date(endsOn), currency: "EUR" },
  });
  await db.contractPrice.create({ data: { contractId: contract.id, productId: base.bolts.id, priceMinor: 200n } });
  return base;
}

describeEachDatabase("the day of a record is its day where the organization is", (get) => {
  for (const timeZone of ["America/New_York", "Europe/Berlin", "Pacific/Auckland"]) {
    it(`${timeZone}: an order dated the contract's first day is of that day for the price, the checks and the export`, async () => {
      const db = get().prisma;
      const { org, actor, account } = await contracted(db, timeZone, "2026-10-12", "2027-10-11");
      const logged = await logOrder(db, actor, { account: "ACME", lines: [{ product: "BOLT-10", quantity: 1 }], orderedOn: "2026-10-12" });
      expect(Number(logged.lines[0]!.unitPriceMinor)).toBe(200);
      const file = "account,order,ordered_on,sku,quantity\nACME Holding GmbH,SO-1,2026-10-12,BOLT-10,1\n";
      expect(await importFile(db, actor, file, { dryRun: false })).toMatchObject({ created: 1, errors: [] });
      const imported = await db.order.findFirstOrThrow({ where: { organizationId: org.id, externalRef: "SO-1" }, include: { lines: true } });
      expect(Number(imported.lines[0]!.unitPriceMinor)).toBe(200);
      // Both orders fall within the contract on their day: no "orders without a contract", no price difference.
      const run = await runChecks(db, org.id, { now: TEST_NOW });
      expect(run.openedItems.filter((f) => f.accountId === account.id).map((f) => f.rule)).toEqual([]);
      const rows = await exportRows(db, actor, "orders", {});
      expect(rows.map((r) => (r as { ordered_on: string }).ordered_on)).toEqual(["2026-10-12", "2026-10-12"]);
      expect(await importFile(db, actor, file, { dryRun: false })).toMatchObject({ unchanged: 1 });
    });
  }

  it("Pacific/Auckland: since <day> means from that day's start there, for order list and for the export of orders, cases and flags", async () => {
    const db = get().prisma;
    const { org, actor } = await contracted(db, "Pacific/Auckland", "2026-01-01", "2027-12-31");
    // 10 Nov, 09:00 in Auckland is 9 Nov, 20:00 UTC.
    const at = new Date("2026-11-09T20:00:00Z");
    await logOrder(db, { ...actor, now: at }, { account: "ACME", lines: [{ product: "BOLT-10", quantity: 1 }] });
    await logOrder(db, actor, { account: "ACME", lines: [{ product: "BOLT-10", quantity: 1 }], orderedOn: "2026-11-10" });
    await openCase(db, { ...actor, now: at }, { account: "ACME", subject: "Late pallet" });
    expect((await listOrders(db, actor, { account: "ACME", scope: "all", since: "2026-11-10" })).orders).toHaveLength(2);
    expect((await listOrders(db, actor, { account: "ACME", scope: "all", since: "2026-11-11" })).orders).toHaveLength(0);
    expect(await exportRows(db, actor, "orders", { since: "2026-11-10" })).toHaveLength(2);
    expect(await exportRows(db, actor, "cases", { since: "2026-11-10" })).toHaveLength(1);
    expect(await exportRows(db, actor, "cases", { since: "2026-11-11" })).toHaveLength(0);
    await runChecks(db, org.id, { now: at });
    const flags = await exportRows(db, actor, "flags", { since: "2026-11-10" });
    expect(flags.length).toBe(await db.flag.count({ where: { organizationId: org.id } }));
  });

  it("New York: a milestone done in chat in the evening exports its day there and imports back unchanged", async () => {
    const db = get().prisma;
    const { actor } = await contracted(db, "America/New_York", "2026-01-01", "2027-12-31");
    await addProject(db, actor, { account: "ACME", name: "Rollout", dueOn: "2026-12-31" });
    const milestone = await addMilestone(db, actor, { project: "Rollout", name: "Pilot", dueOn: "2026-11-30" });
    // 25 Nov, 20:30 in New York is 26 Nov, 01:30 UTC.
    await completeMilestone(db, { ...actor, now: new Date("2026-11-26T01:30:00Z") }, { milestone: `M-${milestone.number}` });
    const rows = await exportRows(db, actor, "milestones", {});
    expect(rows.map((r) => (r as { done_on: string | null }).done_on)).toEqual(["2026-11-25"]);
    const csv = writeCsv(exportColumns("milestones"), rows);
    expect(await importFile(db, actor, csv, { dryRun: false })).toMatchObject({ changed: 0, unchanged: 1, errors: [] });
  });

  it("an order logged on the contract's last day, late in the day, takes the contract price", async () => {
    const db = get().prisma;
    const { actor } = await contracted(db, "Europe/Berlin", "2026-01-01", "2026-11-26");
    const order = await logOrder(db, { ...actor, now: new Date("2026-11-26T20:00:00Z") }, { account: "ACME", lines: [{ product: "BOLT-10", quantity: 1 }] });
    expect(Number(order.lines[0]!.unitPriceMinor)).toBe(200);
  });
});
