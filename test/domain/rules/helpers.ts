import { emptyCheckData, type CheckData, type InvoiceRow } from "../../../src/domain/rules/load.ts";
import { checkSettingsSchema } from "../../../src/domain/rules/settings.ts";
import { localDay } from "../../../src/domain/rules/time.ts";
import type { RuleContext } from "../../../src/domain/rules/types.ts";

export function ctxAt(now: Date | string, timeZone = "Europe/Berlin", settings: object = {}): RuleContext {
  const instant = typeof now === "string" ? new Date(now) : now;
  return { now: instant, timeZone, today: localDay(instant, timeZone), settings: checkSettingsSchema.parse(settings) };
}

export function data(partial: Partial<CheckData>): CheckData {
  return { ...emptyCheckData(), ...partial };
}

export function invoice(partial: Partial<InvoiceRow>): InvoiceRow {
  return {
    id: "inv-1", accountId: "acc-1", refNumber: 1, number: "R-1", amountMinor: 10_000, currency: "EUR", issuedOn: "2026-03-01", dueOn: "2026-03-31",
    paidOn: null, orderId: "ord-1", orderNumber: 7, orderTotalMinor: 10_000, orderCurrency: "EUR", orderStatus: "DELIVERED",
    ...partial,
  };
}
