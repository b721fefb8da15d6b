import { caseSla } from "./case-sla.ts";
import { contractCommitment } from "./contract-commitment.ts";
import { contractExpiredOrders } from "./contract-expired-orders.ts";
import { contractMissing } from "./contract-missing.ts";
import { contractNotice } from "./contract-notice.ts";
import { invoiceAmount } from "./invoice-amount.ts";
import { invoiceDuplicate } from "./invoice-duplicate.ts";
import { invoiceNoOrder } from "./invoice-no-order.ts";
import { invoiceOverdue } from "./invoice-overdue.ts";
import { invoicePrice } from "./invoice-price.ts";
import { invoiceTerms } from "./invoice-terms.ts";
import { milestoneDue } from "./milestone-due.ts";
import { orderLate } from "./order-late.ts";
import { orderReorder } from "./order-reorder.ts";
import { enablementDue } from "./enablement-due.ts";
import type { CheckData } from "./load.ts";
import type { Finding, Rule, RuleContext } from "./types.ts";

/** The rules of the hourly check job (flags). */
export const FLAG_RULES: Rule[] = [
  invoiceAmount, invoicePrice, invoiceDuplicate, invoiceOverdue, invoiceTerms, invoiceNoOrder,
  contractNotice, contractExpiredOrders, contractCommitment, contractMissing,
  orderLate, orderReorder, caseSla,
  enablementDue,
];

export const FLAG_RULE_BY_NAME = new Map(FLAG_RULES.map((r) => [r.name, r]));

/** The rules of the daily reminder job. */
export const REMINDER_RULES: Rule[] = [milestoneDue];

export function runRules(rules: Rule[], data: CheckData, ctx: RuleContext): Finding[] {
  return rules.flatMap((r) => r.run(data, ctx));
}

export type { Finding, Rule, RuleContext } from "./types.ts";
