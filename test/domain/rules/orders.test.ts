import { describe, expect, it } from "vitest";
import { orderLate } from "../../../src/domain/rules/order-late.ts";
import { orderReorder } from "../../../src/domain/rules/order-reorder.ts";
import { ctxAt, data } from "./helpers.ts";

describe("order.late", () => {
  const row = { id: "o1", accountId: "acc-1", number: 7, status: "CONFIRMED", requestedOn: "2026-03-09", createdById: null };
  it("is not late on the requested day, late the day after (organization's zone)", () => {
    expect(orderLate.run(data({ lateOrders: [row] }), ctxAt("2026-03-09T22:59:00Z"))).toEqual([]); // 23:59 in Berlin (CET)
    expect(orderLate.run(data({ lateOrders: [row] }), ctxAt("2026-03-09T23:00:00Z"))).toMatchObject([{ severity: "WARNING", params: { days: 1 } }]);
    expect(orderLate.run(data({ lateOrders: [row] }), ctxAt("2026-03-16T10:00:00Z"))).toMatchObject([{ severity: "CRITICAL" }]);
  });
  it("does not flag cancelled or delivered orders", () => {
    for (const status of ["CANCELLED", "DELIVERED", "INVOICED"]) {
      expect(orderLate.run(data({ lateOrders: [{ ...row, status }] }), ctxAt("2026-03-20T10:00:00Z"))).toEqual([]);
    }
  });
});

describe("order.reorder", () => {
  const stat = { accountId: "acc-1", productId: "p1", sku: "BOLT", productName: "Bolt", lastDay: "2026-03-01", orders: 4, medianGapDays: 20 };
  it("flags once the usual interval is exceeded by the margin (20 days × 1.25 = 25)", () => {
    expect(orderReorder.run(data({ reorderStats: [stat] }), ctxAt("2026-03-26T10:00:00Z"))).toEqual([]);
    expect(orderReorder.run(data({ reorderStats: [stat] }), ctxAt("2026-03-27T10:00:00Z"))).toMatchObject([{ dedupeKey: "order.reorder:acc-1:p1:2026-03-01", params: { days: 26, usual: 20 } }]);
  });
  it("needs at least three orders", () => {
    expect(orderReorder.run(data({ reorderStats: [{ ...stat, orders: 2 }] }), ctxAt("2026-06-01T10:00:00Z"))).toEqual([]);
  });
});
