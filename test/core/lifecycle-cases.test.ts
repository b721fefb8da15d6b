import { expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { chat, replyText } from "../support/chat.ts";
import { TEST_NOW } from "../support/clock.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { footprint, twoOrganizations } from "../support/domain-fixtures.ts";
import { newMember } from "../support/fixtures.ts";

const HOUR = 3_600_000;

/** The change event of a record with the given action that brought it to `version` (tests act at one instant). */
async function changeTo(db: PrismaClient, entityId: string, action: string, version: number) {
  const events = await db.auditEvent.findMany({ where: { entityId, action } });
  const hit = events.filter((e) => (e.data as { version?: number }).version === version);
  expect(hit, `${action} to version ${version}`).toHaveLength(1);
  return hit[0]!;
}

describeEachDatabase("cases change from chat", (get) => {
  it("assigns, reprioritizes (moving the response deadline), closes and reopens a case, each change audited field by field", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const kam = chat(db, a.actor);
    expect((await kam.say('case open "ACME Holding GmbH" Damaged pallet')).ok).toBe(true);
    const opened = await db.case.findFirstOrThrow({ where: { organizationId: a.org.id, number: 1 } });
    expect(opened.slaDueAt.getTime()).toBe(TEST_NOW.getTime() + 72 * HOUR);

    expect(replyText(await kam.say("case assign C-1 to Cem"))).toMatch(/Case C-1 \(Damaged pallet\) is now assigned to Cem Service/);
    let change = await changeTo(db, opened.id, "case.assign", 2);
    expect(change).toMatchObject({ entityType: "Case", actorId: a.admin.id, platform: "SLACK" });
    expect(change.data).toMatchObject({ version: 2, changes: { assigneeId: { before: null, after: a.service.member.id } } });

    const urgent = await kam.say("case priority C-1 urgent");
    expect(replyText(urgent)).toMatch(/Case C-1 \(Damaged pallet\) now has priority urgent/);
    change = await changeTo(db, opened.id, "case.priority", 3);
    expect(change.data).toMatchObject({
      changes: {
        priority: { before: "NORMAL", after: "URGENT" },
        slaDueAt: { before: new Date(TEST_NOW.getTime() + 72 * HOUR).toISOString(), after: new Date(TEST_NOW.getTime() + 4 * HOUR).toISOString() },
      },
    });
    expect(replyText(await kam.say("case priority C-1 urgent"))).toMatch(/C-1 already has that value/);
    expect(replyText(await kam.say("case priority C-1 sometime"))).toMatch(/"sometime" is not a valid priority/i);

    await kam.say("case close C-1");
    expect((await changeTo(db, opened.id, "case.close", 4)).data).toMatchObject({ changes: { status: { before: "OPEN", after: "CLOSED" } } });
    const later = new Date(TEST_NOW.getTime() + 30 * HOUR);
    const reopened = await chat(db, { ...a.actor, now: later }).say("case reopen C-1");
    expect(replyText(reopened)).toMatch(/Case C-1 reopened: Damaged pallet\. Its response clock starts again now/);
    const row = await db.case.findUniqueOrThrow({ where: { id: opened.id } });
    expect(row).toMatchObject({ status: "OPEN", closedAt: null, version: 5, priority: "URGENT", assigneeId: a.service.member.id });
    expect(row.slaDueAt.getTime()).toBe(later.getTime() + 4 * HOUR);
    expect((await changeTo(db, opened.id, "case.reopen", 5)).data).toMatchObject({ changes: { status: { before: "CLOSED", after: "OPEN" }, closedAt: { after: null } } });
    expect(replyText(await kam.say("case reopen C-1"))).toMatch(/Case C-1 is already open/);

    // German.
    expect((await kam.say("settings language de")).ok).toBe(true);
    expect(replyText(await kam.say("case priority C-1 niedrig"))).toMatch(/Fall C-1 \(Damaged pallet\) hat jetzt Priorität niedrig/);
    expect(replyText(await kam.say("case assign C-1 Ada"))).toMatch(/Fall C-1 \(Damaged pallet\) liegt jetzt bei Ada Admin/);
    await kam.say("case close C-1");
    expect(replyText(await kam.say("case reopen C-1"))).toMatch(/Fall C-1 wieder geöffnet/);
  });

  it("adds notes (audited, not undoable, the case keeps its version) and shows the case with notes, assignee and history", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const kam = chat(db, a.actor);
    await kam.say('case open "ACME Holding GmbH" Late delivery priority high');
    const c = await db.case.findFirstOrThrow({ where: { organizationId: a.org.id, number: 1 } });

    const empty = replyText(await kam.say("case show C-1"));
    expect(empty).toMatch(/C-1 Late delivery/);
    expect(empty).toMatch(/No notes yet\. Add one with: case note C-1 <text>/);
    expect(empty).toMatch(/Assigned to: –/);

    const noted = await chat(db, a.service.actor).say("case note C-1 Called the carrier, truck leaves tomorrow");
    expect(replyText(noted)).toMatch(/Note added to case C-1 \(Late delivery\)/);
    const notes = await db.caseNote.findMany({ where: { caseId: c.id } });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ text: "Called the carrier, truck leaves tomorrow", authorId: a.service.member.id, platform: "SLACK", organizationId: a.org.id });
    const audit = await changeTo(db, c.id, "case.note", 1);
    expect(audit).toMatchObject({ entityType: "Case", actorId: a.service.member.id });
    expect(audit.data).toMatchObject({
      undoable: false, undoReason: "undo.reason.note", noteId: notes[0]!.id,
      changes: { note: { before: null, after: "Called the carrier, truck leaves tomorrow" } },
    });
    expect((await db.case.findUniqueOrThrow({ where: { id: c.id } })).version).toBe(1);

    await kam.say("case assign C-1 Cem");
    const shown = await kam.say("case show C-1");
    const text = replyText(shown);
    expect(text).toMatch(/Account: ACME Holding GmbH/);
    expect(text).toMatch(/Priority: high/);
    expect(text).toMatch(/Assigned to: Cem Service/);
    expect(text).toMatch(/1 note:/);
    expect(text).toMatch(/Cem Service: Called the carrier, truck leaves tomorrow/);
    expect(text).toMatch(/3 changes recorded: history C-1 shows them/);
    expect(text).toMatch(/\[Close case\] case close C-1/);

    // Refusals: no text, oversized text, a NUL; nothing written.
    const before = await footprint(db, a.org.id);
    expect(replyText(await kam.say("case note C-1"))).toMatch(/Missing text/);
    expect((await kam.say(`case note C-1 ${"x".repeat(2100)}`)).ok).toBe(false);
    expect((await kam.say("case note C-1 bad\u0000text")).ok).toBe(false);
    expect(replyText(await kam.say("case show C-42"))).toMatch(/I found no case "C-42"/);
    expect(await footprint(db, a.org.id)).toEqual(before);
    expect(await db.caseNote.count({ where: { caseId: c.id } })).toBe(1);

    expect((await kam.say("settings language de")).ok).toBe(true);
    expect(replyText(await kam.say("case note C-1 Spedition angerufen"))).toMatch(/Notiz zu Fall C-1 \(Late delivery\) hinzugefügt/);
    const de = replyText(await kam.say("case show C-1"));
    expect(de).toMatch(/2 Notizen:/);
    expect(de).toMatch(/Zuständig: Cem Service/);
    expect(de).toMatch(/4 Änderungen erfasst: history C-1 zeigt sie/);
  });

  it("keeps viewers, outsiders and other organizations out", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    await chat(db, a.actor).say('case open "ACME Holding GmbH" Damaged pallet');
    await newMember(db, a.b.org.id, "Bruno Beyond");
    const before = await footprint(db, a.org.id);
    const other = chat(db, a.b.actor);
    for (const line of ["case show C-1", "case assign C-1 Ada", "case note C-1 hello", "case priority C-1 high", "case reopen C-1"]) {
      const answer = await other.say(line);
      expect(answer.ok, line).toBe(false);
      expect(replyText(answer), line).toMatch(/I found no case "C-1"/);
    }
    for (const who of [a.viewer.actor, a.outsider.actor]) {
      for (const line of ["case assign C-1 Ada", "case note C-1 hello", "case priority C-1 high", "case reopen C-1"]) {
        expect(replyText(await chat(db, who).say(line)), line).toMatch(/not allowed/);
      }
      // Reading is open to every member of the organization.
      expect((await chat(db, who).say("case show C-1")).ok).toBe(true);
    }
    expect(replyText(await chat(db, a.actor).say("case assign C-1 Bruno"))).toMatch(/I found no member "Bruno"/);
    expect(await footprint(db, a.org.id)).toEqual(before);
    expect(await db.caseNote.count({ where: { organizationId: a.org.id } })).toBe(0);
  });
});

