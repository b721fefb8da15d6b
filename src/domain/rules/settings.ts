import { z } from "zod";

/** Tunables of the check rules, read from Organization.settings.checks (all optional). */
export const checkSettingsSchema = z.object({
  /** Invoices of the same account, currency and amount issued this many days apart are duplicates. */
  duplicateWindowDays: z.number().int().min(0).max(365).default(7),
  /** Paid invoices older than this are no longer checked (unpaid ones always are). */
  invoiceLookbackDays: z.number().int().min(1).max(3650).default(90),
  /** An invoice this many days overdue becomes critical. */
  overdueCriticalDays: z.number().int().min(1).max(365).default(30),
  /** Warn this many days before the last day to give notice on a contract. */
  noticeLeadDays: z.number().int().min(0).max(365).default(30),
  /** A volume commitment is flagged when ordered volume is behind its pro-rata target by more than this share. */
  commitmentShortfallShare: z.number().min(0).max(1).default(0.2),
  /** …but only once this share of the period has passed (no alarms on day one). */
  commitmentMinElapsedShare: z.number().min(0).max(1).default(0.25),
  /** A reorder looks due when the usual interval is exceeded by this share. */
  reorderMargin: z.number().min(0).max(10).default(0.25),
  /** History used to learn an account's usual reorder interval. */
  reorderHistoryDays: z.number().int().min(30).max(3650).default(365),
  /** Orders this recent are checked for a contract in force. */
  orderLookbackDays: z.number().int().min(1).max(3650).default(90),
  /** An order this many days past its requested date becomes critical. */
  lateCriticalDays: z.number().int().min(1).max(365).default(7),
  /** A product that needs training, delivered this many days ago without a training since, is "enablement due". */
  enablementDays: z.number().int().min(1).max(365).default(30),
});

export type CheckSettings = z.infer<typeof checkSettingsSchema>;

export function checkSettings(settings: unknown): CheckSettings {
  const checks = settings && typeof settings === "object" ? (settings as Record<string, unknown>).checks : undefined;
  const parsed = checkSettingsSchema.safeParse(checks ?? {});
  return parsed.success ? parsed.data : checkSettingsSchema.parse({});
}
