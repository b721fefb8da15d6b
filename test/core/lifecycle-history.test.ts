import { expect, it } from "vitest";
import type { Actor } from "../../src/domain/actor.ts";
import { chat, replyText } from "../support/chat.ts";
import { TEST_NOW } from "../support/clock.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { twoOrganizations } from "../support/domain-fixtures.ts";


/** Each step a minute after the one before: undo and history order changes by time. */
describeEachDatabase("history and undo of projects, cases, accounts, products and roles", (get) => {
  const at = (actor: Actor, minutes: number) => chat(get().prisma, { ...actor, now: new Date(TEST_NOW.getTime() + minutes * 60_000) });

  it("shows the changes field by field and undoes the scalar ones", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    await at(a.actor, 0).say('project add "ACME Holding GmbH" Rollout due 2026-12-31');
    await at(a.actor, 0).say("milestone add P-1 Pilot due 2026-12-10");
    await at(a.actor, 0).say('case open "ACME Holding GmbH" Damaged pallet');

    // A milestone move: history shows it, undo puts the date back.
    await at(a.actor, 1).say("milestone move M-1 due 2026-12-20");
    const history = replyText(await at(a.actor, 2).say("history M-1"));
    expect(history).toMatch(/milestone moved/);
    expect(history).toMatch(/Due: .*10.* → .*20/);
    const undone = await at(a.actor, 3).say("undo");
    expect(undone.ok).toBe(true);
    const m = await db.milestone.findFirstOrThrow({ where: { organizationId: a.org.id, number: 1 } });
    expect(m.dueOn.toISOString().slice(0, 10)).toBe("2026-12-10");
    expect(m.version).toBe(3);

    // A priority change takes its response deadline back with it.
    const opened = await db.case.findFirstOrThrow({ where: { organizationId: a.org.id, number: 1 } });
    await at(a.actor, 4).say("case priority C-1 urgent");
    expect((await at(a.actor, 5).say("undo")).ok).toBe(true);
    expect(await db.case.findUniqueOrThrow({ where: { id: opened.id } })).toMatchObject({ priority: "NORMAL", slaDueAt: opened.slaDueAt, version: 3 });

    // An assignment: history names the member.
    await at(a.actor, 6).say("case assign C-1 Cem");
    expect(replyText(await at(a.actor, 7).say("history C-1"))).toMatch(/Assigned to: — → Cem Service/);

    // A note is not undone, and undo says why.
    await at(a.actor, 8).say("case note C-1 Called the carrier");
    const refused = await at(a.actor, 9).say("undo");
    expect(refused.ok).toBe(false);
    expect(replyText(refused)).toMatch(/cannot be undone: a note stays once written/);
    expect(await db.caseNote.count({ where: { caseId: opened.id } })).toBe(1);

    // An announced price is withdrawn by undo.
    await at(a.actor, 10).say("product edit BOLT-10 price 2.75 from 2027-01-01");
    expect(replyText(await at(a.actor, 11).say("history BOLT-10"))).toMatch(/Announced list price: — → €2\.75/);
    expect((await at(a.actor, 12).say("undo")).ok).toBe(true);
    expect(await db.product.findUniqueOrThrow({ where: { id: a.bolts.id } })).toMatchObject({ nextListPriceMinor: null, nextPriceStartsOn: null, listPriceMinor: 250n });

    // A role change is undone; the account rename too.
    await at(a.actor, 13).say("member role Cem manager");
    expect((await at(a.actor, 14).say("undo")).ok).toBe(true);
    expect((await db.member.findUniqueOrThrow({ where: { id: a.service.member.id } })).orgRole).toBe("MEMBER");
    await at(a.actor, 15).say("account rename acme to ACME Group");
    expect((await at(a.actor, 16).say("undo")).ok).toBe(true);
    expect((await db.account.findUniqueOrThrow({ where: { id: a.account.id } })).name).toBe("ACME Holding GmbH");

    // German history.
    expect((await at(a.actor, 17).say("settings language de")).ok).toBe(true);
    expect(replyText(await at(a.actor, 18).say("history C-1"))).toMatch(/Zuständig: — → Cem Service/);
  });

  it("refuses to undo an archive and a project close that cancelled milestones, saying what to do instead", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    await at(a.actor, 1).say("account archive baltic");
    const archive = await at(a.actor, 2).say("undo");
    expect(archive.ok).toBe(false);
    expect(replyText(archive)).toMatch(/account unarchive brings an archived account back/);
    expect((await db.account.findUniqueOrThrow({ where: { id: a.baltic.id } })).archivedAt).not.toBeNull();

    await at(a.actor, 3).say('project add "ACME Holding GmbH" Rollout due 2026-12-31');
    await at(a.actor, 3).say("milestone add P-1 Pilot due 2026-12-10");
    await at(a.actor, 4).say("project close P-1");
    const close = await at(a.actor, 5).say("undo");
    expect(close.ok).toBe(false);
    // The close and the cancellations it caused are one instant: either is "the last change", neither undoable.
    expect(replyText(close)).toMatch(/closing it cancelled milestones|it was cancelled when its project was closed/);
    expect((await db.project.findFirstOrThrow({ where: { organizationId: a.org.id, number: 1 } })).status).toBe("DONE");

    expect((await at(a.actor, 6).say("settings language de")).ok).toBe(true);
    await at(a.actor, 7).say("case open acme Kaputt");
    await at(a.actor, 8).say("case note C-1 Notiz");
    expect(replyText(await at(a.actor, 9).say("undo"))).toMatch(/eine Notiz bleibt, wenn sie geschrieben ist/);
  });
});
