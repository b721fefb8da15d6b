import type { Rule } from "./types.ts";
import { daysBetween } from "./time.ts";

/** An order not delivered (nor cancelled) after its requested delivery day. On the day itself it is not late. */
export const orderLate: Rule = {
  name: "order.late",
  kind: "flag",
  run(data, ctx) {
    return data.lateOrders.flatMap((o) => {
      if (!["RECEIVED", "CONFIRMED", "IN_PRODUCTION", "SHIPPED"].includes(o.status)) return [];
      const days = daysBetween(o.requestedOn, ctx.today);
      if (days < 1) return [];
      return [{
        rule: "order.late",
        dedupeKey: `order.late:${o.id}`,
        severity: days >= ctx.settings.lateCriticalDays ? ("CRITICAL" as const) : ("WARNING" as const),
        accountId: o.accountId,
        subjectType: "Order" as const,
        subjectId: o.id,
        message: "rule.orderLate",
        params: { order: o.number, requestedOn: o.requestedOn, days, status: o.status },
      }];
    });
  },
  clock: { keys: ["days"], refresh: (params, at) => ({ ...params, days: daysBetween(String(params.requestedOn), at.today) }) },
};
