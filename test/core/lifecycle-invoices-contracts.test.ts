import { expect, it } from "vitest";
import { runChecks } from "../../src/domain/checks.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { chat, replyText } from "../support/chat.ts";
import { twoOrganizations } from "../support/domain-fixtures.ts";
import { TEST_NOW } from "../support/clock.ts";

const NOW = TEST_NOW; // Thu 26 Nov 2026

async function openFlags(db: Parameters<typeof twoOrganizations>[0], organizationId: string, rule: string) {
  return db.flag.count({ where: { organizationId, rule, status: { not: "RESOLVED" } } });
}

describeEachDatabase("invoice and contract corrections", (get) => {
  it("a corrected invoice resolves its amount flag on the next sweep; a credit note counts; a voided invoice is no longer overdue", async () => {
    const db = get().prisma;
    const { actor, b } = await twoOrganizations(db);
    const { say } = chat(db, actor, { now: NOW });
    await say("order log acme 10 BOLT-10"); // €25.00
    await say("invoice add acme RE-1 30.00 order O-1 issued 2026-11-01 due 2026-11-20");
    await say("invoice add acme RE-2 99.00 issued 2026-10-01 due 2026-10-31");
    await say("invoice add acme RE-3 40.00 issued 2026-10-01 due 2026-10-31");
    await runChecks(db, actor.organizationId, { now: NOW });
    expect(await openFlags(db, actor.organizationId, "invoice.amount")).toBe(1);
    expect(await openFlags(db, actor.organizationId, "invoice.overdue")).toBe(3);

    expect(replyText(await chat(db, b.actor, { now: NOW }).say("invoice edit I-1 amount 25.00"))).toMatch(/I found no/);
    const edited = await say("invoice edit I-1 amount 25.00 due 2026-12-10");
    expect(replyText(edited)).toMatch(/Invoice I-1 · RE-1 of ACME Holding GmbH changed/);
    expect(replyText(await say("invoice void I-2 sent twice"))).toMatch(/I-2 · RE-2 .* voided/);
    expect(replyText(await say("invoice credit I-3 40,00 goods returned"))).toMatch(/Credit note of €40.00 on invoice I-3 · RE-3; it now bills €0.00/);
    expect(replyText(await say("invoice credit I-3 1.00"))).toMatch(/more than invoice I-3 still bills/);
    expect(replyText(await say("invoice edit I-2 amount 1"))).toMatch(/void and can no longer be changed/);

    await runChecks(db, actor.organizationId, { now: new Date(NOW.getTime() + 60_000) });
    expect(await openFlags(db, actor.organizationId, "invoice.amount")).toBe(0);
    expect(await openFlags(db, actor.organizationId, "invoice.overdue")).toBe(0);
    expect(replyText(await say("invoice list acme unpaid"))).not.toMatch(/RE-2/);
    // The digest counts what is still owed: I-1 (€25.00); I-2 is void, I-3 credited in full.
    expect(replyText(await say("digest acme"))).toMatch(/Unpaid invoices: €25.00 \(1\)/);

    await chat(db, actor, { now: NOW }).say("settings language de");
    const de = chat(db, actor, { now: NOW });
    expect(replyText(await de.say("invoice credit I-1 5,00 Rabatt"))).toMatch(/Gutschrift über 5,00\s€ zu Rechnung I-1 · RE-1; sie stellt jetzt 20,00\s€ in Rechnung/);
    expect(replyText(await de.say("invoice void I-1"))).toMatch(/Rechnung I-1 · RE-1 von ACME Holding GmbH ungültig gemacht/);
  });

  it("reads an amount with the decimals of the account's currency, not the organization's: ¥1,200 is 1200, KWD 12.345 is a dinar amount", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    const { say } = chat(db, actor, { now: NOW });
    expect(await say("account add Tokio currency JPY")).toMatchObject({ ok: true });
    expect(await say("account add Kuwait currency KWD")).toMatchObject({ ok: true });
    await say("product add BOLT-JP Bolt price 3");
    expect(replyText(await say("invoice add tokio JP-1 1200 issued 2026-11-01"))).toMatch(/JP-1/);
    expect(replyText(await say("invoice add kuwait KW-1 12.345 issued 2026-11-01"))).toMatch(/KW-1/);
    expect(replyText(await say("invoice add tokio JP-2 12.34 issued 2026-11-01"))).toMatch(/more decimals than an amount in JPY can have/);
    expect(await say("invoice edit JP-1 amount 1300")).toMatchObject({ ok: true });
    expect(await say("invoice credit JP-1 100 damaged")).toMatchObject({ ok: true });
    expect(await say("order log tokio 2 BOLT-JP @ 450")).toMatchObject({ ok: true });
    expect(await say("contract add tokio Frame from 2026-01-01 to 2026-12-31 prices BOLT-JP=440")).toMatchObject({ ok: true });
    const invoices = await db.invoice.findMany({ where: { organizationId: actor.organizationId, number: { in: ["JP-1", "KW-1"] } }, orderBy: { number: "asc" } });
    expect(invoices.map((i) => [i.number, i.currency, Number(i.amountMinor), Number(i.creditedMinor)])).toEqual([["JP-1", "JPY", 1300, 100], ["KW-1", "KWD", 12345, 0]]);
    const order = await db.order.findFirstOrThrow({ where: { organizationId: actor.organizationId, currency: "JPY" }, include: { lines: true } });
    expect(order.lines.map((l) => Number(l.unitPriceMinor))).toEqual([450]);
    const contract = await db.contract.findFirstOrThrow({ where: { organizationId: actor.organizationId, currency: "JPY" }, include: { prices: true } });
    expect(contract.prices.map((p) => Number(p.priceMinor))).toEqual([440]);
    // An amount in words keeps its own currency's decimals: EUR 12.50 on the yen account is refused as before.
    expect(replyText(await say("invoice add tokio JP-3 12.50 EUR issued 2026-11-01"))).toMatch(/EUR|JPY/);
  });

  it("undo takes back a payment marked by mistake, and history shows it as a change", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    const { say } = chat(db, actor, { now: NOW });
    await say("invoice add acme RE-9 50.00 issued 2026-11-01 due 2026-11-20");
    expect(replyText(await say("invoice paid I-1 on 2026-11-25"))).toMatch(/paid on/);
    expect(replyText(await say("history I-1"))).toMatch(/Paid.*Wed, 25 Nov 2026|Paid.*25 Nov 2026/s);
    expect((await say("undo")).ok).toBe(true);
    expect((await db.invoice.findFirstOrThrow({ where: { organizationId: actor.organizationId, number: "RE-9" } })).paidOn).toBeNull();
    expect(replyText(await say("invoice list acme unpaid"))).toMatch(/RE-9/);
  });

  it("a renewed contract resolves its notice flag; notice given stops it; amended prices count from their day on", async () => {
    const db = get().prisma;
    const { actor, viewer, b } = await twoOrganizations(db);
    const { say } = chat(db, actor, { now: NOW });
    await say("contract add acme Frame from 2026-01-01 to 2027-01-31 notice 90 days price BOLT-10=2.50");
    await say("contract add baltic Other from 2026-01-01 to 2027-01-31 notice 90 days");
    await runChecks(db, actor.organizationId, { now: NOW });
    expect(await openFlags(db, actor.organizationId, "contract.notice")).toBe(2);

    expect(replyText(await chat(db, viewer.actor, { now: NOW }).say("contract renew K-1 to 2028-01-31"))).toMatch(/not allowed/);
    expect(replyText(await chat(db, b.actor, { now: NOW }).say("contract renew K-1 to 2028-01-31"))).toMatch(/I found no/);
    expect(replyText(await say("contract renew K-1 to 2026-12-31"))).toMatch(/must end after/);
    expect(replyText(await say("contract renew K-1 to 2028-01-31"))).toMatch(/Contract K-1 Frame renewed until 31 Jan 2028/);
    expect(replyText(await say("contract notice K-2 given on 2026-11-20"))).toMatch(/Notice on contract K-2 Other recorded as given on 20 Nov 2026/);
    expect(replyText(await say("contract notice K-2 given"))).toMatch(/already given on 2026-11-20/);
    await runChecks(db, actor.organizationId, { now: new Date(NOW.getTime() + 60_000) });
    expect(await openFlags(db, actor.organizationId, "contract.notice")).toBe(0);

    // An order at the old price, then a price rise from 1 Dec: the old order still matches its price.
    await say("order log acme 10 BOLT-10");
    await say("invoice add acme RE-9 25.00 order O-1 issued 2026-11-26");
    const amended = await say("contract amend K-1 price BOLT-10=3.00 from 2026-12-01");
    expect(replyText(amended)).toMatch(/Contract K-1 Frame amended/);
    expect(replyText(amended)).toMatch(/BOLT-10 \| €2.50 \| until 30 Nov 2026/);
    expect(replyText(amended)).toMatch(/BOLT-10 \| €3.00 \| from 1 Dec 2026/);
    // The same price again from a later day continues the period: nothing to change, no third period.
    expect(replyText(await say("contract amend K-1 price BOLT-10=3.00 from 2026-12-15"))).toMatch(/That changes nothing/);
    expect(await db.contractPrice.count({ where: { contract: { organizationId: actor.organizationId, number: 1 } } })).toBe(2);
    await runChecks(db, actor.organizationId, { now: new Date(NOW.getTime() + 120_000) });
    expect(await openFlags(db, actor.organizationId, "invoice.price")).toBe(0);
    // A December order at the old price is now off the contract price.
    const december = new Date("2026-12-02T09:00:00Z");
    const dec = chat(db, actor, { now: december });
    await dec.say("order log acme 10 BOLT-10 @ 2.50");
    await dec.say("invoice add acme RE-10 25.00 order O-2 issued 2026-12-02");
    await runChecks(db, actor.organizationId, { now: december });
    expect(await openFlags(db, actor.organizationId, "invoice.price")).toBe(1);
    // Orders logged from December take the new price by themselves.
    expect(replyText(await dec.say("order log acme 10 BOLT-10"))).toMatch(/€30.00/);

    expect(replyText(await say("contract amend K-1 commit 5000 BOLT-10 per year"))).toMatch(/amended/);
    const committed = await db.contract.findFirstOrThrow({ where: { organizationId: actor.organizationId, number: 1 }, include: { commitments: true } });
    expect(committed.commitments).toHaveLength(1);
    // Later than the December order above: undo takes back the caller's last change by time.
    expect(replyText(await dec.say("contract amend K-1 commit none BOLT-10 per year"))).toMatch(/amended/);
    expect(await db.contractCommitment.count({ where: { contractId: committed.id } })).toBe(0);
    expect(replyText(await dec.say("history K-1"))).toMatch(/5,000 BOLT-10 .*→ —/);
    expect(replyText(await dec.say("contract amend K-1 commit none BOLT-10 per year"))).toMatch(/nothing to change|Nothing to change|nothing/i);
    const undone = await dec.say("undo");
    expect({ ok: undone.ok, text: replyText(undone) }).toMatchObject({ ok: true });
    expect(await db.contractCommitment.count({ where: { contractId: committed.id } })).toBe(1);
    expect(replyText(await say("contract end K-1 on 2030-01-01"))).toMatch(/after contract K-1 ends/);
    await chat(db, actor, { now: NOW }).say("settings language de");
    expect(replyText(await chat(db, actor, { now: NOW }).say("contract end K-1 on 2027-06-30"))).toMatch(/Vertrag K-1 Frame endet jetzt am 30\.06\.2027|Vertrag K-1 Frame endet jetzt am 30\. Juni 2027/);
  });
});
