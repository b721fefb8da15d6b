import type { Severity } from "../../generated/prisma/enums.ts";
import type { CheckSettings } from "./settings.ts";
import type { CheckData } from "./load.ts";

/** One problem (or one due reminder) found by a rule, before it becomes a Flag or a ReminderLog. */
export interface Finding {
  /** The rule's stable name, e.g. "invoice.overdue". */
  rule: string;
  /** Stable per rule and subject (and stage, where a rule has stages): the Flag/ReminderLog key. */
  dedupeKey: string;
  severity: Severity;
  accountId: string;
  subjectType: "Invoice" | "Order" | "Contract" | "ContractCommitment" | "Account" | "Milestone" | "Case";
  subjectId: string;
  /** Message key in the "scheduler" namespace (without the namespace), e.g. "rule.invoiceOverdue". */
  message: string;
  /** Values for the message. Keys ending in "Minor" are money (with "currency"); keys ending in "On" are ISO days. */
  params: Record<string, string | number>;
  /** Members responsible for the subject (mentioned; reminders are addressed to them). */
  memberIds?: string[];
}

/** What every rule sees: the organization's "now", its local today and its settings. */
export interface RuleContext {
  now: Date;
  timeZone: string;
  /** The organization's local calendar day at `now`, YYYY-MM-DD. */
  today: string;
  settings: CheckSettings;
}

export interface Rule {
  name: string;
  /** "flag": kept as a Flag until it no longer holds; "reminder": announced once per stage. */
  kind: "flag" | "reminder";
  run(data: CheckData, ctx: RuleContext): Finding[];
  /**
   * Params that follow from the others and the clock (days overdue, hours past an SLA): computed
   * afresh whenever a kept flag is shown, and left out when a sweep compares a flag with what it
   * found, so that a flag is not rewritten only because a day went by.
   */
  clock?: { keys: string[]; refresh(params: Finding["params"], at: { today: string; now: Date }): Finding["params"] };
}

export const SEVERITY_RANK: Record<Severity, number> = { INFO: 0, WARNING: 1, CRITICAL: 2 };
