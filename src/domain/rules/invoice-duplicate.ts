import { invoiceLabel } from "./labels.ts";
import type { Finding, Rule } from "./types.ts";
import { daysBetween } from "./time.ts";

/**
 * A duplicate invoice: another invoice with the same number, or with the same account, currency
 * and amount issued within `duplicateWindowDays`. The later of the two is flagged (the earlier one
 * is presumably the real one).
 */
export const invoiceDuplicate: Rule = {
  name: "invoice.duplicate",
  kind: "flag",
  run(data, ctx) {
    const flagged = new Map<string, Finding>();
    for (const p of data.duplicatePairs) {
      const later = p.issuedOn > p.otherIssuedOn || (p.issuedOn === p.otherIssuedOn && (p.createdAt > p.otherCreatedAt || (p.createdAt.getTime() === p.otherCreatedAt.getTime() && p.id > p.otherId)));
      if (!later) continue;
      if (!p.sameNumber && Math.abs(daysBetween(p.otherIssuedOn, p.issuedOn)) > ctx.settings.duplicateWindowDays) continue;
      const existing = flagged.get(p.id);
      if (existing && existing.message === "rule.invoiceDuplicateNumber") continue;
      flagged.set(p.id, {
        rule: "invoice.duplicate",
        dedupeKey: `invoice.duplicate:${p.id}`,
        severity: p.sameNumber ? "CRITICAL" : "WARNING",
        accountId: p.accountId,
        subjectType: "Invoice",
        subjectId: p.id,
        message: p.sameNumber ? "rule.invoiceDuplicateNumber" : "rule.invoiceDuplicateAmount",
        params: { invoice: invoiceLabel(p), other: invoiceLabel({ refNumber: p.otherRefNumber, number: p.otherNumber }), otherIssuedOn: p.otherIssuedOn, amountMinor: p.amountMinor, currency: p.currency },
      });
    }
    return [...flagged.values()];
  },
};
