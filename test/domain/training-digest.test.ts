import { expect, it } from "vitest";
import { digestReply } from "../../src/core/messages/digest.ts";
import { buildDigest } from "../../src/domain/digest.ts";
import { chat, replyText } from "../support/chat.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { twoOrganizations } from "../support/domain-fixtures.ts";

describeEachDatabase("the digest's trainings", (get) => {
  it("lists the planned trainings of the coming seven days, soonest first, in English and German", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    await db.organization.update({ where: { id: a.org.id }, data: { timeZone: "Europe/Berlin" } });
    const kam = chat(db, a.actor);
    // TEST_NOW is Thursday 26 Nov 2026; the week runs to the end of Wednesday 2 Dec.
    await kam.say("training plan acme Onboarding on 2026-12-01 10:00 trainer Cem");
    await kam.say("training plan Baltic Kickoff on 2026-11-27 09:00 online");
    await kam.say("training plan acme Later on 2026-12-03 10:00");
    await kam.say("training plan acme Dropped on 2026-11-30 10:00");
    await kam.say("training cancel T-4");

    const data = await buildDigest(db, a.org.id, { now: a.actor.now });
    expect(data.trainings.map((t) => `T-${t.number} ${t.topic}`)).toEqual(["T-2 Kickoff", "T-1 Onboarding"]);
    expect(data.trainings[1]).toMatchObject({ accountName: "ACME Holding GmbH", trainerName: "Cem Service" });
    const en = replyText(digestReply(data, "en", "Europe/Berlin"));
    expect(en).toMatch(/Trainings this week/);
    expect(en).toMatch(/Tue, 1 Dec 2026, 10:00 · ACME Holding GmbH: T-1 Onboarding \(trainer Cem Service\)/);
    expect(replyText(digestReply(data, "de", "Europe/Berlin"))).toMatch(/Schulungen diese Woche[\s\S]*Fr\., 27\. Nov\. 2026, 09:00 · Baltic Logistics AG: T-2 Kickoff/);
    // One account's digest (the chat command) keeps to its trainings.
    const acme = await buildDigest(db, a.org.id, { now: a.actor.now, accountId: a.account.id });
    expect(acme.trainings.map((t) => t.number)).toEqual([1]);
    // Nothing planned: no section.
    const later = await buildDigest(db, a.org.id, { now: new Date("2027-02-01T08:00:00Z") });
    expect(replyText(digestReply(later, "en", "Europe/Berlin"))).not.toMatch(/Trainings this week/);
  });

  it("plans a training from the form, with the field named on a bad date", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const kam = chat(db, a.actor);
    const form = await kam.say("training plan");
    expect(form.blocks[0]?.kind).toBe("form");
    const bad = await kam.submit("training.plan", { account: a.account.id, topic: "Basics", date: "2026-11-01", time: "10:00" });
    expect(bad.ok).toBe(false);
    const errors = bad.blocks[0]?.kind === "form" ? bad.blocks[0].form.errors : {};
    expect(Object.keys(errors)).toEqual(["date"]);
    const good = await kam.submit("training.plan", { account: a.account.id, topic: "Basics", date: "2026-12-02", time: "13:00", people: "6", trainer: "Cem", place: "online" });
    expect(replyText(good)).toMatch(/Training T-1 Basics for ACME Holding GmbH is planned for Wed, 2 Dec 2026, 13:00/);
    expect(await db.training.findFirstOrThrow({ where: { organizationId: a.org.id } })).toMatchObject({ people: 6, online: true, trainerId: a.service.member.id });
  });
});
