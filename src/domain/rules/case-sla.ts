import type { Rule } from "./types.ts";

/** A customer-service case still open after its SLA deadline (an instant, not a day). */
export const caseSla: Rule = {
  name: "case.sla",
  kind: "flag",
  run(data, ctx) {
    return data.openCases.flatMap((c) => {
      if (c.slaDueAt.getTime() >= ctx.now.getTime()) return [];
      const hours = hoursPast(c.slaDueAt, ctx.now);
      return [{
        rule: "case.sla",
        dedupeKey: `case.sla:${c.id}`,
        severity: c.priority === "URGENT" || c.priority === "HIGH" ? ("CRITICAL" as const) : ("WARNING" as const),
        accountId: c.accountId,
        subjectType: "Case" as const,
        subjectId: c.id,
        message: "rule.caseSla",
        params: { case: c.number, subject: c.subject, priority: c.priority, hours, dueAt: c.slaDueAt.toISOString() },
        ...(c.assigneeId ? { memberIds: [c.assigneeId] } : {}),
      }];
    });
  },
  clock: {
    keys: ["hours"],
    refresh: (params, at) => (typeof params.dueAt === "string" ? { ...params, hours: hoursPast(new Date(params.dueAt), at.now) } : params),
  },
};

function hoursPast(dueAt: Date, now: Date): number {
  return Math.floor((now.getTime() - dueAt.getTime()) / 3_600_000);
}
