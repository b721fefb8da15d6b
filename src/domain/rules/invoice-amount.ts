import { invoiceLabel } from "./labels.ts";
import type { Finding, Rule } from "./types.ts";

/** An invoice whose amount (or currency) differs from its order's total, or that bills a cancelled order. */
export const invoiceAmount: Rule = {
  name: "invoice.amount",
  kind: "flag",
  run(data) {
    return data.invoices.flatMap((i): Finding[] => {
      if (i.orderId === null || i.orderTotalMinor === null || i.orderCurrency === null) return [];
      const base = {
        rule: "invoice.amount",
        dedupeKey: `invoice.amount:${i.id}`,
        accountId: i.accountId,
        subjectType: "Invoice" as const,
        subjectId: i.id,
      };
      const ref = { invoice: invoiceLabel(i), order: i.orderNumber ?? 0 };
      if (i.orderStatus === "CANCELLED") {
        return [{ ...base, severity: "CRITICAL" as const, message: "rule.invoiceCancelledOrder", params: { ...ref, amountMinor: i.amountMinor, currency: i.currency } }];
      }
      if (i.currency !== i.orderCurrency) {
        return [{ ...base, severity: "WARNING" as const, message: "rule.invoiceCurrencyMismatch", params: { ...ref, invoiceCurrency: i.currency, orderCurrency: i.orderCurrency } }];
      }
      // What the invoice bills is its amount less its credit notes.
      const billed = i.amountMinor - (i.creditedMinor ?? 0);
      if (billed === i.orderTotalMinor) return [];
      return [{
        ...base,
        severity: "WARNING" as const,
        message: "rule.invoiceAmountMismatch",
        params: { ...ref, amountMinor: billed, expectedMinor: i.orderTotalMinor, differenceMinor: billed - i.orderTotalMinor, currency: i.currency },
      }];
    });
  },
};
