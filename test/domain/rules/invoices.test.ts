import { describe, expect, it } from "vitest";
import { invoiceAmount } from "../../../src/domain/rules/invoice-amount.ts";
import { invoiceDuplicate } from "../../../src/domain/rules/invoice-duplicate.ts";
import { invoiceNoOrder } from "../../../src/domain/rules/invoice-no-order.ts";
import { invoiceOverdue } from "../../../src/domain/rules/invoice-overdue.ts";
import { invoicePrice } from "../../../src/domain/rules/invoice-price.ts";
import { invoiceTerms } from "../../../src/domain/rules/invoice-terms.ts";
import type { DuplicatePairRow, PriceLineRow } from "../../../src/domain/rules/load.ts";
import { ctxAt, data, invoice } from "./helpers.ts";

describe("invoice.overdue", () => {
  const run = (now: string, tz = "Europe/Berlin") => invoiceOverdue.run(data({ invoices: [invoice({ dueOn: "2026-03-31" })] }), ctxAt(now, tz));

  it("does not flag on the due day itself, in the organization's zone", () => {
    // 23:30 UTC on the 31st is already 1 April in Berlin (CEST, +2): one day overdue there…
    expect(run("2026-03-31T21:59:00Z")).toEqual([]);
    expect(run("2026-03-31T22:00:00Z")).toHaveLength(1);
    // …but still the due day in New York.
    expect(run("2026-04-01T03:00:00Z", "America/New_York")).toEqual([]);
    expect(run("2026-04-01T04:00:00Z", "America/New_York")).toHaveLength(1);
  });

  it("flags the day after, with the days counted across a DST change, and becomes critical", () => {
    // Berlin switched to summer time on 29 March 2026: still whole calendar days.
    const [f] = invoiceOverdue.run(data({ invoices: [invoice({ dueOn: "2026-03-28" })] }), ctxAt("2026-03-30T10:00:00Z"));
    expect(f).toMatchObject({ dedupeKey: "invoice.overdue:inv-1", severity: "WARNING", params: { days: 2 } });
    const [late] = invoiceOverdue.run(data({ invoices: [invoice({ dueOn: "2026-02-26" })] }), ctxAt("2026-03-28T10:00:00Z"));
    expect(late?.severity).toBe("CRITICAL");
  });

  it("does not flag paid invoices", () => {
    expect(invoiceOverdue.run(data({ invoices: [invoice({ dueOn: "2026-03-01", paidOn: "2026-03-10" })] }), ctxAt("2026-04-10T10:00:00Z"))).toEqual([]);
  });
});

describe("invoice.amount", () => {
  const ctx = ctxAt("2026-03-10T10:00:00Z");
  it("flags an amount that differs from the order total", () => {
    const [f] = invoiceAmount.run(data({ invoices: [invoice({ amountMinor: 10_500 })] }), ctx);
    expect(f).toMatchObject({ message: "rule.invoiceAmountMismatch", params: { differenceMinor: 500 } });
  });
  it("does not flag a matching amount", () => {
    expect(invoiceAmount.run(data({ invoices: [invoice({})] }), ctx)).toEqual([]);
  });
  it("reports a currency mismatch instead of comparing amounts across currencies", () => {
    const [f] = invoiceAmount.run(data({ invoices: [invoice({ currency: "CHF", amountMinor: 10_000 })] }), ctx);
    expect(f).toMatchObject({ message: "rule.invoiceCurrencyMismatch", params: { invoiceCurrency: "CHF", orderCurrency: "EUR" } });
  });
  it("flags an invoice of a cancelled order as critical", () => {
    const [f] = invoiceAmount.run(data({ invoices: [invoice({ orderStatus: "CANCELLED" })] }), ctx);
    expect(f).toMatchObject({ message: "rule.invoiceCancelledOrder", severity: "CRITICAL" });
  });
  it("leaves invoices without an order to invoice.no-order", () => {
    const rows = [invoice({ orderId: null, orderNumber: null, orderTotalMinor: null, orderCurrency: null, orderStatus: null })];
    expect(invoiceAmount.run(data({ invoices: rows }), ctx)).toEqual([]);
    expect(invoiceNoOrder.run(data({ invoices: rows }), ctx)).toHaveLength(1);
    expect(invoiceNoOrder.run(data({ invoices: [invoice({})] }), ctx)).toEqual([]);
  });
});

