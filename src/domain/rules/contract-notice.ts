import type { Rule } from "./types.ts";
import { addDays, daysBetween } from "./time.ts";
import { byAccount } from "./by-account.ts";

/**
 * A contract nearing its notice deadline (end day minus notice days) with no follow-up contract:
 * a warning `noticeLeadDays` before the deadline, critical once the notice period has begun,
 * until the end day.
 */
export const contractNotice: Rule = {
  name: "contract.notice",
  kind: "flag",
  run(data, ctx) {
    const contractsOf = byAccount(data.contracts);
    return data.contracts.flatMap((c) => {
      if (ctx.today > c.endsOn) return [];
      const deadline = addDays(c.endsOn, -c.noticeDays);
      if (daysBetween(ctx.today, deadline) > ctx.settings.noticeLeadDays) return [];
      const renewed = contractsOf.get(c.accountId)!.some((o) => o.id !== c.id && o.endsOn > c.endsOn && o.startsOn > c.startsOn);
      if (renewed) return [];
      const begun = ctx.today >= deadline;
      return [{
        rule: "contract.notice",
        dedupeKey: `contract.notice:${c.id}`,
        severity: begun ? ("CRITICAL" as const) : ("WARNING" as const),
        accountId: c.accountId,
        subjectType: "Contract" as const,
        subjectId: c.id,
        // The deadline is the last day notice can be given: say whether it is ahead, today or past.
        message: ctx.today === deadline ? "rule.contractNoticeLastDay" : begun ? "rule.contractNoticeBegun" : "rule.contractNoticeSoon",
        params: { contract: c.number, name: c.name, deadlineOn: deadline, endsOn: c.endsOn, days: daysLeft(ctx.today, deadline) },
      }];
    });
  },
  clock: { keys: ["days"], refresh: (params, at) => ({ ...params, days: daysLeft(at.today, String(params.deadlineOn)) }) },
};

function daysLeft(today: string, deadline: string): number {
  return Math.max(0, daysBetween(today, deadline));
}
