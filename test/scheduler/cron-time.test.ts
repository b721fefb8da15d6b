import { describe, expect, it } from "vitest";
import { nextFire, previousFire } from "../../src/scheduler/cron-time.ts";
import { jobsFor } from "../../src/scheduler/jobs.ts";
import { deliverAt } from "../../src/domain/notifications.ts";

describe("schedules in the organization's time zone", () => {
  const org = { id: "o", name: "Org", timeZone: "Europe/Berlin", checkCron: "0 * * * *", reminderHour: 9, workingDays: [1, 2, 3, 4, 5], digestWeekday: 1, digestHour: 8 };
  const [checks, reminders, digest] = jobsFor(org);

  it("builds cron expressions from the settings", () => {
    expect([checks!.expression, reminders!.expression, digest!.expression]).toEqual(["0 * * * *", "0 9 * * 1,2,3,4,5", "0 8 * * 1"]);
    expect(jobsFor({ ...org, checkCron: "not a cron" })[0]!.expression).toBe("0 * * * *");
  });

  it("fires reminders at 09:00 local on working days, across the DST change", () => {
    // Friday 27 March 2026 09:00 CET = 08:00 UTC; next: Monday 30 March 09:00 CEST = 07:00 UTC.
    expect(nextFire(reminders!.expression, "Europe/Berlin", new Date("2026-03-27T08:00:00Z"))?.toISOString()).toBe("2026-03-30T07:00:00.000Z");
    expect(previousFire(reminders!.expression, "Europe/Berlin", new Date("2026-03-30T06:59:00Z"))?.toISOString()).toBe("2026-03-27T08:00:00.000Z");
  });

  it("keeps messages out of quiet hours and off non-working days", () => {
    const rules = { timeZone: "Europe/Berlin", quietStartHour: 20, quietEndHour: 7, workingDays: [1, 2, 3, 4, 5] };
    // Friday 22:00 in Berlin → Monday 07:00.
    expect(deliverAt(new Date("2026-06-05T20:00:00Z"), rules).toISOString()).toBe("2026-06-08T05:00:00.000Z");
    // Tuesday 10:00 → now.
    expect(deliverAt(new Date("2026-06-02T08:00:00Z"), rules).toISOString()).toBe("2026-06-02T08:00:00.000Z");
  });
});
