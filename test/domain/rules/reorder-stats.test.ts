import { expect, it } from "vitest";
import { changeOrderStatus } from "../../../src/domain/orders.ts";
import type { LoadScope } from "../../../src/domain/rules/load.ts";
import { reorderStats } from "../../../src/domain/rules/reorder-stats.ts";
import { checkSettingsSchema } from "../../../src/domain/rules/settings.ts";
import { localDay } from "../../../src/domain/rules/time.ts";
import { describeEachDatabase } from "../../support/databases.ts";
import { addOrder, scene, type Scene } from "../../support/scheduler-fixtures.ts";
import { TEST_NOW } from "../../support/clock.ts";

/**
 * Later sweeps of a day reuse the day's reorder statistics and recompute only the accounts whose
 * orders changed: after every kind of change, the rows must equal a computation from scratch
 * (the one-account path never uses the day's rows).
 */
describeEachDatabase("reorder statistics within a day", (get) => {
  async function orderOn(s: Scene, accountId: string, productId: string, days: string[]) {
    const ids: number[] = [];
    for (const d of days) ids.push((await addOrder(s, { accountId, orderedAt: new Date(`${d}T10:00:00Z`), lines: [{ productId }] })).number);
    return ids;
  }

  it("equal a full computation after new orders, a cancellation and a product rename, and hold until then", async () => {
    const db = get().prisma;
    const s = await scene(db);
    const other = await db.account.create({ data: { organizationId: s.organizationId, name: "Globex", currency: "EUR" } });
    const now = new Date("2026-05-20T12:00:00Z");
    const scope: LoadScope = { organizationId: s.organizationId, timeZone: "Europe/Berlin", today: localDay(now, "Europe/Berlin"), now, settings: checkSettingsSchema.parse({}) };
    const fromScratch = async () => {
      const rows = [];
      for (const accountId of [s.accountId, other.id]) rows.push(...(await reorderStats(db, { ...scope, accountId })));
      return rows.sort((a, b) => a.accountId.localeCompare(b.accountId));
    };
    const sweep = async () => (await reorderStats(db, scope)).sort((a, b) => a.accountId.localeCompare(b.accountId));

    // Both accounts order every ten days, last on 2 May: due (18 days > 12.5).
    const mine = await orderOn(s, s.accountId, s.productId, ["2026-04-12", "2026-04-22", "2026-05-02"]);
    await orderOn(s, other.id, s.productId, ["2026-04-12", "2026-04-22", "2026-05-02"]);
    const first = await sweep();
    expect(first.map((r) => [r.accountId, r.lastDay, r.medianGapDays])).toEqual(
      [[s.accountId, "2026-05-02", 10], [other.id, "2026-05-02", 10]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(await sweep()).toEqual(first);

    // One account reorders (backdated to yesterday): it is no longer due; the other still is.
    await addOrder(s, { accountId: other.id, orderedAt: new Date("2026-05-19T10:00:00Z"), lines: [{ productId: s.productId }] });
    const second = await sweep();
    expect(second.map((r) => r.accountId)).toEqual([s.accountId]);
    expect(second).toEqual(await fromScratch());

    // Cancelling one of the orders changes the interval (now 20 days: not due yet).
    await changeOrderStatus(db, { organizationId: s.organizationId, memberId: s.managerId, platform: null, now: TEST_NOW }, { order: String(mine[1]), status: "CANCELLED" });
    expect(await sweep()).toEqual([]);
    expect(await fromScratch()).toEqual([]);

    // A renamed product shows under its new name at once.
    await changeOrderStatus(db, { organizationId: s.organizationId, memberId: s.managerId, platform: null, now: TEST_NOW }, { order: String(mine[2]), status: "CANCELLED" });
    await orderOn(s, s.accountId, s.productId, ["2026-04-21", "2026-04-30"]); // 12, 21, 30 April: every 9 days
    await db.product.update({ where: { id: s.productId }, data: { name: "Bolt M12" } });
    const third = await sweep();
    expect(third.map((r) => [r.productName, r.lastDay])).toEqual([["Bolt M12", "2026-04-30"]]);
    expect(third).toEqual(await fromScratch());

    // Days later the same rows hold; once orders leave the year of history, the account's interval
    // is learnt from what is left (here: too few order days, so nothing is due).
    const scratchOn = async (today: string) => {
      const rows = [];
      for (const accountId of [s.accountId, other.id]) rows.push(...(await reorderStats(db, { ...scope, today, accountId })));
      return rows.sort((a, b) => a.accountId.localeCompare(b.accountId));
    };
    const sweepOn = async (today: string) => (await reorderStats(db, { ...scope, today })).sort((a, b) => a.accountId.localeCompare(b.accountId));
    // As if these orders had been placed and last changed long ago (not within the last minutes).
    await db.$executeRaw`UPDATE "Order" SET "statusChangedAt" = "orderedAt" WHERE "organizationId" = ${s.organizationId}`;
    for (const today of ["2026-05-21", "2026-09-01", "2027-04-13", "2027-04-25"]) expect(await sweepOn(today)).toEqual(await scratchOn(today));
    expect((await sweepOn("2027-04-13")).length).toBe(1);
    expect(await sweepOn("2027-04-25")).toEqual([]);
  });
});
