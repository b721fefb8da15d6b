import { expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.ts";
import { accountWithProducts, newMember, newOrganization } from "../support/fixtures.ts";
import { chat, replyText } from "../support/chat.ts";
import { addToTeam } from "../../src/domain/team.ts";
import { bindChannel } from "../../src/domain/accounts.ts";
import { runChecks } from "../../src/domain/checks.ts";
import { logOrder } from "../../src/domain/orders.ts";
import { addProduct } from "../../src/domain/products.ts";
import { addDays } from "../support/domain-fixtures.ts";

const NOW = new Date("2026-11-26T10:00:00Z");

async function counts(db: Parameters<typeof accountWithProducts>[0], organizationId: string) {
  const where = { organizationId };
  return {
    orders: await db.order.count({ where }),
    invoices: await db.invoice.count({ where }),
    contracts: await db.contract.count({ where }),
    projects: await db.project.count({ where }),
    cases: await db.case.count({ where }),
    audit: await db.auditEvent.count({ where }),
  };
}

describeEachDatabase("the chat handler", (get) => {
  it("runs every command of the grammar end to end", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const { say } = chat(db, actor, { now: NOW });
    const steps: [string, RegExp][] = [
      ["help", /what I can do/],
      ["help orders", /order log \[<account>\]/],
      [`account add "Baltic Logistics AG" tier international region Nord currency EUR`, /Account Baltic Logistics AG added/],
      ["account list", /ACME Holding GmbH \| national/],
      ["account show baltic", /Tier: international/],
      [`product add GLOVE "Nitrile gloves" price 7,90 unit box`, /Product GLOVE \(Nitrile gloves\) added/],
      ["product list", /GLOVE \| Nitrile gloves \| box \| €7.90/],
      ["team add acme Ada account-manager", /Ada Admin is now account manager on ACME Holding GmbH/],
      ["team list acme", /Ada Admin \| account manager/],
      ["order log acme 100 BOLT-10 @ 2.40, 5 NUT-10 due 31.12.2026 po 4711", /Order O-1 logged for ACME Holding GmbH: €244.00/],
      ["order show O-1", /Customer PO: 4711/],
      ["order status O-1 in production", /is now in production/],
      ["order reorder acme", /Reorder O-2 logged/],
      ["order list acme all since 2026-01-01", /O-1 \|.*in production/],
      ["project add acme Rollout due next friday owner Ada", /Project P-1 Rollout added/],
      ["milestone add P-1 Kickoff due 2026-11-30 owner Ada", /Milestone M-1 Kickoff added to Rollout/],
      ["milestone list", /M-1 Kickoff \| P-1 Rollout/],
      ["deadlines within 30 days", /M-1 Kickoff \(Rollout\).*in 4 days/],
      ["milestone done M-1", /Milestone M-1 Kickoff \(Rollout\) is done/],
      ["invoice add acme RE-1 244,00 € order O-1 issued 2026-11-20", /Invoice RE-1 of €244.00 recorded/],
      ["invoice list acme unpaid", /RE-1 \| €244.00/],
      ["invoice paid RE-1 on 2026-11-25", /paid on Wed, 25 Nov 2026/],
      [`contract add acme "Frame 2026" from 2026-01-01 to 2026-12-31 notice 60 days terms net 45 price BOLT-10=2,30 commit 5000 BOLT-10 per year`, /Contract K-1 Frame 2026 added/],
      ["contract list acme", /K-1 Frame 2026/],
      ["contract show K-1", /BOLT-10 \| 5,000 from 1 Jan 2026 to 31 Dec 2026 \| 200/],
      ["case open acme \"Pallet broken\" priority urgent", /Case C-1 opened/],
      ["case list", /C-1 Pallet broken \| ACME Holding GmbH \| urgent/],
      ["case close C-1", /Case C-1 closed/],
      ["suggest acme", /Suggestions for ACME Holding GmbH/],
      ["settings", /Reminder hour: 09:00/],
      ["settings org reminders 8", /Organization setting changed/],
      ["settings timezone Europe/Berlin", /Your time zone is now Europe\/Berlin\./],
      ["settings language de", /Deine Sprache ist jetzt Deutsch\./],
      ["order list acme", /Offene Aufträge von ACME Holding GmbH/],
    ];
    for (const [line, expected] of steps) {
      const reply = await say(line);
      expect({ line, ok: reply.ok, text: replyText(reply) }).toMatchObject({ line, ok: true, text: expect.stringMatching(expected) });
    }
  });

  it("turns a form submission into the same order as the text command", async () => {
    const db = get().prisma;
    const { actor, account } = await accountWithProducts(db);
    const { say, submit } = chat(db, actor, { now: NOW });
    const form = await say("order");
    expect(form.blocks[0]).toMatchObject({ kind: "form", form: { id: "order.log" } });
    const bad = await submit("order.log", { account: account.id, product1: "BOLT-10", quantity1: "-3" });
    expect(bad.ok).toBe(false);
    expect(bad.blocks[0]).toMatchObject({ kind: "form", form: { errors: { quantity1: expect.stringMatching(/not a quantity/) } } });
    const good = await submit("order.log", { account: account.id, product1: "BOLT-10", quantity1: "10", price1: "2,40 €", requestedOn: "2026-12-24", poRef: "PO-1" });
    const text = await say("order log acme 10 BOLT-10 @ 2,40 € due 2026-12-24 po PO-1");
    expect(good.ok && text.ok).toBe(true);
    const orders = await db.order.findMany({ where: { organizationId: actor.organizationId }, include: { lines: true }, orderBy: { number: "asc" } });
    const shape = (o: (typeof orders)[number]) => ({
      total: Number(o.totalMinor), po: o.poRef, requested: o.requestedOn?.toISOString(),
      lines: o.lines.map((l) => [l.productId, Number(l.quantity), Number(l.unitPriceMinor)]),
    });
    expect(orders).toHaveLength(2);
    expect(shape(orders[0]!)).toEqual(shape(orders[1]!));
  });

  it("explains bad input with the command's usage, in the caller's language, and writes nothing", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const { say } = chat(db, actor, { now: NOW });
    const before = await counts(db, actor.organizationId);
    const cases: [string, RegExp][] = [
      ["order log acme ten BOLT-10", /Missing Quantity|not a quantity/],
      ["order log acme 10 BOLT-10 due 2026-02-30", /not a date I can read/],
      ["order log acme 10 NOPE", /found no product "NOPE"/],
      ["order log nobody 10 BOLT-10", /found no account "nobody"/],
      ["order log acme 10 BOLT-10 @ 1,2,3", /not an amount/],
      ["order log acme 10 BOLT-10 @ 5 USD", /billed in EUR, not USD/],
      [`order log acme 10 BOLT-10 po ${"x".repeat(80)}`, /too long/],
      ["invoice add acme RE-1 lots", /not an amount/],
      ["contract add acme X from 2026-12-31 to 2026-01-01", /must not be before 2027-01-01/],
      ["case open acme Broken priority whenever", /not a valid/],
      ["order status O-99 shipped", /found no order "O-99"/],
      ["settings org timezone Mars/Olympus", /not a time zone/],
      ["frobnicate", /don't know the command "frobnicate"/],
      ["x".repeat(5000), /too long for a command/],
      ["order log acme 10 BOLT-10 po PO\u00001", /NUL character/],
      ['account add "Nul\u0000 GmbH"', /NUL character/],
      // Half of an emoji (Teams' JSON can carry "\ud800"): json columns refuse it.
      ["case open acme Leak \ud800 at dock", /character I cannot store/],
      ["invoice show \\", /found no invoice/],
      ["invoice paid %", /found no invoice/],
      // 30 days' terms from 31 December 9999 is year 10000.
      ["invoice add acme RE-Y 10 issued 9999-12-31", /due after 9999-12-31/],
      // 23:00 on 31 December 9999 in Berlin is fine as a day, but a moment kam could not store or show.
      ['training plan acme "Late" on 9999-12-31 23:00', /too far ahead/],
      [`product add P-9 "P nine" price 12.345`, /more decimals than an amount in EUR/],
      // A payment or a notice is something that happened: not on a day to come.
      ["invoice paid I-1 on 2026-12-24", /is after today/],
      ["contract notice K-1 given on 2027-01-04", /is after today/],
    ];
    for (const [line, expected] of cases) {
      const reply = await say(line);
      expect({ line: line.slice(0, 60), ok: reply.ok, text: replyText(reply) }).toMatchObject({ ok: false, text: expect.stringMatching(expected) });
    }
    const usage = await say("order log acme 10 BOLT-10 due someday");
    expect(replyText(usage)).toMatch(/Usage: order log/);
    await say("settings language de");
    const german = await say("order log acme 10 BOLT-10 due irgendwann");
    expect(replyText(german)).toMatch(/kann ich nicht als Datum lesen[\s\S]*So geht's: order log/);
    expect(await counts(db, actor.organizationId)).toEqual({ ...before, audit: before.audit + 1 /* the language change */ });
  });

  it("matches names as they are written: % and _ are no wildcards, a trailing backslash no error", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const { say } = chat(db, actor, { now: NOW });
    await say("team add acme Ada account-manager");
    expect(replyText(await say("team remove acme %"))).toMatch(/found no member "%"/);
    expect(replyText(await say("order log acme 5 BOLT_10"))).toMatch(/found no product "BOLT_10"/);
    expect(replyText(await say("order log acme 5 %"))).toMatch(/found no product "%"/);
    expect(await say('account add "ACME_Holding_GmbH"')).toMatchObject({ ok: true });
    expect(await say("account show \\")).toMatchObject({ ok: false });
    expect(await db.order.count({ where: { organizationId: actor.organizationId } })).toBe(0);
    expect(await db.accountTeamMember.count({ where: { account: { organizationId: actor.organizationId } } })).toBe(1);
  });

  it("answers a repeated request key from memory and logs one order", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const { say } = chat(db, actor, { now: NOW });
    const [a, b] = await Promise.all([
      say("order log acme 1 BOLT-10", { idempotencyKey: "same-key" }),
      say("order log acme 1 BOLT-10", { idempotencyKey: "same-key" }),
    ]);
    const c = await say("order log acme 1 BOLT-10", { idempotencyKey: "same-key" });
    expect(a.ok && b.ok && c.ok).toBe(true);
    expect(replyText(c)).toMatch(/Order O-1 logged/);
    expect(await db.order.count({ where: { organizationId: actor.organizationId } })).toBe(1);
  });

  it("lists what the checks found and acknowledges, snoozes, resolves and mutes through commands", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const { say } = chat(db, actor, { now: NOW });
    // An invoice without an order is a finding of the scheduled checks.
    await say("invoice add acme RE-404 99,00 € issued 2026-11-20");
    await runChecks(db, actor.organizationId, { now: NOW });
    const flag = await db.flag.findFirstOrThrow({ where: { organizationId: actor.organizationId, status: "OPEN" }, orderBy: { number: "asc" } });
    const steps: [string, RegExp][] = [
      ["flags", new RegExp(`${flag.number}`)],
      [`flag show F-${flag.number}`, /ACME Holding GmbH/],
      [`flag ack F-${flag.number}`, new RegExp(`${flag.number}`)],
      [`flag snooze F-${flag.number} 1d`, new RegExp(`${flag.number}`)],
      [`flag resolve ${flag.number}`, new RegExp(`${flag.number}`)],
      ["flag mute acme 1w", /ACME Holding GmbH/],
      ["flags acme all", /ACME Holding GmbH/],
      ["digest", /ACME Holding GmbH/],
      ["digest acme", /ACME Holding GmbH/],
    ];
    for (const [line, expected] of steps) {
      const reply = await say(line);
      expect({ line, ok: reply.ok, text: replyText(reply) }).toMatchObject({ line, ok: true, text: expect.stringMatching(expected) });
    }
    expect((await db.flag.findUniqueOrThrow({ where: { id: flag.id } })).status).toBe("RESOLVED");
    expect((await db.account.findFirstOrThrow({ where: { organizationId: actor.organizationId } })).mutedUntil?.getTime()).toBe(NOW.getTime() + 7 * 86_400_000);
    const bad = await say(`flag snooze F-${flag.number} forever`);
    expect(replyText(bad)).toMatch(/not a duration/);
    expect((await say("flag ack F-99999")).ok).toBe(false);
  });

  it("keeps idempotency records for writes only, and never a link code", async () => {
    const db = get().prisma;
    const { actor } = await newOrganization(db);
    const reply = await chat(db, actor, { now: NOW }).say("link", { idempotencyKey: "link-key", direct: true });
    expect(reply.ok).toBe(true);
    expect(await db.processedEvent.findUnique({ where: { key: "SLACK:link-key" } })).toBeNull();
    const read = await chat(db, actor, { now: NOW }).say("account list", { idempotencyKey: "list-key" });
    expect(read.ok).toBe(true);
    expect(await db.processedEvent.findUnique({ where: { key: "SLACK:list-key" } })).toBeNull();
    const write = await chat(db, actor, { now: NOW }).say(`account add "Kept GmbH"`, { idempotencyKey: "write-key" });
    expect(write.ok).toBe(true);
    expect(await db.processedEvent.findUnique({ where: { key: "SLACK:write-key" } })).not.toBeNull();
  });

  it("makes no link code in a Teams channel, where everyone would see it", async () => {
    const db = get().prisma;
    const { actor } = await newOrganization(db);
    const inChannel = await chat(db, { ...actor, platform: "TEAMS" }, { now: NOW }).say("link", { privateReplies: false });
    expect(inChannel.ok).toBe(false);
    expect(replyText(inChannel)).toMatch(/personal chat/);
    expect(await db.linkCode.count({ where: { organizationId: actor.organizationId } })).toBe(0);
    expect((await chat(db, { ...actor, platform: "TEAMS" }, { now: NOW }).say("link", { privateReplies: true })).ok).toBe(true);
  });

  it("lets viewers read but not write, and keeps organization settings to admins", async () => {
    const db = get().prisma;
    const { actor, org } = await accountWithProducts(db);
    const viewer = await newMember(db, org.id, "Vera Viewer");
    await addToTeam(db, actor, { account: "acme", member: "Vera", role: "VIEWER" });
    const asViewer = chat(db, viewer.actor, { now: NOW });
    expect((await asViewer.say("order list acme")).ok).toBe(true);
    for (const line of ["order log acme 1 BOLT-10", "invoice add acme R 5", "case open acme Help", "settings org reminders 7", "account add Other", "product add X y"]) {
      const reply = await asViewer.say(line);
      expect({ line, ok: reply.ok, text: replyText(reply) }).toMatchObject({ ok: false, text: expect.stringMatching(/not allowed/) });
    }
    expect((await asViewer.say("settings language de")).ok).toBe(true);
  });

  it("never reaches another organization's data, whatever names or numbers are given", async () => {
    const db = get().prisma;
    const a = await accountWithProducts(db);
    const asA = chat(db, a.actor, { now: NOW });
    await asA.say("order log acme 1 BOLT-10");
    await asA.say("project add acme Rollout due 2026-12-01");
    await asA.say("milestone add P-1 Kickoff due 2026-11-30");
    await asA.say("invoice add acme RE-1 10");
    await asA.say("contract add acme Frame from 2026-01-01 to 2026-12-31");
    await asA.say("case open acme Broken");
    const b = await newOrganization(db);
    const asB = chat(db, b.actor, { now: NOW });
    await asB.say("account add Own");
    const before = await counts(db, a.org.id);
    const probes = [
      "account show acme", `account show ${a.account.id}`, "account bind acme", "team list acme", "team add acme Ada sales",
      "order log acme 1 BOLT-10", `order log ${a.account.id} 1 BOLT-10`, "order log Own 1 BOLT-10", "order reorder acme", "order list acme",
      "order status O-1 confirmed", "order show 1", "project add acme X due 2026-12-01", "milestone add P-1 X due 2026-12-01",
      "milestone done M-1", "milestone list P-1", "deadlines acme", "invoice add acme R 5", "invoice paid RE-1", "invoice list acme",
      "contract add acme X from 2026-01-01 to 2026-12-31", "contract list acme", "contract show K-1", "case open acme X", "case close C-1",
      "case list acme", "suggest acme",
    ];
    // Corrections, history (issue 12): another organization's references are "not found" too.
    probes.push(
      "order edit O-1 line 1 qty 2", "order edit O-1", "order cancel O-1", "invoice edit I-1 amount 5", "invoice edit I-1", "invoice void I-1",
      "invoice credit I-1 1", "contract renew K-1 to 2027-12-31", "contract renew K-1", "contract amend K-1 price BOLT-10=1", "contract notice K-1 given",
      "contract end K-1 on 2026-06-30", "history O-1", "history I-1", "history K-1", "history P-1", "history M-1", "history C-1", "history acme",
    );
    // Projects, cases, accounts, products and roles (issue 12).
    probes.push(
      "milestone move M-1 due 2027-01-10", "milestone owner M-1 Ada", "milestone reopen M-1", "project close P-1", "case show C-1",
      "case edit C-1 priority high", "case assign C-1 Ada", "case note C-1 hello", "case priority C-1 high", "case reopen C-1",
      "account rename acme to X", "account edit acme tier regional", "account archive acme", "account unarchive acme",
      "product edit BOLT-10 name X", "product retire BOLT-10",
    );
    for (const line of probes) {
      const reply = await asB.say(line, { channelId: "C-other" });
      expect({ line, ok: reply.ok, text: replyText(reply) }).toMatchObject({ ok: false, text: expect.stringMatching(/found no|I found no/) });
    }
    expect(await counts(db, a.org.id)).toEqual(before);
  });

  it("lets commands in a bound channel leave the account out", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    await bindChannel(db, actor, { account: "acme", platform: "SLACK", channelId: "C-ACME" });
    const { say } = chat(db, actor, { now: NOW, channelId: "C-ACME" });
    expect(replyText(await say("order log 3 BOLT-10"))).toMatch(/Order O-1 logged for ACME Holding GmbH/);
    expect(replyText(await say("invoice add RE-7 EUR 7,50"))).toMatch(/Invoice RE-7 of €7.50 recorded for ACME/);
    expect(replyText(await say("case open Late delivery"))).toMatch(/Case C-1 opened for ACME Holding GmbH: Late delivery/);
    expect((await say("order list")).ok).toBe(true);
    expect((await say("order log 3 BOLT-10")).visibility).toBe("channel");
    expect((await say("order list")).visibility).toBe("caller");
  });
});

