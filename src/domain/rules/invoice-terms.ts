import { invoiceLabel } from "./labels.ts";
import type { Rule } from "./types.ts";
import { addDays } from "./time.ts";

/** The due day does not follow the payment terms of the contract in force on the issue day. */
export const invoiceTerms: Rule = {
  name: "invoice.terms",
  kind: "flag",
  run(data) {
    return data.invoiceTerms.flatMap((t) => {
      const expected = addDays(t.issuedOn, t.paymentTermsDays);
      if (expected === t.dueOn) return [];
      return [{
        rule: "invoice.terms",
        dedupeKey: `invoice.terms:${t.id}`,
        severity: "WARNING" as const,
        accountId: t.accountId,
        subjectType: "Invoice" as const,
        subjectId: t.id,
        message: "rule.invoiceTerms",
        params: { invoice: invoiceLabel(t), dueOn: t.dueOn, expectedOn: expected, terms: t.paymentTermsDays, contract: t.contractNumber },
      }];
    });
  },
};
