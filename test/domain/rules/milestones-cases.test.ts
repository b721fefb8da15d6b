import { describe, expect, it } from "vitest";
import { caseSla } from "../../../src/domain/rules/case-sla.ts";
import { milestoneDue, milestoneStage } from "../../../src/domain/rules/milestone-due.ts";
import { ctxAt, data } from "./helpers.ts";

describe("milestone.due (reminders)", () => {
  it("has stages at 7, 3 and 1 days, today and overdue (daily)", () => {
    expect(milestoneStage("2026-03-01", "2026-03-09")).toBeNull();
    expect(milestoneStage("2026-03-02", "2026-03-09")?.stage).toBe("d7");
    expect(milestoneStage("2026-03-05", "2026-03-09")?.stage).toBe("d7");
    expect(milestoneStage("2026-03-06", "2026-03-09")?.stage).toBe("d3");
    expect(milestoneStage("2026-03-08", "2026-03-09")?.stage).toBe("d1");
    expect(milestoneStage("2026-03-09", "2026-03-09")?.stage).toBe("today");
    expect(milestoneStage("2026-03-10", "2026-03-09")?.stage).toBe("overdue:2026-03-10");
    expect(milestoneStage("2026-03-11", "2026-03-09")?.stage).toBe("overdue:2026-03-11");
  });
  it("counts days in the organization's zone across the DST change", () => {
    const row = { id: "m1", number: 4, name: "Pilot", dueOn: "2026-03-30", ownerId: "mem-1", projectNumber: 2, projectName: "Rollout", projectOwnerId: null, accountId: "acc-1" };
    // 29 March 2026, 23:30 in Berlin (summer time since 02:00 that day) = 21:30 UTC: due tomorrow.
    expect(milestoneDue.run(data({ milestones: [row] }), ctxAt("2026-03-29T21:30:00Z"))).toMatchObject([{ dedupeKey: "milestone.due:m1:d1", memberIds: ["mem-1"] }]);
    // 22:30 UTC is already 30 March in Berlin: due today.
    expect(milestoneDue.run(data({ milestones: [row] }), ctxAt("2026-03-29T22:30:00Z"))).toMatchObject([{ dedupeKey: "milestone.due:m1:today" }]);
    // In Tokyo (no DST) it is 30 March from 15:00 UTC on the 29th.
    expect(milestoneDue.run(data({ milestones: [row] }), ctxAt("2026-03-29T15:00:00Z", "Asia/Tokyo"))[0]?.dedupeKey).toBe("milestone.due:m1:today");
  });
  it("falls back to the project owner as the responsible member", () => {
    const row = { id: "m1", number: 4, name: "Pilot", dueOn: "2026-03-10", ownerId: null, projectNumber: 2, projectName: "Rollout", projectOwnerId: "pm", accountId: "acc-1" };
    expect(milestoneDue.run(data({ milestones: [row] }), ctxAt("2026-03-09T10:00:00Z"))[0]?.memberIds).toEqual(["pm"]);
  });
});

describe("case.sla", () => {
  const row = { id: "k1", number: 5, accountId: "acc-1", subject: "Broken pallet", priority: "NORMAL", slaDueAt: new Date("2026-03-10T12:00:00Z"), assigneeId: null };
  it("is not past its SLA at the deadline instant, past it a moment later", () => {
    expect(caseSla.run(data({ openCases: [row] }), ctxAt("2026-03-10T12:00:00Z"))).toEqual([]);
    expect(caseSla.run(data({ openCases: [row] }), ctxAt("2026-03-10T12:00:01Z"))).toMatchObject([{ severity: "WARNING" }]);
  });
  it("is critical for urgent and high priority", () => {
    expect(caseSla.run(data({ openCases: [{ ...row, priority: "URGENT" }] }), ctxAt("2026-03-11T12:00:00Z"))[0]?.severity).toBe("CRITICAL");
  });
});