describeEachDatabase("the Edit button of case show", (get) => {
  it("opens the form on the case as it is, saves it, and refuses a form built on an older version with the current values", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const kam = chat(db, a.actor);
    await kam.say('case open "ACME Holding GmbH" Damaged pallet');
    const c = await db.case.findFirstOrThrow({ where: { organizationId: a.org.id, number: 1 } });

    const shown = await kam.say("case show C-1");
    const buttons = shown.blocks.flatMap((b) => (b.kind === "actions" ? b.buttons : []));
    expect(buttons.map((b) => b.command)).toEqual(["case edit C-1 version 1", "case close C-1"]);

    const opened = await kam.say(buttons[0]!.command);
    const form = opened.blocks.find((b) => b.kind === "form");
    expect(form?.kind === "form" && form.form.id).toBe("case.edit");
    const fieldsOf = (reply: typeof opened) => {
      const f = reply.blocks.find((b) => b.kind === "form");
      return f?.kind === "form" ? Object.fromEntries(f.form.fields.map((x) => [x.name, x.value])) : {};
    };
    expect(fieldsOf(opened)).toEqual({ case: "C-1", version: "1", priority: "NORMAL", assignee: "none" });

    const saved = await kam.submit("case.edit", { case: "C-1", version: "1", priority: "HIGH", assignee: a.service.member.id });
    expect(saved.ok).toBe(true);
    expect(replyText(saved)).toMatch(/Case C-1 \(Damaged pallet\) changed/);
    expect(await db.case.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ priority: "HIGH", assigneeId: a.service.member.id, version: 2 });
    const events = await db.auditEvent.findMany({ where: { entityId: c.id, action: "case.edit" } });
    expect(events[0]!.data).toMatchObject({ version: 2, changes: { priority: { before: "NORMAL", after: "HIGH" }, assigneeId: { before: null, after: a.service.member.id } } });

    // The same form again, still on version 1: refused with who changed it, and back with the current values.
    const stale = await chat(db, a.service.actor).submit("case.edit", { case: "C-1", version: "1", priority: "LOW", assignee: "none" });
    expect(stale.ok).toBe(false);
    expect(replyText(stale)).toMatch(/Ada Admin/);
    expect(fieldsOf(stale)).toEqual({ case: "C-1", version: "2", priority: "HIGH", assignee: a.service.member.id });
    expect(await db.case.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ priority: "HIGH", version: 2 });

    // Text works too, with "none" for nobody; another organization's member id is not found.
    expect(replyText(await kam.say("case edit C-1 assignee none"))).toMatch(/Assigned to: –/);
    expect(replyText(await kam.submit("case.edit", { case: "C-1", version: "3", priority: "HIGH", assignee: a.b.admin.id }))).toMatch(/I found no member/);
    expect(replyText(await chat(db, a.b.actor).say("case edit C-1 priority low"))).toMatch(/I found no case "C-1"/);
    expect(replyText(await chat(db, a.viewer.actor).submit("case.edit", { case: "C-1", version: "3", priority: "LOW", assignee: "none" }))).toMatch(/not allowed/);

    expect((await kam.say("settings language de")).ok).toBe(true);
    const de = await kam.say("case show C-1");
    expect(replyText(de)).toMatch(/\[Bearbeiten\] case edit C-1 version 3/);
    expect(replyText(await kam.submit("case.edit", { case: "C-1", version: "3", priority: "URGENT", assignee: "none" }))).toMatch(/Fall C-1 \(Damaged pallet\) geändert/);
  });
});
