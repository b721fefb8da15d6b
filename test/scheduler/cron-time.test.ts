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

describe("fire times agree with a minute-by-minute scan", () => {
  it("for several expressions and zones, including half-hour offsets", async () => {
    const { matches } = await import("../../src/scheduler/cron-time.ts");
    const brute = (expr: string, tz: string, now: Date, dir: 1 | -1) => {
      let t = Math.floor(now.getTime() / 60_000) * 60_000 + (dir > 0 ? 60_000 : 0);
      for (let i = 0; i < 9 * 1440; i++, t += dir * 60_000) if (matches(expr, tz, new Date(t))) return new Date(t).toISOString();
      return null;
    };
    const now = new Date("2026-03-29T00:37:00Z");
    for (const tz of ["Europe/Berlin", "Asia/Kolkata", "America/St_Johns", "UTC"]) {
      for (const expr of ["0 * * * *", "*/20 9-17 * * 1-5", "0 9 * * 1,2,3,4,5", "30 2 * * *", "0 8 * * 1"]) {
        expect({ tz, expr, next: nextFire(expr, tz, now)?.toISOString() ?? null }).toEqual({ tz, expr, next: brute(expr, tz, now, 1) });
        expect({ tz, expr, prev: previousFire(expr, tz, now)?.toISOString() ?? null }).toEqual({ tz, expr, prev: brute(expr, tz, now, -1) });
      }
    }
  });
});