describe("invoice.price", () => {
  const line = (p: Partial<PriceLineRow>): PriceLineRow => ({
    invoiceId: "inv-1", invoiceRefNumber: 1, invoiceNumber: "R-1", accountId: "acc-1", orderNumber: 7, orderDay: "2026-03-01", orderCurrency: "EUR", lineNo: 1,
    productId: "p1", sku: "BOLT", unitPriceMinor: 250, contractId: "c1", contractNumber: 3, contractStartsOn: "2026-01-01", contractEndsOn: "2026-12-31",
    contractCurrency: "EUR", contractPriceMinor: 240, ...p,
  });
  const ctx = ctxAt("2026-03-10T10:00:00Z");
  it("flags a line priced differently from the contract in force on the order day", () => {
    const [f] = invoicePrice.run(data({ priceLines: [line({})] }), ctx);
    expect(f).toMatchObject({ params: { priceMinor: 250, contractPriceMinor: 240, lines: 1 } });
  });
  it("uses the contract in force on the order day, not another one", () => {
    const rows = [line({ contractId: "old", contractStartsOn: "2025-01-01", contractEndsOn: "2025-12-31", contractPriceMinor: 200 }), line({ contractPriceMinor: 250 })];
    expect(invoicePrice.run(data({ priceLines: rows }), ctx)).toEqual([]);
    // Ordered on the last day of the old contract: the old price applies.
    expect(invoicePrice.run(data({ priceLines: rows.map((r) => ({ ...r, orderDay: "2025-12-31" })) }), ctx)).toHaveLength(1);
  });
  it("flags a currency mismatch between contract and order", () => {
    const [f] = invoicePrice.run(data({ priceLines: [line({ contractCurrency: "USD", contractPriceMinor: 250 })] }), ctx);
    expect(f?.message).toBe("rule.invoicePriceCurrency");
  });
});

describe("invoice.duplicate", () => {
  const pair = (p: Partial<DuplicatePairRow>): DuplicatePairRow => ({
    id: "b", accountId: "acc-1", refNumber: 2, number: "R-2", amountMinor: 500, currency: "EUR", issuedOn: "2026-03-08", createdAt: new Date("2026-03-08T10:00:00Z"),
    otherId: "a", otherRefNumber: 1, otherNumber: "R-1", otherIssuedOn: "2026-03-01", otherCreatedAt: new Date("2026-03-01T10:00:00Z"), sameNumber: false, ...p,
  });
  const ctx = ctxAt("2026-03-10T10:00:00Z");
  it("flags the later of two same-amount invoices within the window (7 days: boundary included)", () => {
    const [f] = invoiceDuplicate.run(data({ duplicatePairs: [pair({}), pair({ id: "a", otherId: "b", issuedOn: "2026-03-01", otherIssuedOn: "2026-03-08", createdAt: new Date("2026-03-01T10:00:00Z"), otherCreatedAt: new Date("2026-03-08T10:00:00Z") })] }), ctx);
    expect(f).toMatchObject({ subjectId: "b", message: "rule.invoiceDuplicateAmount" });
  });
  it("does not flag beyond the window", () => {
    expect(invoiceDuplicate.run(data({ duplicatePairs: [pair({ otherIssuedOn: "2026-02-28" })] }), ctx)).toEqual([]);
  });
  it("flags a reused number as critical", () => {
    const [f] = invoiceDuplicate.run(data({ duplicatePairs: [pair({ sameNumber: true, otherIssuedOn: "2025-01-01", otherNumber: "R-2" })] }), ctx);
    expect(f).toMatchObject({ severity: "CRITICAL", message: "rule.invoiceDuplicateNumber", params: { invoice: "I-2 · R-2", other: "I-1 · R-2" } });
  });
});

describe("invoice.terms", () => {
  const ctx = ctxAt("2026-03-10T10:00:00Z");
  const row = { id: "inv-1", accountId: "acc-1", refNumber: 1, number: "R-1", issuedOn: "2026-03-01", contractId: "c", contractNumber: 3, paymentTermsDays: 30 };
  it("flags a due day that does not follow the contract's terms", () => {
    expect(invoiceTerms.run(data({ invoiceTerms: [{ ...row, dueOn: "2026-04-30" }] }), ctx)).toMatchObject([{ params: { expectedOn: "2026-03-31" } }]);
  });
  it("does not flag the exact due day", () => {
    expect(invoiceTerms.run(data({ invoiceTerms: [{ ...row, dueOn: "2026-03-31" }] }), ctx)).toEqual([]);
  });
});