describeEachDatabase("the chat handler on issue 11's findings", (get) => {
  it("refuses `invoice paid` for a number two invoices carry, lists both, warns at entry, and pays the one named I-n", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const { say } = chat(db, actor, { now: NOW });
    expect(replyText(await say("invoice add acme RE-9002 100,00 € issued 2026-11-10"))).toMatch(/Invoice RE-9002 of €100.00 recorded for ACME Holding GmbH as I-1\./);
    const second = await say("invoice add acme RE-9002 120,00 € issued 2026-11-12");
    expect(second.ok).toBe(true);
    expect(second.blocks).toContainEqual({ kind: "text", tone: "warning", text: expect.stringMatching(/ACME Holding GmbH already has an invoice numbered RE-9002: I-1 of 10 Nov 2026, €100.00\. I-2 is recorded anyway/) });
    expect(replyText(second)).toContain("[Mark paid] invoice paid I-2");

    const before = await counts(db, actor.organizationId);
    const ambiguous = await say("invoice paid RE-9002");
    expect(ambiguous.ok).toBe(false);
    expect(replyText(ambiguous)).toMatch(/"RE-9002" is the number of 2 invoices: I-1 \(ACME Holding GmbH\), I-2 \(ACME Holding GmbH\)\. Nothing was changed/);
    expect(replyText(ambiguous)).toMatch(/I-1 \| RE-9002 \| ACME Holding GmbH \| €100.00 \| 10 Nov 2026 \| –/);
    expect(replyText(ambiguous)).toMatch(/I-2 \| RE-9002 \| ACME Holding GmbH \| €120.00 \| 12 Nov 2026 \| –/);
    expect(ambiguous.blocks.at(-1)).toEqual({ kind: "actions", buttons: [{ label: "I-1", command: "invoice paid I-1" }, { label: "I-2", command: "invoice paid I-2" }] });
    expect(await db.invoice.count({ where: { organizationId: actor.organizationId, paidOn: { not: null } } })).toBe(0);
    expect(await counts(db, actor.organizationId)).toEqual(before);
    // `on <date>` is kept in the buttons; `invoice show` asks the same way.
    expect((await say("invoice paid RE-9002 on 2026-11-20")).blocks.at(-1)).toMatchObject({ buttons: [{ command: "invoice paid I-1 on 2026-11-20" }, { command: "invoice paid I-2 on 2026-11-20" }] });
    expect(replyText(await say("invoice show RE-9002"))).toMatch(/is the number of 2 invoices/);

    expect(replyText(await say("invoice paid I-2 on 2026-11-25"))).toMatch(/Invoice I-2 · RE-9002 \(ACME Holding GmbH\) paid on Wed, 25 Nov 2026/);
    expect(replyText(await say("invoice list acme"))).toMatch(/Ref \| Number[\s\S]*I-2 \| RE-9002 \| €120.00[\s\S]*I-1 \| RE-9002 \| €100.00/);
    const shown = await say("invoice show i-1");
    expect(replyText(shown)).toMatch(/Invoice I-1 · RE-9002 · ACME Holding GmbH[\s\S]*Amount: €100.00[\s\S]*Paid: –/);
    expect(replyText(shown)).toContain("[Mark paid] invoice paid I-1");
    // The checks name both by reference in the duplicate flag.
    await runChecks(db, actor.organizationId, { now: NOW });
    expect(replyText(await say("flags acme"))).toMatch(/Invoice I-2 · RE-9002 carries a number used before \(invoice I-1 · RE-9002 of 10 Nov 2026/);
    expect(replyText(await say("invoice show I-2"))).toMatch(/Flags about this invoice[\s\S]*F-\d+ \(critical, open\)/);
  });

  it("names order statuses in the caller's language, and refuses invoiced without an invoice and invoicing a cancelled order", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const { say } = chat(db, actor, { now: NOW });
    await say("order log acme 10 BOLT-10");
    await say("order status O-1 delivered");
    const back = await say("order status O-1 received");
    expect(back.ok).toBe(false);
    expect(replyText(back)).toMatch(/Order O-1 is delivered and cannot be set to received\./);
    expect(replyText(back)).not.toMatch(/DELIVERED|RECEIVED/);
    const unbilled = await say("order status O-1 invoiced");
    expect(unbilled.ok).toBe(false);
    expect(replyText(unbilled)).toMatch(/Order O-1 has no invoice yet, so it cannot be set to invoiced\. Record the invoice first: invoice add "ACME Holding GmbH" <number> <amount> order O-1/);
    expect((await db.order.findFirstOrThrow({ where: { organizationId: actor.organizationId, number: 1 } })).status).toBe("DELIVERED");
    await say("invoice add acme RE-1 25,00 € order O-1");
    expect(replyText(await say("order status O-1 invoiced"))).toMatch(/Order O-1 \(ACME Holding GmbH\) is now invoiced/);

    await say("order log acme 5 BOLT-10");
    await say("order status O-2 cancelled");
    const before = await counts(db, actor.organizationId);
    const cancelled = await say("invoice add acme RE-2 12,50 € order O-2");
    expect(cancelled.ok).toBe(false);
    expect(replyText(cancelled)).toMatch(/Order O-2 is cancelled, so no invoice can bill it/);
    expect(await counts(db, actor.organizationId)).toEqual(before);

    await say("settings language de");
    expect(replyText(await say("order status O-1 received"))).toMatch(/Auftrag O-1 ist berechnet und kann nicht auf eingegangen gesetzt werden\./);
    expect(replyText(await say("order status O-2 confirmed"))).toMatch(/Auftrag O-2 ist storniert und kann nicht auf bestätigt gesetzt werden\./);
    expect(replyText(await say("invoice add acme RE-3 12,50 € order O-2"))).toMatch(/Auftrag O-2 ist storniert, also kann keine Rechnung ihn berechnen/);
  });

  it("says that accounts exist when the caller is on none of their teams, and lists every contract without an account", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const { say } = chat(db, actor, { now: NOW });
    await say(`account add "Baltic Logistics AG"`);
    const mine = await say("account list mine");
    expect(mine.ok).toBe(true);
    expect(replyText(mine)).toMatch(/You're on no account team yet; 2 accounts exist — account list shows them\./);
    expect(replyText(mine)).not.toMatch(/No accounts yet/);
    expect(replyText(mine)).toContain("[All accounts] account list");
    await say("team add acme Ada account-manager");
    expect(replyText(await say("account list mine"))).toMatch(/Your accounts \(1\)[\s\S]*ACME Holding GmbH/);

    await say(`contract add acme "Frame 2026" from 2026-01-01 to 2026-12-31`);
    await say(`contract add baltic "Rahmen" from 2026-03-01 to 2027-02-28`);
    const all = await say("contract list");
    expect(all.ok).toBe(true);
    expect(replyText(all)).toMatch(/Contracts \(2\)[\s\S]*Contract \| Account[\s\S]*K-1 Frame 2026 \| ACME Holding GmbH[\s\S]*K-2 Rahmen \| Baltic Logistics AG/);
    expect(replyText(await say("contract list baltic"))).toMatch(/Contracts of Baltic Logistics AG \(1\)[\s\S]*K-2 Rahmen/);
    await say("settings language de");
    expect(replyText(await say("account list"))).toMatch(/Kunden \(2\)/);
  });

  it("suggest's Reorder button opens the order form with the due product in its usual quantity; sending it orders just that", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    await addProduct(db, actor, { sku: "LABEL-A6", name: "Labels A6", listPrice: { minor: 1290 } });
    // LABEL-A6 every three weeks, 25 or 30 rolls (usually 25), last six weeks ago: due.
    for (const [daysAgo, quantity] of [[105, 25], [84, 30], [63, 25], [42, 25]] as const) {
      await logOrder(db, actor, { account: "acme", lines: [{ product: "LABEL-A6", quantity }], orderedOn: addDays("2026-11-26", -daysAgo) });
    }
    // The account's latest order is of other products.
    await logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 400 }, { product: "NUT-10", quantity: 450 }], orderedOn: "2026-11-25" });
    const { say, submit } = chat(db, actor, { now: NOW });
    const suggestion = await say("suggest acme");
    expect(replyText(suggestion)).toMatch(/LABEL-A6 Labels A6 — last ordered .*usually every 21 days, 25 pcs at a time/);
    const actions = suggestion.blocks.find((b) => b.kind === "actions");
    expect(actions).toEqual({ kind: "actions", buttons: [{ label: "Reorder 25 LABEL-A6", command: `order draft "ACME Holding GmbH" 25 LABEL-A6` }] });

    const ordersBefore = await db.order.count({ where: { organizationId: actor.organizationId } });
    const draft = await say(actions!.kind === "actions" ? actions!.buttons[0]!.command : "");
    expect(draft.ok).toBe(true);
    const form = draft.blocks[0]!.kind === "form" ? draft.blocks[0]!.form : null;
    const account = await db.account.findFirstOrThrow({ where: { organizationId: actor.organizationId, name: "ACME Holding GmbH" } });
    expect(form?.id).toBe("order.log");
    expect(Object.fromEntries(form!.fields.filter((f) => f.value !== undefined).map((f) => [f.name, f.value]))).toEqual({ account: account.id, product1: "LABEL-A6", quantity1: "25" });
    expect(replyText(draft)).toContain(`Or type: order log "ACME Holding GmbH" 25 LABEL-A6`);
    // Showing the form writes nothing.
    expect(await db.order.count({ where: { organizationId: actor.organizationId } })).toBe(ordersBefore);

    const sent = await submit("order.log", { account: account.id, product1: "LABEL-A6", quantity1: "25" });
    expect(replyText(sent)).toMatch(/Order O-6 logged for ACME Holding GmbH: €322.50/);
    const order = await db.order.findFirstOrThrow({ where: { organizationId: actor.organizationId, number: 6 }, include: { lines: { include: { product: true } } } });
    expect(order.lines.map((l) => [l.product.sku, Number(l.quantity)])).toEqual([["LABEL-A6", 25]]);
    expect(order.reorderOfId).toBeNull();

    // A viewer gets no form to fill in; a German caller gets the hint in German.
    await say("settings language de");
    expect(replyText(await say(`order draft acme 25 LABEL-A6`))).toContain(`Oder schreib: order log "ACME Holding GmbH" 25 LABEL-A6`);
    const viewer = await newMember(db, actor.organizationId, "Vera Viewer");
    await addToTeam(db, actor, { account: "acme", member: "Vera", role: "VIEWER" });
    expect((await chat(db, viewer.actor, { now: NOW }).say("order draft acme 25 LABEL-A6")).ok).toBe(false);
  });

  it("binds the digest channel where digest bind is typed, refuses it outside a channel, and answers digest <account> to the caller only", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const before = await counts(db, actor.organizationId);
    const nowhere = await chat(db, actor, { now: NOW }).say("digest bind");
    expect(nowhere.ok).toBe(false);
    expect(replyText(nowhere)).toMatch(/Run digest bind in the Slack or Teams channel that is to get the weekly digest/);
    expect(await counts(db, actor.organizationId)).toEqual(before);

    const { say } = chat(db, actor, { now: NOW, channelId: "C0MANAGERS" });
    const bound = await say("digest bind");
    expect(bound.visibility).toBe("channel");
    expect(replyText(bound)).toMatch(/This channel now gets the managers' weekly digest, Mondays at 08:00 \(UTC\)\.[\s\S]*Digest channels: 1/);
    expect(replyText(await say("digest bind"))).toMatch(/already gets the managers' weekly digest/);
    expect(await db.channelBinding.findMany({ where: { organizationId: actor.organizationId, purpose: "DIGEST" }, select: { platform: true, channelId: true, accountId: true } }))
      .toEqual([{ platform: "SLACK", channelId: "C0MANAGERS", accountId: null }]);
    expect(replyText(await say("digest bind now"))).toMatch(/I did not understand "now"/);

    const overview = await say("digest acme");
    expect(overview.ok).toBe(true);
    expect(overview.visibility).toBe("caller");
    expect(replyText(overview)).toMatch(/Weekly digest — 26 Nov 2026/);

    await say("settings language de");
    expect(replyText(await say("digest bind"))).toMatch(/Dieser Kanal bekommt die Wochenübersicht schon, montags um 08:00 \(UTC\)/);
    expect(replyText(await say("digest unbind"))).toMatch(/Dieser Kanal bekommt die Wochenübersicht nicht mehr/);
    expect(replyText(await say("digest unbind"))).toMatch(/bekommt die Wochenübersicht nicht; nichts geändert/);
    expect(replyText(await say("help insights"))).toMatch(/digest bind[\s\S]*digest unbind/);
  });
});

