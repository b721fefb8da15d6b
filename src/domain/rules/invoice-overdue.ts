import { invoiceLabel } from "./labels.ts";
import type { Rule } from "./types.ts";
import { daysBetween } from "./time.ts";

/** Unpaid after its due day (in the organization's time zone). On the due day itself it is not overdue. */
export const invoiceOverdue: Rule = {
  name: "invoice.overdue",
  kind: "flag",
  run(data, ctx) {
    return data.invoices.flatMap((i) => {
      // Paid, or credited in full: nothing is owed any more.
      if (i.paidOn !== null || i.amountMinor - (i.creditedMinor ?? 0) <= 0) return [];
      const days = daysBetween(i.dueOn, ctx.today);
      if (days < 1) return [];
      return [{
        rule: "invoice.overdue",
        dedupeKey: `invoice.overdue:${i.id}`,
        severity: days >= ctx.settings.overdueCriticalDays ? ("CRITICAL" as const) : ("WARNING" as const),
        accountId: i.accountId,
        subjectType: "Invoice" as const,
        subjectId: i.id,
        message: "rule.invoiceOverdue",
        params: { invoice: invoiceLabel(i), days, dueOn: i.dueOn, amountMinor: i.amountMinor, currency: i.currency },
      }];
    });
  },
  clock: { keys: ["days"], refresh: (params, at) => ({ ...params, days: daysBetween(String(params.dueOn), at.today) }) },
};
