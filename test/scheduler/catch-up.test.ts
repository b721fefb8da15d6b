import { expect, it } from "vitest";
import { Scheduler } from "../../src/scheduler/index.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { FakeClock, RecordingNotifier } from "../support/recording-notifier.ts";
import { addMilestone, scene } from "../support/scheduler-fixtures.ts";

describeEachDatabase("catch-up after downtime", (get) => {
  it("sends what became due while kam was down once, as one 'while kam was offline' message", async () => {
    const db = get().prisma;
    const s = await scene(db, { timeZone: "Europe/Berlin" });
    await db.organization.update({ where: { id: s.organizationId }, data: { reminderHour: 9, checkCron: "0 0 1 1 *" } });
    await addMilestone(s, { dueOn: "2026-06-06", ownerId: s.managerId });
    const clock = new FakeClock(new Date("2026-06-01T07:00:00Z")); // Monday 09:00 in Berlin
    const notifier = new RecordingNotifier("SLACK", clock.now);
    const options = { now: clock.now, cron: false, dispatcher: { sleep: clock.sleep } };
    const first = new Scheduler(db, [notifier], undefined, { ...options, owner: "first" });
    await first.sync();
    await first.catchUp(); // the 09:00 fire: 5 days left
    await first.dispatcher.drain();
    const mine = () => notifier.delivered.filter((m) => m.target === s.channelId);
    expect(mine()).toHaveLength(1);

    // Down on Tuesday and Wednesday morning; back on Wednesday at 15:00.
    clock.set("2026-06-03T13:00:00Z");
    const restarted = new Scheduler(db, [notifier], undefined, { ...options, owner: "restarted" });
    await restarted.sync();
    const caught = await restarted.catchUp();
    expect(caught.map((c) => c.kind)).toEqual(["reminders"]);
    await restarted.dispatcher.drain();
    expect(mine()).toHaveLength(2);
    expect(mine()[1]!.reply.summary).toMatch(/^While kam was offline/);
    // Another replica starting now, or the same one again, sends nothing more.
    const replica = new Scheduler(db, [notifier], undefined, { ...options, owner: "replica" });
    await replica.sync();
    expect(await replica.catchUp()).toEqual([]);
    await replica.dispatcher.drain();
    expect(mine()).toHaveLength(2);
  });
});
