import { expect, it } from "vitest";
import { runChecks } from "../../src/domain/checks.ts";
import { exportRows } from "../../src/domain/exchange/export.ts";
import { importFile } from "../../src/domain/exchange/import-file.ts";
import { logOrder } from "../../src/domain/orders.ts";
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

describeEachDatabase("the day of an order", (get) => {
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

  it("an order logged on the contract's last day, late in the day, takes the contract price", async () => {
    const db = get().prisma;
    const { actor } = await contracted(db, "Europe/Berlin", "2026-01-01", "2026-11-26");
    const order = await logOrder(db, { ...actor, now: new Date("2026-11-26T20:00:00Z") }, { account: "ACME", lines: [{ product: "BOLT-10", quantity: 1 }] });
    expect(Number(order.lines[0]!.unitPriceMinor)).toBe(200);
  });
});
