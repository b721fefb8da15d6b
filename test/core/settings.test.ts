import { expect, it } from "vitest";
import { chat, replyText } from "../support/chat.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { newOrganization } from "../support/fixtures.ts";

describeEachDatabase("settings org", (get) => {
  it("accepts quiet hours as HH:MM as well as hours, refuses minutes it cannot keep, and says what it set", async () => {
    const db = get().prisma;
    const { org, actor } = await newOrganization(db);
    const kam = chat(db, actor);

    const hhmm = await kam.say("settings org quiet 22:00 06:00");
    expect(hhmm.ok).toBe(true);
    expect(replyText(hhmm)).toMatch(/Quiet hours are now 22:00–06:00 \(UTC\)/);
    expect(await db.organization.findUniqueOrThrow({ where: { id: org.id } })).toMatchObject({ quietStartHour: 22, quietEndHour: 6 });

    expect(replyText(await kam.say("settings org quiet 21 7"))).toMatch(/Quiet hours are now 21:00–07:00/);
    const half = await kam.say("settings org quiet 22:30 06:00");
    expect(half.ok).toBe(false);
    expect(replyText(half)).toMatch(/"22:30": kam keeps whole hours/);
    expect(await db.organization.findUniqueOrThrow({ where: { id: org.id } })).toMatchObject({ quietStartHour: 21, quietEndHour: 7 });

    expect((await kam.say("settings org reminders 08:00")).ok).toBe(true);
    expect((await kam.say("settings org reminders 9 Uhr")).ok).toBe(true);
    expect(await db.organization.findUniqueOrThrow({ where: { id: org.id } })).toMatchObject({ reminderHour: 9 });
    expect((await kam.say("settings org reminders 08:00")).ok).toBe(true);
    expect(await db.organization.findUniqueOrThrow({ where: { id: org.id } })).toMatchObject({ reminderHour: 8 });
  });

  it("reads weekdays in full, abbreviated, as a range or a list, and refuses words it cannot read or does not expect", async () => {
    const db = get().prisma;
    const { org, actor } = await newOrganization(db);
    const kam = chat(db, actor);
    const days = async () => (await db.organization.findUniqueOrThrow({ where: { id: org.id } })).workingDays;
    for (const [text, expected] of [
      ["monday-friday", [1, 2, 3, 4, 5]], ["Montag - Freitag", [1, 2, 3, 4, 5]], ["mon tue wed thu fri", [1, 2, 3, 4, 5]],
      ["mo,di,mi", [1, 2, 3]], ["fri-mon", [0, 1, 5, 6]], ["Sonntag", [0]],
    ] as const) {
      expect((await kam.say(`settings org workdays ${text}`)).ok, text).toBe(true);
      expect(await days(), text).toEqual(expected);
    }
    for (const text of ["settings org workdays monkey", "settings org workdays s", "settings org digest fridge 8", "settings org reminders 8 pm",
      "settings org currency RTL junk", "settings org currency XYZ", "settings org quiet 22 6 extra", "settings org digest mon 8 channel extra", "settings org language de please"]) {
      expect((await kam.say(text)).ok, text).toBe(false);
    }
    expect(await db.organization.findUniqueOrThrow({ where: { id: org.id } })).toMatchObject({ workingDays: [0], currency: "EUR", reminderHour: org.reminderHour });
  });

  it("answers a time zone change with the new zone, in English and German", async () => {
    const db = get().prisma;
    const { actor } = await newOrganization(db);
    const kam = chat(db, actor);
    const changed = await kam.say("settings org timezone America/New_York");
    const text = replyText(changed);
    expect(text).toMatch(/The organization's time zone is now America\/New_York\./);
    // The member has no zone of their own: what the reply shows is the new one, nowhere the old.
    expect(text).not.toMatch(/UTC/);

    expect(replyText(await kam.say("settings org timezone europe/berlin"))).toMatch(/time zone is now Europe\/Berlin\./);
    expect(replyText(await kam.say("settings org timezone Asia/Kolkata"))).toMatch(/time zone is now Asia\/Kolkata\./);
    await kam.say("settings language de");
    expect(replyText(await kam.say("settings org timezone Europe/Vienna"))).toMatch(/Die Zeitzone der Organisation ist jetzt Europe\/Vienna\./);
    expect(replyText(await kam.say("settings org quiet 22:00 6:00"))).toMatch(/Die Ruhezeit ist jetzt 22:00–06:00 \(Europe\/Vienna\)/);
  });
});

describeEachDatabase("settings show", (get) => {
  it("names the working days and the digest's weekday in the reader's language", async () => {
    const db = get().prisma;
    const { actor } = await newOrganization(db);
    const kam = chat(db, actor);
    expect((await kam.say("settings org workdays mon-fri")).ok).toBe(true);
    expect(replyText(await kam.say("settings"))).toMatch(/Mon, Tue, Wed, Thu, Fri/);
    await kam.say("settings language de");
    const german = replyText(await kam.say("settings"));
    expect(german).toMatch(/Mo, Di, Mi, Do, Fr/);
    expect(german).not.toMatch(/\bmon\b|\bfri\b/);
  });
});
