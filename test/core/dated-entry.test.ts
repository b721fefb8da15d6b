import { expect, it } from "vitest";
import { addContract } from "../../src/domain/contracts.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { chat, replyText } from "../support/chat.ts";
import { accountWithProducts } from "../support/fixtures.ts";

describeEachDatabase("dated entry in chat", (get) => {
  it("order log … on <date> records the day the customer ordered, at the contract price in force that day; a future day is refused", async () => {
    const db = get().prisma;
    const { actor, account } = await accountWithProducts(db);
    // TEST_NOW is Thu 26 Nov 2026; the contract ran until the end of October.
    await addContract(db, actor, { account: "acme", name: "Old frame", startsOn: "2026-01-01", endsOn: "2026-10-31", prices: [{ product: "BOLT-10", minor: 199 }] });
    const say = chat(db, actor).say;
    const past = await say("order log acme 10 BOLT-10 on 2026-10-12");
    expect(past.ok).toBe(true);
    const today = await say("order log acme 10 BOLT-10");
    expect(today.ok).toBe(true);
    const orders = await db.order.findMany({ where: { accountId: account.id }, include: { lines: true }, orderBy: { number: "asc" } });
    expect(orders.map((o) => [o.orderedAt.toISOString().slice(0, 10), Number(o.lines[0]!.unitPriceMinor)])).toEqual([
      ["2026-10-12", 199],
      ["2026-11-26", 250],
    ]);

    const future = await say("order log acme 10 BOLT-10 on 2026-12-01");
    expect(future.ok).toBe(false);
    expect(replyText(future)).toMatch(/after today/);
    expect(await db.order.count({ where: { accountId: account.id } })).toBe(2);
  });

  it("case open … opened <date-time> dates the case (and its SLA) in the member's time zone; a future moment is refused", async () => {
    const db = get().prisma;
    const { actor, account } = await accountWithProducts(db);
    await db.organization.update({ where: { id: actor.organizationId }, data: { timeZone: "Europe/Berlin" } });
    const say = chat(db, actor).say;
    const opened = await say("case open acme Broken pallet priority high opened 23.11.2026 14:30");
    expect(opened.ok).toBe(true);
    const dayOnly = await say("case open acme Late truck opened 2026-11-24");
    expect(dayOnly.ok).toBe(true);
    const cases = await db.case.findMany({ where: { accountId: account.id }, orderBy: { number: "asc" } });
    expect(cases.map((c) => [c.subject, c.openedAt.toISOString(), c.slaDueAt.toISOString()])).toEqual([
      ["Broken pallet", "2026-11-23T13:30:00.000Z", "2026-11-24T13:30:00.000Z"],
      ["Late truck", "2026-11-23T23:00:00.000Z", "2026-11-26T23:00:00.000Z"],
    ]);
    const future = await say("case open acme Tomorrow's problem opened 2026-11-27 09:00");
    expect(future.ok).toBe(false);
    expect(await db.case.count({ where: { accountId: account.id } })).toBe(2);
  });
});
