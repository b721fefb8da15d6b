import type { Severity } from "../../generated/prisma/enums.ts";
import type { Rule } from "./types.ts";
import { daysBetween } from "./time.ts";

/**
 * Milestone reminders: due in 7, 3 and 1 days, due today, overdue (once a day). Each stage is
 * announced once; after downtime only the stage current as of now is announced (so a milestone
 * that went from 5 days to overdue while kam was down is announced once, as overdue).
 */
export function milestoneStage(today: string, dueOn: string): { stage: string; days: number; severity: Severity } | null {
  const days = daysBetween(today, dueOn);
  if (days > 7) return null;
  if (days >= 4) return { stage: "d7", days, severity: "INFO" };
  if (days >= 2) return { stage: "d3", days, severity: "INFO" };
  if (days === 1) return { stage: "d1", days, severity: "WARNING" };
  if (days === 0) return { stage: "today", days, severity: "WARNING" };
  return { stage: `overdue:${today}`, days, severity: "CRITICAL" };
}

export const milestoneDue: Rule = {
  name: "milestone.due",
  kind: "reminder",
  run(data, ctx) {
    return data.milestones.flatMap((m) => {
      const stage = milestoneStage(ctx.today, m.dueOn);
      if (!stage) return [];
      const owner = m.ownerId ?? m.projectOwnerId;
      return [{
        rule: "milestone.due",
        dedupeKey: `milestone.due:${m.id}:${stage.stage}`,
        severity: stage.severity,
        accountId: m.accountId,
        subjectType: "Milestone" as const,
        subjectId: m.id,
        message: stage.days > 0 ? "reminder.milestoneDueIn" : stage.days === 0 ? "reminder.milestoneDueToday" : "reminder.milestoneOverdue",
        params: { milestone: m.number, name: m.name, project: m.projectName, projectNumber: m.projectNumber, dueOn: m.dueOn, days: Math.abs(stage.days) },
        ...(owner ? { memberIds: [owner] } : {}),
      }];
    });
  },
};
