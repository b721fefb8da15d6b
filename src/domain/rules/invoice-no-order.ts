import { invoiceLabel } from "./labels.ts";
import type { Rule } from "./types.ts";

/** An invoice that is linked to no order. */
export const invoiceNoOrder: Rule = {
  name: "invoice.no-order",
  kind: "flag",
  run(data) {
    return data.invoices
      .filter((i) => i.orderId === null)
      .map((i) => ({
        rule: "invoice.no-order",
        dedupeKey: `invoice.no-order:${i.id}`,
        severity: "INFO" as const,
        accountId: i.accountId,
        subjectType: "Invoice" as const,
        subjectId: i.id,
        message: "rule.invoiceNoOrder",
        params: { invoice: invoiceLabel(i), amountMinor: i.amountMinor, currency: i.currency },
      }));
  },
};
