import { expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { addAccount } from "../../src/domain/accounts.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { InvalidInputError, NotFoundError } from "../../src/domain/errors.ts";
import { changeOrderStatus, logOrder } from "../../src/domain/orders.ts";
import { addProduct } from "../../src/domain/products.ts";
import { suggestForAccount } from "../../src/domain/suggestions.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { addDays, rejects, twoOrganizations } from "../support/domain-fixtures.ts";

const TODAY = "2027-06-01";

async function products(db: PrismaClient, actor: Actor, skus: string[]) {
  for (const sku of skus) await addProduct(db, actor, { sku, name: `Product ${sku}`, listPrice: { minor: 100 } });
}

async function order(db: PrismaClient, actor: Actor, account: string, skus: string[], daysAgo = 100) {
  return logOrder(db, actor, { account, lines: skus.map((product) => ({ product, quantity: 1 })), orderedOn: addDays(TODAY, -daysAgo) });
}

describeEachDatabase("suggestions", (get) => {
  it("proposes products similar accounts buy, weighted by shared products, never cancelled or already bought ones", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    await products(db, actor, ["A", "B", "C", "D", "E", "F", "G"]);
    await addAccount(db, actor, { name: "Contoso Retail SE" });
    await addAccount(db, actor, { name: "Danube Bau GmbH" });
    await order(db, actor, "acme", ["A", "B"]);
    const cancelledOwn = await order(db, actor, "acme", ["G"]);
    await changeOrderStatus(db, actor, { order: String(cancelledOwn.number), status: "CANCELLED" });
    await order(db, actor, "baltic", ["A", "B", "C"]); // shares A and B: weight 3
    await order(db, actor, "contoso", ["D"]); // weight 1
    await order(db, actor, "danube", ["C", "E"]); // weight 1
    const cancelled = await order(db, actor, "contoso", ["F"]);
    await changeOrderStatus(db, actor, { order: String(cancelled.number), status: "CANCELLED" });

    const result = await suggestForAccount(db, actor, { account: "acme", today: TODAY });
    expect(result.account.name).toBe("ACME Holding GmbH");
    expect(result.products.map((p) => [p.product.sku, p.buyers, Math.round(p.share * 1000) / 1000])).toEqual([
      ["C", 2, 0.8],
      ["D", 1, 0.2],
      ["E", 1, 0.2],
    ]);
    expect(result.dueReorders).toEqual([]);

    // From Contoso's side, Baltic and Danube share nothing with it: plain shares of 3 accounts.
    const contoso = await suggestForAccount(db, actor, { account: "contoso", today: TODAY });
    expect(contoso.products.map((p) => [p.product.sku, p.buyers, Math.round(p.share * 1000) / 1000])).toEqual([
      ["A", 2, 0.667],
      ["B", 2, 0.667],
      ["C", 2, 0.667],
      ["E", 1, 0.333],
    ]);
  });

  it("returns at most five products, ranked by share then buyers then SKU", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    await products(db, actor, ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "X"]);
    await order(db, actor, "acme", ["X"]);
    await order(db, actor, "baltic", ["P7", "P6", "P5", "P4", "P3", "P2", "P1"]);
    const result = await suggestForAccount(db, actor, { account: "acme", today: TODAY });
    expect(result.products.map((p) => p.product.sku)).toEqual(["P1", "P2", "P3", "P4", "P5"]);
    expect(result.products.every((p) => p.buyers === 1 && p.share === 1)).toBe(true);
    // An organization where nobody else orders has nothing to propose.
    expect((await suggestForAccount(db, actor, { account: "baltic", today: TODAY })).products.map((p) => p.product.sku)).toEqual(["X"]);
  });

  it("finds reorders that look due from the median interval between orders", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    await products(db, actor, ["MONTHLY", "SIXWEEKS", "TWICE", "ONTIME"]);
    // Every 30 days, last 40 days ago: 40 > 36, due by 10 days.
    for (const d of [130, 100, 70, 40]) await order(db, actor, "acme", ["MONTHLY"], d);
    // Intervals 40, 45, 60 (median 45), last 60 days ago: 60 > 54, due by 15 days.
    for (const d of [205, 165, 120, 60]) await order(db, actor, "acme", ["SIXWEEKS"], d);
    // Only two orders: no usual interval.
    for (const d of [300, 200]) await order(db, actor, "acme", ["TWICE"], d);
    // Every 30 days, last 36 days ago: 36 is not more than 36.
    for (const d of [96, 66, 36]) await order(db, actor, "acme", ["ONTIME"], d);
    // A cancelled order does not count as the last one.
    const cancelled = await order(db, actor, "acme", ["MONTHLY"], 5);
    await changeOrderStatus(db, actor, { order: String(cancelled.number), status: "CANCELLED" });
    // Two orders on one day count as one.
    await order(db, actor, "acme", ["SIXWEEKS"], 60);

    const result = await suggestForAccount(db, actor, { account: "acme", today: TODAY });
    expect(
      result.dueReorders.map((r) => [r.product.sku, r.lastOrderedOn.toISOString().slice(0, 10), r.usualIntervalDays, r.overdueDays]),
    ).toEqual([
      ["SIXWEEKS", addDays(TODAY, -60), 45, 15],
      ["MONTHLY", addDays(TODAY, -40), 30, 10],
    ]);
    // Other accounts' orders are not this account's habits.
    expect((await suggestForAccount(db, actor, { account: "baltic", today: TODAY })).dueReorders).toEqual([]);
  });

  it("proposes for a due reorder the quantity the account usually orders of it on an order day", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    await products(db, actor, ["LABEL-A6", "BOLT-X"]);
    const lines = async (daysAgo: number, quantity: number, product = "LABEL-A6") =>
      logOrder(db, actor, { account: "acme", lines: [{ product, quantity }], orderedOn: addDays(TODAY, -daysAgo) });
    // 25, 30, 25 and (two orders on one day) 20 + 5: usually 25, never the last or the largest.
    await lines(105, 25);
    await lines(84, 30);
    await lines(63, 25);
    await lines(42, 20);
    await lines(42, 5);
    // Four order days of 10, 40, 12, 90 (even count): the lower middle one, 12, a quantity really ordered.
    for (const [daysAgo, quantity] of [[160, 10], [130, 40], [100, 12], [70, 90]] as const) await lines(daysAgo, quantity, "BOLT-X");
    const result = await suggestForAccount(db, actor, { account: "acme", today: TODAY });
    expect(result.dueReorders.map((r) => [r.product.sku, r.usualQuantity]).sort()).toEqual([["BOLT-X", 12], ["LABEL-A6", 25]]);
  });

  it("refuses a bad day and never reaches another organization's accounts", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    await rejects(suggestForAccount(db, a.actor, { account: "acme", today: "2027-02-29" }), InvalidInputError, "error.invalidField");
    await rejects(suggestForAccount(db, a.actor, { account: "", today: TODAY }), InvalidInputError, "error.tooShort");
    await rejects(suggestForAccount(db, a.b.actor, { account: "ACME Holding GmbH", today: TODAY }), NotFoundError);
    await rejects(suggestForAccount(db, a.b.actor, { account: a.account.id, today: TODAY }), NotFoundError);
    const viewerView = await suggestForAccount(db, a.viewer.actor, { account: "acme", today: TODAY });
    expect(viewerView).toMatchObject({ products: [], dueReorders: [] });
  });
});

describeEachDatabase("suggestions, far from UTC", (get) => {
  it("counts order days where the organization is, as the reorder check does (Auckland)", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    await db.organization.update({ where: { id: actor.organizationId }, data: { timeZone: "Pacific/Auckland" } });
    await products(db, actor, ["A"]);
    // Every 30 days; on 5 June the last order is 36 days old: not yet more than 1.2 times the usual 30.
    for (const day of ["2027-03-01", "2027-03-31", "2027-04-30"]) {
      await logOrder(db, actor, { account: "acme", lines: [{ product: "A", quantity: 1 }], orderedOn: day });
    }
    expect((await suggestForAccount(db, actor, { account: "acme", today: "2027-06-05" })).dueReorders).toEqual([]);
    const due = (await suggestForAccount(db, actor, { account: "acme", today: "2027-06-06" })).dueReorders;
    expect(due.map((d) => [d.product.sku, d.lastOrderedOn.toISOString().slice(0, 10), d.usualIntervalDays])).toEqual([["A", "2027-04-30", 30]]);
  });
});
