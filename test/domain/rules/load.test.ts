import { expect, it } from "vitest";
import { FLAG_RULES, REMINDER_RULES, runRules } from "../../../src/domain/rules/index.ts";
import { loadCheckData } from "../../../src/domain/rules/load.ts";
import { checkSettingsSchema } from "../../../src/domain/rules/settings.ts";
import { addDays, localDay } from "../../../src/domain/rules/time.ts";
import { describeEachDatabase } from "../../support/databases.ts";
import { addCase, addContract, addInvoice, addMilestone, addOrder, scene } from "../../support/scheduler-fixtures.ts";

/** Every rule fires through the set-based SQL loading, and what must not flag does not. */
/** The supplier's number in a finding's invoice label ("I-7 · RE-1" → "RE-1"). */
const number = (label: unknown) => String(label).replace(/^I-\d+ · /, "");

describeEachDatabase("check rules over loaded data", (get) => {
  it("finds each kind of problem once and nothing on healthy rows", async () => {
    const db = get().prisma;
    const s = await scene(db);
    const now = new Date("2026-06-15T10:00:00Z");
    const at = (d: string) => new Date(`${d}T10:00:00Z`);
    await addContract(s, { startsOn: "2026-01-01", endsOn: "2026-08-31", noticeDays: 90, prices: [{ priceMinor: 240n }], commitments: [{ quantity: 10_000, period: "YEAR" }] });
    // Healthy: an order at the contract price, invoiced correctly, paid.
    const good = await addOrder(s, { orderedAt: at("2026-05-01"), totalMinor: 2400n, lines: [{ quantity: 10, unitPriceMinor: 240n }], status: "DELIVERED" });
    await addInvoice(s, { orderId: good.id, amountMinor: 2400n, issuedOn: "2026-05-02", dueOn: "2026-06-01", paidOn: "2026-05-20" });
    // Amount differs, and the line price differs from the contract.
    const o2 = await addOrder(s, { orderedAt: at("2026-05-05"), totalMinor: 2500n, lines: [{ quantity: 10, unitPriceMinor: 250n }], status: "DELIVERED" });
    await addInvoice(s, { orderId: o2.id, amountMinor: 2600n, issuedOn: "2026-05-06", dueOn: "2026-06-05", paidOn: "2026-05-30" });
    // Overdue and unpaid (due yesterday), and one due today (not overdue).
    const o3 = await addOrder(s, { orderedAt: at("2026-05-10"), totalMinor: 2400n, lines: [{ quantity: 10, unitPriceMinor: 240n }], status: "DELIVERED" });
    await addInvoice(s, { orderId: o3.id, amountMinor: 2400n, issuedOn: "2026-05-15", dueOn: "2026-06-14" });
    const o4 = await addOrder(s, { orderedAt: at("2026-05-11"), totalMinor: 2640n, lines: [{ quantity: 11, unitPriceMinor: 240n }], status: "DELIVERED" });
    await addInvoice(s, { orderId: o4.id, amountMinor: 2640n, issuedOn: "2026-05-16", dueOn: "2026-06-15" });
    // No order; its twin (same amount 3 days later) is a duplicate; due day off the 30-day terms.
    await addInvoice(s, { number: "X-1", amountMinor: 777n, issuedOn: "2026-06-01", dueOn: "2026-07-01", paidOn: "2026-06-02" });
    await addInvoice(s, { number: "X-2", amountMinor: 777n, issuedOn: "2026-06-04", dueOn: "2026-07-20", paidOn: "2026-06-05" });
    // A late order, and a late but cancelled one (never flagged).
    await addOrder(s, { orderedAt: at("2026-06-01"), requestedOn: "2026-06-10", status: "CONFIRMED", lines: [{ quantity: 10, unitPriceMinor: 240n }], totalMinor: 2400n });
    await addOrder(s, { orderedAt: at("2026-06-01"), requestedOn: "2026-06-10", status: "CANCELLED", lines: [{ quantity: 10, unitPriceMinor: 240n }], totalMinor: 2400n });
    await addMilestone(s, { dueOn: "2026-06-16", ownerId: s.managerId });
    await addMilestone(s, { dueOn: "2026-06-16", status: "DONE" });
    await addCase(s, { slaDueAt: new Date("2026-06-15T09:00:00Z"), priority: "HIGH" });
    await addCase(s, { slaDueAt: new Date("2026-06-15T11:00:00Z") });

    const settings = checkSettingsSchema.parse({});
    const ctx = { now, timeZone: "Europe/Berlin", today: localDay(now, "Europe/Berlin"), settings };
    const data = await loadCheckData(db, { organizationId: s.organizationId, ...ctx }, ["invoices", "orders", "contracts", "cases", "milestones"]);
    const rules = runRules(FLAG_RULES, data, ctx).map((f) => f.rule).sort();
    expect(rules).toEqual([
      "case.sla",
      "contract.commitment",
      "contract.notice",
      "invoice.amount",
      "invoice.duplicate",
      "invoice.no-order",
      "invoice.no-order",
      "invoice.overdue",
      "invoice.price",
      "invoice.terms",
      "order.late",
      // order days 1, 5, 10, 11 May and 1 June: usually every 4.5 days, 14 days ago.
      "order.reorder",
    ]);
    expect(runRules(REMINDER_RULES, data, ctx).map((f) => f.dedupeKey)).toEqual([expect.stringMatching(/^milestone\.due:.*:d1$/)]);
  });

  it("pairs duplicate amounts across the lookback edge and for old unpaid invoices, never paid old ones", async () => {
    const db = get().prisma;
    const s = await scene(db);
    const now = new Date("2026-06-15T10:00:00Z");
    const settings = checkSettingsSchema.parse({}); // 90 days of lookback (from 16 March), 7 days of window
    const ctx = { now, timeZone: "Europe/Berlin", today: localDay(now, "Europe/Berlin"), settings };
    // Issued inside the lookback, its twin four days earlier just outside it: flagged.
    await addInvoice(s, { number: "E-1", amountMinor: 501n, issuedOn: "2026-03-12", dueOn: "2026-04-11", paidOn: "2026-03-20" });
    await addInvoice(s, { number: "E-2", amountMinor: 501n, issuedOn: "2026-03-16", dueOn: "2026-04-15", paidOn: "2026-03-25" });
    // A year old and still unpaid, its twin two days before it: flagged.
    await addInvoice(s, { number: "U-1", amountMinor: 502n, issuedOn: "2025-06-01", dueOn: "2025-07-01", paidOn: "2025-06-20" });
    await addInvoice(s, { number: "U-2", amountMinor: 502n, issuedOn: "2025-06-03", dueOn: "2025-07-03" });
    // A year old, paid, with a twin: long settled, not looked at.
    await addInvoice(s, { number: "P-1", amountMinor: 503n, issuedOn: "2025-06-01", dueOn: "2025-07-01", paidOn: "2025-06-20" });
    await addInvoice(s, { number: "P-2", amountMinor: 503n, issuedOn: "2025-06-03", dueOn: "2025-07-03", paidOn: "2025-06-21" });
    // Same amount eight days apart: outside the window.
    await addInvoice(s, { number: "W-1", amountMinor: 504n, issuedOn: "2026-05-01", dueOn: "2026-05-31", paidOn: "2026-05-10" });
    await addInvoice(s, { number: "W-2", amountMinor: 504n, issuedOn: "2026-05-09", dueOn: "2026-06-08", paidOn: "2026-05-10" });
    const data = await loadCheckData(db, { organizationId: s.organizationId, ...ctx }, ["invoices"]);
    const dups = runRules(FLAG_RULES, data, ctx).filter((f) => f.rule === "invoice.duplicate");
    // Findings name invoices by kam's reference and the supplier's number ("I-12 · E-2").
    expect(dups.every((f) => /^I-\d+ · /.test(String(f.params.invoice)) && /^I-\d+ · /.test(String(f.params.other)))).toBe(true);
    expect(dups.map((f) => [number(f.params.invoice), number(f.params.other)]).sort()).toEqual([["E-2", "E-1"], ["U-2", "U-1"]]);
  });

  it("compares invoiced lines with the price of the latest-starting contract in force on the order day, currency included", async () => {
    const db = get().prisma;
    const s = await scene(db);
    const now = new Date("2026-06-15T10:00:00Z");
    const ctx = { now, timeZone: "Europe/Berlin", today: localDay(now, "Europe/Berlin"), settings: checkSettingsSchema.parse({}) };
    await addContract(s, { startsOn: "2026-01-01", endsOn: "2026-12-31", prices: [{ priceMinor: 240n }] });
    await addContract(s, { startsOn: "2026-05-01", endsOn: "2026-12-31", prices: [{ priceMinor: 250n }] });
    const invoiced = async (d: string, unitPriceMinor: bigint, currency = "EUR") => {
      const order = await addOrder(s, { orderedAt: new Date(`${d}T10:00:00Z`), currency, totalMinor: 10n * unitPriceMinor, lines: [{ quantity: 10, unitPriceMinor }], status: "DELIVERED" });
      await addInvoice(s, { number: `P-${d}-${currency}`, orderId: order.id, currency, amountMinor: 10n * unitPriceMinor, issuedOn: "2026-06-01", dueOn: "2026-07-01", paidOn: "2026-06-02" });
    };
    await invoiced("2026-05-10", 250n); // the May contract's price: fine
    await invoiced("2026-04-10", 250n); // only January's contract (240) was in force
    await invoiced("2026-05-11", 250n, "CHF"); // May's price, another currency
    const data = await loadCheckData(db, { organizationId: s.organizationId, ...ctx }, ["invoices"]);
    const prices = runRules(FLAG_RULES, data, ctx).filter((f) => f.rule === "invoice.price");
    expect(prices.map((f) => [number(f.params.invoice), f.message, f.params.contractPriceMinor ?? f.params.contractCurrency]).sort()).toEqual([
      ["P-2026-04-10-EUR", "rule.invoicePriceMismatch", 240],
      ["P-2026-05-11-CHF", "rule.invoicePriceCurrency", "EUR"],
    ]);
  });

  it("sees orders after a contract's end and orders with no contract at all, and learns reorder intervals", async () => {
    const db = get().prisma;
    const s = await scene(db, { timeZone: "America/New_York" });
    await addContract(s, { startsOn: "2025-01-01", endsOn: "2026-03-31" });
    // Ordered 1 April 02:00 UTC = 31 March 22:00 in New York: still covered by the contract.
    await addOrder(s, { orderedAt: new Date("2026-04-01T02:00:00Z") });
    const now = new Date("2026-05-20T15:00:00Z");
    const settings = checkSettingsSchema.parse({});
    const ctx = { now, timeZone: "America/New_York", today: localDay(now, "America/New_York"), settings };
    const load = () => loadCheckData(db, { organizationId: s.organizationId, ...ctx }, ["orders", "contracts"]);
    expect(runRules(FLAG_RULES, await load(), ctx).map((f) => f.rule)).toEqual([]);
    // Every ~10 days, last on 2 May: 18 days > 12.5 → a reorder looks due; and these orders came after the end.
    for (const d of ["2026-04-12", "2026-04-22", "2026-05-02"]) await addOrder(s, { orderedAt: new Date(`${d}T15:00:00Z`) });
    const found = runRules(FLAG_RULES, await load(), ctx);
    expect(found.map((f) => f.rule).sort()).toEqual(["contract.expired-orders", "order.reorder"]);
    expect(found.find((f) => f.rule === "contract.expired-orders")?.params.orders).toBe(3);
  });

  it("bounds the order history by the first day's start where the organization is, not by UTC midnight", async () => {
    const db = get().prisma;
    const now = new Date("2026-05-20T15:00:00Z");
    const settings = checkSettingsSchema.parse({ orderLookbackDays: 30, reorderHistoryDays: 60 });
    // An order just inside a window's first day and one just before it, in local time: 01:30 and
    // 20:30 the evening before in New York (the latter already that day in UTC); 00:30 and 23:30 the
    // evening before in Auckland (the former still the day before in UTC).
    const edges = { "America/New_York": ["T01:30:00-04:00", "T20:30:00-04:00", "T12:00:00-04:00"], "Pacific/Auckland": ["T00:30:00+12:00", "T23:30:00+12:00", "T12:00:00+12:00"] };
    for (const [timeZone, [inside, before, noon]] of Object.entries(edges)) {
      const s = await scene(db, { timeZone });
      const ctx = { now, timeZone, today: localDay(now, timeZone), settings };
      const ago = (days: number) => addDays(ctx.today, -days);
      // Orders without a contract are counted from today - 31 (the lookback and a day); the reorder history from today - 60.
      for (const first of [31, 60]) {
        await addOrder(s, { orderedAt: new Date(`${ago(first)}${inside}`) });
        await addOrder(s, { orderedAt: new Date(`${ago(first + 1)}${before}`) });
      }
      for (const days of [45, 30]) await addOrder(s, { orderedAt: new Date(`${ago(days)}${noon}`) });
      const data = await loadCheckData(db, { organizationId: s.organizationId, ...ctx }, ["orders", "contracts"]);
      expect(data.uncoveredOrders, timeZone).toEqual([{ accountId: s.accountId, orders: 2, firstDay: ago(31), lastDay: ago(30) }]);
      // Order days 60, 45, 32, 31 and 30 days ago (the last 30 days ago: due), none from the day before the history.
      expect(data.reorderStats.map((r) => [r.orders, r.lastDay]), timeZone).toEqual([[5, ago(30)]]);
    }
  });
});
