import { expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { chat, replyText } from "../support/chat.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { twoOrganizations } from "../support/domain-fixtures.ts";
import { newMember } from "../support/fixtures.ts";

// TEST_NOW is Thursday 2026-11-26 10:00 UTC (11:00 in Berlin); the organization is in Europe/Berlin.
async function berlin(db: PrismaClient) {
  const a = await twoOrganizations(db);
  await db.organization.update({ where: { id: a.org.id }, data: { timeZone: "Europe/Berlin" } });
  await db.member.update({ where: { id: a.admin.id }, data: { timeZone: null } });
  return a;
}

async function trainingFootprint(db: PrismaClient, organizationId: string) {
  const [trainings, audit, products, counters] = await Promise.all([
    db.training.findMany({ where: { organizationId }, orderBy: { number: "asc" }, select: { number: true, version: true, status: true, startsAt: true } }),
    db.auditEvent.count({ where: { organizationId } }),
    db.trainingProduct.count({ where: { training: { organizationId } } }),
    db.counter.findMany({ where: { organizationId }, orderBy: { kind: "asc" } }),
  ]);
  return { trainings, audit, products, counters };
}

describeEachDatabase("trainings from chat", (get) => {
  it("plans a training with every clause, in a bound channel and by account name, and audits it", async () => {
    const db = get().prisma;
    const a = await berlin(db);
    const kam = chat(db, a.actor);
    const planned = await kam.say('training plan "ACME Holding GmbH" "SAP basics" on 2026-12-07 14:30 for 12 people trainer Cem at "Munich HQ" products BOLT-10');
    expect(planned.ok).toBe(true);
    expect(replyText(planned)).toMatch(/Training T-1 SAP basics for ACME Holding GmbH is planned for Mon, 7 Dec 2026, 14:30/);
    expect(replyText(planned)).toMatch(/Trainer: Cem Service/);
    expect(replyText(planned)).toMatch(/\[Done\] training done T-1 version 1/);
    const t1 = await db.training.findFirstOrThrow({ where: { organizationId: a.org.id, number: 1 }, include: { products: { include: { product: true } } } });
    expect(t1).toMatchObject({ topic: "SAP basics", people: 12, trainerId: a.service.member.id, online: false, place: "Munich HQ", status: "PLANNED", version: 1 });
    // 14:30 in Berlin (winter time, UTC+1).
    expect(t1.startsAt.toISOString()).toBe("2026-12-07T13:30:00.000Z");
    expect(t1.createdAt.toISOString()).toBe(a.actor.now.toISOString());
    expect(t1.products.map((p) => p.product.sku)).toEqual(["BOLT-10"]);
    const created = await db.auditEvent.findFirstOrThrow({ where: { entityId: t1.id } });
    expect(created).toMatchObject({ action: "training.create", entityType: "Training", actorId: a.admin.id });

    // In the account's channel the account is left out; a time right after `at` belongs to the date; online.
    const bound = chat(db, a.actor, { channelId: "C0ACME" });
    expect((await bound.say('account bind "ACME Holding GmbH"')).ok).toBe(true);
    const online = await bound.say("training plan Kickoff on friday at 14:15 online");
    expect(replyText(online)).toMatch(/T-2 Kickoff for ACME Holding GmbH is planned for Fri, 27 Nov 2026, 14:15/);
    expect(await db.training.findFirstOrThrow({ where: { organizationId: a.org.id, number: 2 } })).toMatchObject({ online: true, place: null, people: null, trainerId: null });
    // A day alone is 09:00; German words.
    expect((await kam.say("settings language de")).ok).toBe(true);
    const german = await bound.say("training plan Vertiefung am 2026-12-09 für 5 Personen ort Werk 2");
    expect(replyText(german)).toMatch(/Schulung T-3 Vertiefung für ACME Holding GmbH ist geplant für Mi\., 9\. Dez\. 2026, 09:00/);
    expect(await db.training.findFirstOrThrow({ where: { organizationId: a.org.id, number: 3 } })).toMatchObject({ people: 5, place: "Werk 2" });
    const uhr = await bound.say('training plan Praxis am Montag um 14 Uhr ort "Halle 3"');
    expect(replyText(uhr)).toMatch(/T-4 Praxis .* Mo\., 30\. Nov\. 2026, 14:00/);
    await kam.say("settings language en");
    const twice = await bound.say('training plan Hands-on on 7.12.2026 at 2pm at "Plant 2"');
    expect(replyText(twice)).toMatch(/T-5 Hands-on .* Mon, 7 Dec 2026, 14:00/);
    expect(await db.training.findFirstOrThrow({ where: { organizationId: a.org.id, number: 5 } })).toMatchObject({ place: "Plant 2" });
  });

  it("refuses bad dates, past times, both online and a place, unknown members and products, and viewers; nothing is written", async () => {
    const db = get().prisma;
    const a = await berlin(db);
    const kam = chat(db, a.actor);
    const before = await trainingFootprint(db, a.org.id);
    expect(replyText(await kam.say("training plan acme Intro on someday 10:00"))).toMatch(/"someday" is not a date I can read/);
    expect(replyText(await kam.say("training plan acme Intro on 2026-12-07 25:00"))).toMatch(/has no time I can read/);
    // Today 10:00 Berlin has passed at 11:00 Berlin; yesterday too.
    expect(replyText(await kam.say("training plan acme Intro on today 10:00"))).toMatch(/which has passed/);
    expect(replyText(await kam.say("training plan acme Intro on 2026-11-25 15:00"))).toMatch(/which has passed/);
    expect(replyText(await kam.say("training plan acme Intro"))).toMatch(/Missing/);
    expect(replyText(await kam.say("training plan acme Intro on 2026-12-07 online at Munich"))).toMatch(/online or at a place, not both/);
    expect(replyText(await kam.say("training plan acme Intro on 2026-12-07 for many people"))).toMatch(/whole number/);
    expect(replyText(await kam.say("training plan acme Intro on 2026-12-07 trainer Nobody"))).toMatch(/I found no member "Nobody"/);
    expect(replyText(await kam.say("training plan acme Intro on 2026-12-07 products NOPE-1"))).toMatch(/I found no product "NOPE-1"/);
    const viewer = chat(db, a.viewer.actor);
    expect(replyText(await viewer.say("training plan acme Intro on 2026-12-07 10:00"))).toMatch(/not allowed/);
    expect(await trainingFootprint(db, a.org.id)).toEqual(before);
    // Today later on is still to come.
    expect((await kam.say("training plan acme Intro on today 16:00")).ok).toBe(true);
  });

  it("lists, shows, completes, moves and cancels trainings, with history and undo", async () => {
    const db = get().prisma;
    const a = await berlin(db);
    const kam = chat(db, a.actor);
    await kam.say("training plan acme Onboarding on 2026-12-07 10:00 trainer Cem");
    await kam.say("training plan acme Refresher on 2026-12-14 10:00 online");
    await kam.say("training plan Baltic Intro on 2026-12-01 10:00");

    const upcoming = await kam.say("training list");
    expect(replyText(upcoming)).toMatch(/3 upcoming trainings/);
    expect(replyText(upcoming).indexOf("T-3 Intro")).toBeLessThan(replyText(upcoming).indexOf("T-1 Onboarding"));
    expect(replyText(await kam.say("training list acme"))).not.toMatch(/Intro/);
    expect(replyText(await kam.say("training list acme past"))).toMatch(/No past trainings/);

    const shown = await kam.say("training show T-1");
    expect(replyText(shown)).toMatch(/T-1 Onboarding/);
    expect(replyText(shown)).toMatch(/Starts: Mon, 7 Dec 2026, 10:00/);
    expect(replyText(shown)).toMatch(/1 change in its history/);

    // Done with attended, rating and notes.
    const done = await kam.say("training done T-1 attended 9 rating 4 great questions, more next time");
    expect(replyText(done)).toMatch(/Training T-1 Onboarding is done/);
    const t1 = await db.training.findFirstOrThrow({ where: { organizationId: a.org.id, number: 1 } });
    expect(t1).toMatchObject({ status: "DONE", attended: 9, rating: 4, notes: "great questions, more next time", version: 2 });
    expect(t1.doneAt?.toISOString()).toBe(a.actor.now.toISOString());
    expect(replyText(await kam.say("training done T-1"))).toMatch(/T-1 is done already/);
    expect(replyText(await kam.say("training list acme past"))).toMatch(/T-1 Onboarding/);
    // A button built on an older version is refused with who changed it, and the training as it is now.
    const staleButton = await kam.say("training cancel T-1 version 1");
    expect(staleButton.ok).toBe(false);
    expect(replyText(staleButton)).toMatch(/Ada Admin/);
    expect(replyText(staleButton)).toMatch(/Attended: 9/);

    // Move: a new start, audited with before and after.
    const moved = await kam.say("training move T-2 to 2026-12-15 13:00");
    expect(replyText(moved)).toMatch(/moved from Mon, 14 Dec 2026, 10:00 to Tue, 15 Dec 2026, 13:00/);
    const t2 = await db.training.findFirstOrThrow({ where: { organizationId: a.org.id, number: 2 } });
    const move = await db.auditEvent.findFirstOrThrow({ where: { entityId: t2.id, action: "training.move" } });
    expect(move.data).toMatchObject({ version: 2, changes: { startsAt: { before: "2026-12-14T09:00:00.000Z", after: "2026-12-15T12:00:00.000Z" } } });
    // Move alone (the reminder's button) opens the form with the current date and time.
    const form = await kam.say("training move T-2");
    const block = form.blocks.find((b) => b.kind === "form");
    expect(block?.kind === "form" && block.form.fields.map((f) => [f.name, f.value])).toEqual([["training", "T-2"], ["version", "2"], ["date", "2026-12-15"], ["time", "13:00"]]);
    const submitted = await kam.submit("training.move", { training: "T-2", version: "2", date: "2026-12-16", time: "09:30" });
    expect(replyText(submitted)).toMatch(/to Wed, 16 Dec 2026, 09:30/);
    // The form built on version 2 is stale now.
    const stale = await kam.submit("training.move", { training: "T-2", version: "2", date: "2026-12-17", time: "09:30" });
    expect(stale.ok).toBe(false);
    expect(replyText(stale)).toMatch(/Ada Admin/);
    expect(replyText(await kam.submit("training.move", { training: "T-2", version: "3", date: "2026-11-20", time: "09:30" }))).toMatch(/which has passed/);

    // Cancel with a reason; undo takes it back.
    const cancelled = await kam.say("training cancel T-3 customer postponed the rollout");
    expect(replyText(cancelled)).toMatch(/Training T-3 Intro is cancelled/);
    expect(await db.training.findFirstOrThrow({ where: { organizationId: a.org.id, number: 3 } })).toMatchObject({ status: "CANCELLED", cancelReason: "customer postponed the rollout" });
    expect(replyText(await kam.say("training move T-3 to 2026-12-20 10:00"))).toMatch(/T-3 is cancelled/);
    expect((await kam.say("undo")).ok).toBe(true);
    expect(await db.training.findFirstOrThrow({ where: { organizationId: a.org.id, number: 3 } })).toMatchObject({ status: "PLANNED", cancelReason: null });

    const history = await kam.say("history T-2");
    expect(replyText(history)).toMatch(/training moved/);
    expect(replyText(history)).toMatch(/Starts: Tue, 15 Dec 2026|Starts: 15 Dec 2026/);
    expect(replyText(await kam.say('history "ACME Holding GmbH"'))).toMatch(/training done T-1/);

    // account show lists what is coming.
    const account = await kam.say('account show "ACME Holding GmbH"');
    expect(replyText(account)).toMatch(/Upcoming trainings/);
    expect(replyText(account)).toMatch(/T-2 Refresher/);
    expect(replyText(account)).not.toMatch(/T-1 Onboarding/);
  });

  it("says what is wrong with done, move and cancel, and keeps other organizations' trainings out of reach", async () => {
    const db = get().prisma;
    const a = await berlin(db);
    const kam = chat(db, a.actor);
    await kam.say("training plan acme Onboarding on 2026-12-07 10:00");
    const other = chat(db, a.b.actor);
    const outsider = await newMember(db, a.org.id, "Olga Outside");
    const before = await trainingFootprint(db, a.org.id);
    expect(replyText(await kam.say("training done T-1 rating 6"))).toMatch(/rating must be a whole number from 1 to 5/i);
    expect(replyText(await kam.say("training done T-1 rating 0"))).toMatch(/from 1 to 5/);
    expect(replyText(await kam.say("training done T-99"))).toMatch(/I found no training "T-99"/);
    expect(replyText(await kam.say("training show T-99"))).toMatch(/I found no training "T-99"/);
    expect(replyText(await kam.say("training move T-1 2026-12-08"))).toMatch(/Missing/);
    expect(replyText(await kam.say("training move T-1 to 2026-11-01 10:00"))).toMatch(/which has passed/);
    expect(replyText(await kam.say("training move T-1 to 2026-12-07 10:00"))).toMatch(/T-1 already has that value/);
    expect(replyText(await other.say("training show T-1"))).toMatch(/I found no training "T-1"/);
    expect(replyText(await other.say("training cancel T-1"))).toMatch(/I found no training "T-1"/);
    expect(replyText(await other.say("history T-1"))).toMatch(/I found no training "T-1"/);
    expect(replyText(await chat(db, outsider.actor).say("training cancel T-1"))).toMatch(/not allowed/);
    expect(await trainingFootprint(db, a.org.id)).toEqual(before);
    expect((await chat(db, a.b.actor).say("training list")).ok).toBe(true);
    expect(replyText(await chat(db, a.b.actor).say("training list"))).toMatch(/No training planned/);
    expect(replyText(await kam.say("help trainings"))).toMatch(/training plan \[<account>\]/);
  });
});
