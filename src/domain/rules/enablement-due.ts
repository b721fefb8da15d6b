import type { Rule } from "./types.ts";
import { daysBetween } from "./time.ts";

/**
 * Enablement due: an account received a product that needs training (Product.trainingRequired)
 * more than `enablementDays` days ago, and no training on it has been done or planned since
 * (see enablement-trainings.ts). Information only; planning a training on the product resolves it.
 */
export const enablementDue: Rule = {
  name: "enablement.due",
  kind: "flag",
  run(data, ctx) {
    return data.untrainedDeliveries.flatMap((d) => {
      const days = daysBetween(d.deliveredOn, ctx.today);
      if (days <= ctx.settings.enablementDays) return [];
      return [{
        rule: "enablement.due",
        dedupeKey: `enablement.due:${d.accountId}:${d.productId}`,
        severity: "INFO" as const,
        accountId: d.accountId,
        subjectType: "Account" as const,
        subjectId: d.accountId,
        message: "rule.enablementDue",
        params: { sku: d.sku, product: d.productName, deliveredOn: d.deliveredOn, days },
      }];
    });
  },
  clock: { keys: ["days"], refresh: (params, at) => ({ ...params, days: daysBetween(String(params.deliveredOn), at.today) }) },
};
