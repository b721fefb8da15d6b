import { invoiceLabel } from "./labels.ts";
import type { Finding, Rule } from "./types.ts";
import type { PriceLineRow } from "./load.ts";

/** An invoiced order line whose unit price differs from the contract price in force on the order day. */
export const invoicePrice: Rule = {
  name: "invoice.price",
  kind: "flag",
  run(data) {
    // Per invoice line, the contract in force on the (local) order day; the latest-starting one wins.
    const byLine = new Map<string, PriceLineRow>();
    for (const row of data.priceLines) {
      if (row.contractStartsOn > row.orderDay || row.contractEndsOn < row.orderDay) continue;
      const key = `${row.invoiceId}:${row.lineNo}`;
      const seen = byLine.get(key);
      if (!seen || row.contractStartsOn > seen.contractStartsOn) byLine.set(key, row);
    }
    const byInvoice = new Map<string, PriceLineRow[]>();
    for (const row of byLine.values()) {
      const differs = row.contractCurrency !== row.orderCurrency || row.contractPriceMinor !== row.unitPriceMinor;
      if (!differs) continue;
      byInvoice.set(row.invoiceId, [...(byInvoice.get(row.invoiceId) ?? []), row]);
    }
    const findings: Finding[] = [];
    for (const [invoiceId, rows] of byInvoice) {
      rows.sort((a, b) => a.lineNo - b.lineNo);
      const first = rows[0]!;
      const currencyMismatch = first.contractCurrency !== first.orderCurrency;
      findings.push({
        rule: "invoice.price",
        dedupeKey: `invoice.price:${invoiceId}`,
        severity: "WARNING",
        accountId: first.accountId,
        subjectType: "Invoice",
        subjectId: invoiceId,
        message: currencyMismatch ? "rule.invoicePriceCurrency" : "rule.invoicePriceMismatch",
        params: {
          invoice: invoiceLabel({ refNumber: first.invoiceRefNumber, number: first.invoiceNumber }),
          order: first.orderNumber,
          contract: first.contractNumber,
          sku: first.sku,
          lines: rows.length,
          ...(currencyMismatch
            ? { orderCurrency: first.orderCurrency, contractCurrency: first.contractCurrency }
            : { priceMinor: first.unitPriceMinor, contractPriceMinor: first.contractPriceMinor, currency: first.orderCurrency }),
        },
      });
    }
    return findings;
  },
};
