import { expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.ts";
import { chat, replyText } from "../support/chat.ts";
import { twoOrganizations } from "../support/domain-fixtures.ts";
import { TEST_NOW } from "../support/clock.ts";
import { accountWithProducts } from "../support/fixtures.ts";
import { importFile } from "../../src/domain/exchange/import-file.ts";
import { addInvoice } from "../../src/domain/invoices.ts";

const at = (minutes: number) => new Date(TEST_NOW.getTime() + minutes * 60_000);

describeEachDatabase("history and undo", (get) => {
  it("shows who changed what, when and where, field by field, newest first, paged, in English and German", async () => {
    const db = get().prisma;
    const { actor, service, b } = await twoOrganizations(db);
    await chat(db, actor, { now: at(0) }).say("order log acme 10 BOLT-10");
    await chat(db, service.actor, { now: at(5) }).say("order edit O-1 line 1 qty 40 po 4711", { platform: "TEAMS" });
    await chat(db, actor, { now: at(10) }).say("order status O-1 confirmed");

    const shown = replyText(await chat(db, actor, { now: at(11) }).say("history O-1"));
    expect(shown).toMatch(/History of O-1 \(page 1\)/);
    const lines = shown.split("\n");
    const status = lines.findIndex((l) => /26 Nov 2026, 10:10 · Ada Admin · Slack — status changed/.test(l));
    const edit = lines.findIndex((l) => /26 Nov 2026, 10:05 · Cem Service · Teams — order changed/.test(l));
    const log = lines.findIndex((l) => /26 Nov 2026, 10:00 · Ada Admin · Slack — order logged/.test(l));
    expect(status).toBeGreaterThan(0);
    expect(edit).toBeGreaterThan(status);
    expect(log).toBeGreaterThan(edit);
    expect(shown).toMatch(/Status: received → confirmed/);
    expect(shown).toMatch(/Total: €25.00 → €100.00/);
    expect(shown).toMatch(/PO: — → 4711/);
    expect(shown).toMatch(/line 1: 10 BOLT-10 @ €2.50 → 40 BOLT-10 @ €2.50/);

    // The reader's time zone and language.
    const de = chat(db, actor, { now: at(12) });
    await de.say("settings language de");
    await de.say("settings timezone Europe/Berlin");
    const german = replyText(await de.say("history O-1"));
    expect(german).toMatch(/Verlauf von O-1 \(Seite 1\)/);
    expect(german).toMatch(/26\.11\.2026, 11:05 · Cem Service · Teams — Auftrag geändert/);
    expect(german).toMatch(/Summe: 25,00\s€ → 100,00\s€/);

    // Paging: 12 more changes make two pages of ten.
    for (let i = 0; i < 12; i++) await chat(db, actor, { now: at(20 + i) }).say(`order edit O-1 po P${i}`);
    const first = await chat(db, actor, { now: at(40) }).say("history O-1");
    expect(replyText(first)).toMatch(/Älter|history O-1 page 2/);
    const second = replyText(await chat(db, actor, { now: at(40) }).say("history O-1 page 2"));
    expect(second).toMatch(/Seite 2/);
    expect(second).toMatch(/P1 → P2|P0 → P1/);
    expect(second).toMatch(/Auftrag erfasst/);
    expect(replyText(await chat(db, actor, { now: at(40) }).say("history O-1 page 3"))).toMatch(/Keine Änderungen erfasst/);

    // Another organization's reference is not found.
    expect(replyText(await chat(db, b.actor, { now: at(40) }).say("history O-1"))).toMatch(/I found no order/);
  });

  it("lists the recent changes across an account's records", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    const say = (text: string, m: number) => chat(db, actor, { now: at(m) }).say(text);
    await say("order log acme 10 BOLT-10", 1);
    await say("invoice add acme RE-1 25.00 order O-1 issued 2026-11-01", 2);
    await say("invoice void I-1 wrong", 3);
    await say("order log baltic 1 BOLT-10", 4);
    const shown = replyText(await say("history acme", 5));
    expect(shown).toMatch(/Recent changes on ACME Holding GmbH/);
    expect(shown).toMatch(/invoice voided I-1/);
    expect(shown).toMatch(/order logged O-1/);
    expect(shown).toMatch(/Reason for voiding: — → wrong/);
    expect(shown.indexOf("invoice voided I-1")).toBeLessThan(shown.indexOf("invoice added I-1"));
    expect(shown.indexOf("invoice added I-1")).toBeLessThan(shown.indexOf("order logged O-1"));
    expect(shown).not.toMatch(/O-2/);
    expect(replyText(await say("history K-9", 6))).toMatch(/I found no contract/);
    expect(replyText(await say("history BOLT-10", 6))).toMatch(/History of BOLT-10/);
    await say("project add acme Rollout due 2026-12-20", 7);
    await say("milestone add P-1 Kickoff due 2026-12-10", 7);
    await say("case open acme Broken pallet", 7);
    expect(replyText(await say("history P-1", 8))).toMatch(/History of P-1[\s\S]*project added/);
    expect(replyText(await say("history M-1", 8))).toMatch(/History of M-1[\s\S]*milestone added/);
    expect(replyText(await say("history C-1", 8))).toMatch(/History of C-1[\s\S]*case opened/);
    expect(replyText(await say("history Ada", 8))).toMatch(/History of Ada Admin/);
    expect(replyText(await say("help history", 8))).toMatch(/history \[<reference>\|<account>\][\s\S]*undo/);
  });

  it("undoes one's own last change within 15 minutes, and says why not otherwise", async () => {
    const db = get().prisma;
    const { actor, service, viewer, outsider } = await twoOrganizations(db);
    const ada = (m: number) => chat(db, actor, { now: at(m) });
    expect(replyText(await chat(db, outsider.actor, { now: at(0) }).say("undo"))).toMatch(/no change to undo/);
    await ada(1).say("order log acme 10 BOLT-10, 2 NUT-10");
    expect(replyText(await ada(1).say("undo"))).toMatch(/last change \(order logged, O-1\) cannot be taken back/);

    await ada(2).say("order edit O-1 line 1 qty 40, remove line 2, add 1 NUT-10 po X");
    const undone = await ada(3).say("undo");
    expect(replyText(undone)).toMatch(/Undone: order changed on O-1/);
    const order = await db.order.findFirstOrThrow({ where: { organizationId: actor.organizationId, number: 1 }, include: { lines: { orderBy: { lineNo: "asc" } } } });
    expect(order.lines.map((l) => [l.lineNo, Number(l.quantity)])).toEqual([[1, 10], [2, 2]]);
    expect([Number(order.totalMinor), order.poRef, order.version]).toEqual([2660, null, 3]);
    // undo is not undone in turn.
    expect(replyText(await ada(4).say("undo"))).toMatch(/cannot be undone: it was an undo itself/);

    // Too old.
    await ada(5).say("order edit O-1 po late");
    expect(replyText(await ada(21).say("undo"))).toMatch(/is more than 15 minutes old/);

    // Changed since by someone else.
    await ada(30).say("invoice add acme RE-1 26.60 order O-1 issued 2026-11-20");
    await ada(31).say("invoice edit I-1 amount 30.00");
    await chat(db, service.actor, { now: at(32) }).say("invoice edit I-1 due 2026-12-31");
    const refused = replyText(await ada(33).say("undo"));
    expect(refused).toMatch(/I-1 was changed since your change \(invoice changed\) by Cem Service at 26 Nov 2026, 10:32/);
    expect(Number((await db.invoice.findFirstOrThrow({ where: { organizationId: actor.organizationId, refNumber: 1 } })).amountMinor)).toBe(3000);

    // Cem's own change is his to undo; a credit note is taken back with it; a viewer has nothing to undo.
    expect(replyText(await chat(db, service.actor, { now: at(34) }).say("undo"))).toMatch(/Undone: invoice changed on I-1/);
    await ada(35).say("invoice credit I-1 3,40 rounding");
    expect(replyText(await ada(36).say("undo"))).toMatch(/Undone: credit note on I-1/);
    const invoice = await db.invoice.findFirstOrThrow({ where: { organizationId: actor.organizationId, refNumber: 1 }, include: { credits: true } });
    expect([Number(invoice.creditedMinor), invoice.credits.length]).toEqual([0, 0]);
    expect(replyText(await chat(db, viewer.actor, { now: at(37) }).say("undo"))).toMatch(/no change to undo/);

    // A contract amendment and a cancellation, undone; in German.
    await ada(40).say("contract add acme Frame from 2026-01-01 to 2027-12-31 price BOLT-10=2.50");
    await ada(41).say("contract amend K-1 price BOLT-10=3.00 from 2027-01-01");
    await ada(42).say("undo");
    const prices = await db.contractPrice.findMany({ where: { contract: { organizationId: actor.organizationId } } });
    expect(prices.map((p) => [Number(p.priceMinor), p.validFrom, p.validTo])).toEqual([[250, null, null]]);
    await ada(43).say("settings language de");
    await ada(44).say("order log acme 1 BOLT-10");
    await ada(45).say("order cancel O-2 Kunde will nicht");
    expect(replyText(await ada(46).say("undo"))).toMatch(/Rückgängig gemacht: Auftrag storniert an O-2/);
    expect((await db.order.findFirstOrThrow({ where: { organizationId: actor.organizationId, number: 2 } })).status).toBe("RECEIVED");
    expect(replyText(await ada(47).say("undo"))).toMatch(/lässt sich nicht rückgängig machen: sie war selbst ein undo/);
    const history = replyText(await ada(48).say("history O-2"));
    expect(history).toMatch(/rückgängig gemacht/);
    expect(history).toMatch(/Status: storniert → eingegangen/);
  });
  it("audits an import's new invoices as one event, shown in each invoice's history and once in the account's; a changed row has its own", async () => {
    const db = get().prisma;
    const { actor, org, account } = await accountWithProducts(db);
    const rows = (amount: string) => ["account,number,amount,currency,issued_on", ...[1, 2, 3].map((i) => `${account.name},R-${i},${i === 2 ? amount : "10.00"},EUR,2026-11-0${i}`)];
    await addInvoice(db, actor, { account: account.name, number: "R-0", amount: { minor: 500 }, issuedOn: "2026-10-01" });
    const first = await importFile(db, actor, rows("10.00").join("\n"), { dryRun: false });
    expect(first).toMatchObject({ created: 3, errors: [] });
    const events = await db.auditEvent.findMany({ where: { organizationId: org.id, action: "invoice.import" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ entityType: "Invoice", entityId: null, data: { count: 3, firstNumber: 2, lastNumber: 4 } });

    for (const ref of ["I-2", "I-4"]) {
      const shown = replyText(await chat(db, actor, { now: at(1) }).say(`history ${ref}`));
      expect(shown).toMatch(/Ada Admin · Slack — invoice imported/);
      expect(shown).toContain("3 records created by this import: I-2 – I-4");
    }
    // An import is no change undo takes back; it says which records it means.
    expect(replyText(await chat(db, actor, { now: at(1) }).say("undo"))).toContain("Your last change (invoice imported, I-2 – I-4) cannot be taken back with undo.");
    // Not the invoice entered by hand before the import.
    expect(replyText(await chat(db, actor, { now: at(1) }).say("history I-1"))).not.toMatch(/imported/);

    const changed = await importFile(db, { ...actor, now: at(2) }, rows("12.00").join("\n"), { dryRun: false });
    expect(changed).toMatchObject({ created: 0, changed: 1, unchanged: 2 });
    const i3 = replyText(await chat(db, actor, { now: at(3) }).say("history I-3"));
    expect(i3).toMatch(/Amount: €10.00 → €12.00/);
    expect(i3).toContain("3 records created by this import: I-2 – I-4");
    expect(i3.indexOf("€12.00")).toBeLessThan(i3.indexOf("records created by this import"));

    const accountWide = replyText(await chat(db, actor, { now: at(3) }).say(`history "${account.name}"`));
    expect(accountWide.match(/invoice imported I-2 – I-4/g)).toHaveLength(1);
    expect(accountWide).toMatch(/invoice imported I-3/);
    expect(accountWide).toContain("3 records created by this import");
    // Another organization's account history never shows this import.
    const other = await accountWithProducts(db);
    expect(replyText(await chat(db, other.actor, { now: at(3) }).say(`history "${other.account.name}"`))).not.toMatch(/imported/);
  });
});
