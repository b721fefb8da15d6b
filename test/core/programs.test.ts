import { expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.ts";
import { chat, replyText } from "../support/chat.ts";
import { footprint, twoOrganizations } from "../support/domain-fixtures.ts";
import { TEST_NOW } from "../support/clock.ts";

const NOW = TEST_NOW; // Thu 26 Nov 2026, 10:00 UTC; the organization's time zone is UTC

describeEachDatabase("marketing programs", (get) => {
  it("program show: the uplift on known orders, against as many days just before the program", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    const { say } = chat(db, actor, { now: NOW });
    // Program MP-1 runs 16–25 Nov (10 days): the baseline is 6–15 Nov.
    expect(replyText(await say('program add acme "Autumn push" from 2026-11-16 to 2026-11-25 products BOLT-10 budget 1.500,00 €'))).toMatch(
      /Program MP-1 Autumn push added for ACME Holding GmbH: Mon, 16 Nov 2026 – Wed, 25 Nov 2026/,
    );
    await say("order log acme 100 BOLT-10 on 2026-11-05"); // the day before the baseline: not counted
    await say("order log acme 40 BOLT-10 on 2026-11-06"); // baseline, first day: 40 × €2.50 = €100.00
    await say("order log acme 60 BOLT-10 @ 2.00 on 2026-11-15"); // baseline, last day: 60 × €2.00 = €120.00
    await say("order log acme 80 BOLT-10, 50 NUT-10 on 2026-11-16"); // during, first day: 80 × €2.50 = €200.00 (NUT-10 is not the program's)
    await say("order log acme 1000 BOLT-10 on 2026-11-20"); // cancelled below: not counted
    await say("order cancel O-5");
    await say("order log baltic 999 BOLT-10 on 2026-11-20"); // another account: not counted
    await say("order log acme 70 BOLT-10 @ 3.00 on 2026-11-25"); // during, last day: 70 × €3.00 = €210.00
    await say("order log acme 500 BOLT-10"); // today, the day after the program: not counted
    // Before: 40 + 60 = 100 pcs, €220.00. During: 80 + 70 = 150 pcs, €410.00.
    // Uplift: +50 pcs (+50%), +€190.00 (190 / 220 = +86%).
    const shown = replyText(await say("program show MP-1"));
    expect(shown).toMatch(/Program MP-1 Autumn push · ACME Holding GmbH/);
    expect(shown).toMatch(/Status: ended/);
    expect(shown).toMatch(/Budget: €1,500.00/);
    expect(shown).toMatch(/Ordered 16 Nov 2026 – 25 Nov 2026 \(the program's 10 days\) against the 10 days before, 6 Nov 2026 – 15 Nov 2026/);
    expect(shown).toMatch(/BOLT-10 \| 100 \| 150 \| \+50 \(\+50%\) \| €220.00 \| €410.00 \| \+€190.00 \(\+86%\)/);
    expect(shown).toMatch(/Uplift: \+50 in quantity \(\+50%\), \+€190.00 in value \(\+86%\)/);
    expect(shown).not.toMatch(/NUT-10/);

    // No products named: everything the account ordered counts. No baseline for NUT-10 alone.
    await say('program add acme "Nut week" from 2026-11-16 to 2026-11-25 products NUT-10');
    const nuts = replyText(await say("program show MP-2"));
    expect(nuts).toMatch(/NUT-10 \| 0 \| 50 \| \+50 \(no baseline\) \| €0.00 \| €40.00 \| \+€40.00 \(no baseline\)/);
    expect(nuts).toMatch(/No baseline: nothing of this was ordered in the 10 days before the program, so there is no uplift in percent. During the program: 50, €40.00/);

    await chat(db, actor, { now: NOW }).say("settings language de");
    const de = replyText(await say("program show MP-1"));
    expect(de).toMatch(/Effekt: \+50 in der Menge \(\+50\s%\), \+190,00\s€ im Wert \(\+86\s%\)/);
    expect(de).toMatch(/Status: beendet/);
  });

  it("orders count on their day in the organization's time zone", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    const { say } = chat(db, actor, { now: NOW });
    await say("settings org timezone Europe/Berlin");
    await say("program add acme Night from 2026-11-16 to 2026-11-17 products BOLT-10");
    // 23:30 UTC on 15 Nov is 00:30 on 16 Nov in Berlin: during the program, not before it.
    await chat(db, actor, { now: new Date("2026-11-15T23:30:00Z") }).say("order log acme 20 BOLT-10");
    // 22:30 UTC on 13 Nov is 23:30 on 13 Nov in Berlin: the day before the baseline (14–15 Nov).
    await chat(db, actor, { now: new Date("2026-11-13T22:30:00Z") }).say("order log acme 7 BOLT-10");
    await chat(db, actor, { now: new Date("2026-11-14T12:00:00Z") }).say("order log acme 10 BOLT-10");
    expect(replyText(await say("program show MP-1"))).toMatch(/BOLT-10 \| 10 \| 20 \| \+10 \(\+100%\) \| €25.00 \| €50.00 \| \+€25.00 \(\+100%\)/);
  });

  it("a running program compares its days so far; program end ends it today, history shows it and undo takes it back", async () => {
    const db = get().prisma;
    const { actor, viewer, b } = await twoOrganizations(db);
    const { say } = chat(db, actor, { now: NOW });
    await say("order log acme 10 BOLT-10 on 2026-11-19"); // baseline (13–19 Nov)
    await say("order log acme 30 BOLT-10 on 2026-11-20"); // during (20–26 Nov so far)
    await say("order log acme 5 BOLT-10 on 2026-11-12"); // just before the baseline
    await say("program add acme Winter from 2026-11-20 to 2026-12-31 products BOLT-10");
    const shown = replyText(await say("program show MP-1"));
    expect(shown).toMatch(/Status: running/);
    expect(shown).toMatch(/Ordered 20 Nov 2026 – 26 Nov 2026 \(the program's 7 days\) against the 7 days before, 13 Nov 2026 – 19 Nov 2026/);
    expect(shown).toMatch(/BOLT-10 \| 10 \| 30 \| \+20 \(\+200%\) \| €25.00 \| €75.00 \| \+€50.00 \(\+200%\)/);
    expect(shown).toMatch(/\[End program\] program end MP-1 version 1/);

    expect(replyText(await say("program list"))).toMatch(/MP-1 Winter \| ACME Holding GmbH \| 20 Nov 2026 \| 31 Dec 2026 \| BOLT-10 \| – \| running/);
    expect(replyText(await say("program list acme"))).toMatch(/Marketing programs of ACME Holding GmbH \(1\)/);
    expect(replyText(await say("program list baltic"))).toMatch(/No marketing programs/);
    expect(replyText(await say("account show acme"))).toMatch(/1 marketing program running:\nMP-1 Winter, until 31 Dec 2026 \(BOLT-10\)/);
    expect(replyText(await say("digest"))).toMatch(/1 marketing program running\nMP-1 Winter · ACME Holding GmbH: 20 Nov 2026 – 31 Dec 2026/);

    expect(replyText(await chat(db, viewer.actor, { now: NOW }).say("program end MP-1"))).toMatch(/not allowed/);
    expect(replyText(await chat(db, b.actor, { now: NOW }).say("program end MP-1"))).toMatch(/I found no marketing program "MP-1"/);
    expect(replyText(await chat(db, b.actor, { now: NOW }).say("program show MP-1"))).toMatch(/I found no marketing program "MP-1"/);

    const ended = replyText(await say("program end MP-1"));
    expect(ended).toMatch(/Program MP-1 Winter of ACME Holding GmbH ended today, Thu, 26 Nov 2026/);
    expect(ended).toMatch(/To: Thu, 26 Nov 2026/);
    expect(replyText(await say("program end MP-1"))).toMatch(/Program MP-1 has already ended \(its last day was 2026-11-26\)/);
    expect(replyText(await say("program show MP-1"))).toMatch(/Status: ended/);
    expect(replyText(await say("account show acme"))).not.toMatch(/marketing program/);
    expect(replyText(await say("digest"))).not.toMatch(/marketing program/);

    const history = replyText(await say("history MP-1"));
    expect(history).toMatch(/program ended/);
    expect(history).toMatch(/To: 31 Dec 2026 → 26 Nov 2026/);
    expect(history).toMatch(/program added/);
    expect(replyText(await say("history acme"))).toMatch(/MP-1/);
    expect(replyText(await say("undo"))).toMatch(/MP-1/);
    const again = replyText(await say("program show MP-1"));
    expect(again).toMatch(/Status: running/);
    expect(again).toMatch(/To: Thu, 31 Dec 2026/);
    // A stale button (built on version 1; the record is at 3 after end and undo) changes nothing.
    expect(replyText(await say("program end MP-1 version 1"))).toMatch(/changed/);
    expect(replyText(await say("program show MP-1"))).toMatch(/Status: running/);
  });

  it("refuses bad input clearly and writes nothing", async () => {
    const db = get().prisma;
    const { actor, viewer } = await twoOrganizations(db);
    const { say } = chat(db, actor, { now: NOW });
    const before = await footprint(db, actor.organizationId);
    const count = () => db.marketingProgram.count({ where: { organizationId: actor.organizationId } });
    expect(replyText(await say("program add acme Spring from 2026-12-10 to 2026-12-01"))).toMatch(/A program cannot end before it starts: 2026-12-01 is before 2026-12-10/);
    expect(replyText(await say("program add acme Spring from 2026-12-01 to 2026-12-10 products BOLT-10 WIDGET-9"))).toMatch(/I found no product "WIDGET-9"/);
    expect(replyText(await say("program add acme Spring from 2026-12-01 to 2026-12-10 budget 12,5x"))).toMatch(/"12,5x" is not an amount I can read/);
    expect(replyText(await say("program add acme Spring from 2026-12-01"))).toMatch(/Missing To/);
    expect(replyText(await say("program add acme Spring to 2026-12-01"))).toMatch(/Missing From/);
    expect(replyText(await say("program add acme Spring from someday to 2026-12-01"))).toMatch(/"someday" is not a date I can read/);
    expect(replyText(await say("program add nobody Spring from 2026-12-01 to 2026-12-10"))).toMatch(/I found no account "nobody"/);
    expect(replyText(await chat(db, viewer.actor, { now: NOW }).say("program add acme Spring from 2026-12-01 to 2026-12-10"))).toMatch(/not allowed/);
    expect(replyText(await say("program show MP-99"))).toMatch(/I found no marketing program "MP-99"/);
    expect(replyText(await say("program end MP-99"))).toMatch(/I found no marketing program "MP-99"/);
    expect(replyText(await say("program show"))).toMatch(/Missing Program/);
    expect(await count()).toBe(0);
    expect(await footprint(db, actor.organizationId)).toEqual(before);

    await say("program add acme Later from 2026-12-01 to 2026-12-10");
    expect(replyText(await say("program end MP-1"))).toMatch(/Program MP-1 starts on 2026-12-01: it cannot end before it has started/);
    expect(replyText(await say("program show MP-1"))).toMatch(/The program starts on Tue, 1 Dec 2026: nothing to compare yet/);
    await say("program add acme Earlier from 2026-10-01 to 2026-10-31");
    expect(replyText(await say("program end MP-2"))).toMatch(/Program MP-2 ran until 2026-10-31: it is over already/);
    expect(await db.marketingProgram.count({ where: { organizationId: actor.organizationId, endedAt: { not: null } } })).toBe(0);
  });

  it("in a bound channel the account is left out; the form and German words give the same program", async () => {
    const db = get().prisma;
    const { actor, account } = await twoOrganizations(db);
    const bound = chat(db, actor, { now: NOW, channelId: "C-ACME" });
    await bound.say("account bind acme");
    expect(replyText(await bound.say('program add "Trade fair" from 2026-12-01 to 2026-12-05 products BOLT-10, NUT-10 budget EUR 300'))).toMatch(
      /Program MP-1 Trade fair added for ACME Holding GmbH/,
    );
    expect(replyText(await bound.say("program list"))).toMatch(/MP-1 Trade fair \| 1 Dec 2026 \| 5 Dec 2026 \| BOLT-10, NUT-10 \| €300.00 \| planned/);
    const { say, submit } = chat(db, actor, { now: NOW });
    expect(replyText(await say("program"))).toMatch(/Add a marketing program/);
    const help = replyText(await say("help programs"));
    expect(help).toMatch(/Commands: marketing programs and their uplift/);
    expect(help).toMatch(/program show <MP-n>/);
    expect(replyText(await submit("program.add", { account: account.id, name: "Webinar", fromDay: "2026-12-07", toDay: "2026-12-06" }))).toMatch(/toDay: A program cannot end before it starts: 2026-12-06 is before 2026-12-07/);
    expect(replyText(await submit("program.add", { account: account.id, name: "Webinar", fromDay: "2026-12-07", toDay: "2026-12-09", products: "NUT-10", budget: "99" }))).toMatch(/Program MP-2 Webinar added/);
    await say("settings language de");
    expect(replyText(await say("program add acme Frühjahr von 1.3.2027 bis 31.3.2027 produkte BOLT-10 budget 1.000"))).toMatch(/Programm MP-3 Frühjahr für ACME Holding GmbH angelegt: Mo., 1. März 2027 – Mi., 31. März 2027/);
    const programs = await db.marketingProgram.findMany({ where: { organizationId: actor.organizationId }, orderBy: { number: "asc" }, include: { products: { include: { product: true } } } });
    expect(programs.map((p) => [p.number, p.name, Number(p.budgetMinor), p.products.map((x) => x.product.sku).sort().join(" ")])).toEqual([
      [1, "Trade fair", 30000, "BOLT-10 NUT-10"],
      [2, "Webinar", 9900, "NUT-10"],
      [3, "Frühjahr", 100000, "BOLT-10"],
    ]);
    expect(programs.every((p) => p.createdAt.getTime() === NOW.getTime())).toBe(true);
  });
});
