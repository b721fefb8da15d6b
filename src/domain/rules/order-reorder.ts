import type { Rule } from "./types.ts";
import { daysBetween } from "./time.ts";

/**
 * A reorder looks due: the days since an account last ordered a product exceed its usual interval
 * (the median gap between its order days, from at least three orders) by more than `reorderMargin`.
 */
export const orderReorder: Rule = {
  name: "order.reorder",
  kind: "flag",
  run(data, ctx) {
    return data.reorderStats.flatMap((r) => {
      if (r.orders < 3 || r.medianGapDays <= 0) return [];
      const since = daysBetween(r.lastDay, ctx.today);
      if (since <= r.medianGapDays * (1 + ctx.settings.reorderMargin)) return [];
      return [{
        rule: "order.reorder",
        dedupeKey: `order.reorder:${r.accountId}:${r.productId}:${r.lastDay}`,
        severity: "INFO" as const,
        accountId: r.accountId,
        subjectType: "Account" as const,
        subjectId: r.accountId,
        message: "rule.orderReorder",
        params: { sku: r.sku, product: r.productName, lastOn: r.lastDay, days: since, usual: Math.round(r.medianGapDays) },
      }];
    });
  },
  clock: { keys: ["days"], refresh: (params, at) => ({ ...params, days: daysBetween(String(params.lastOn), at.today) }) },
};
