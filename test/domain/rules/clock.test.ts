import { describe, expect, it } from "vitest";
import { FLAG_RULES } from "../../../src/domain/rules/index.ts";
import type { CheckData } from "../../../src/domain/rules/load.ts";
import { ctxAt, data, invoice } from "./helpers.ts";

/**
 * A kept flag shows counts as of when it is looked at (Rule.clock): refreshing the params a rule
 * found on one day must give what the rule finds on a later day, for every rule with a clock.
 */
const scenes: Record<string, CheckData> = {
  "invoice.overdue": data({ invoices: [invoice({ dueOn: "2026-03-02" })] }),
  "order.late": data({ lateOrders: [{ id: "o1", accountId: "acc-1", number: 4, status: "CONFIRMED", requestedOn: "2026-03-02", createdById: null }] }),
  "case.sla": data({ openCases: [{ id: "k1", number: 2, accountId: "acc-1", subject: "Broken pallet", priority: "NORMAL", slaDueAt: new Date("2026-03-02T08:30:00Z"), assigneeId: null }] }),
  "contract.notice": data({ contracts: [{ id: "c1", accountId: "acc-1", number: 3, name: "Frame", startsOn: "2025-01-01", endsOn: "2026-06-30", noticeDays: 90, paymentTermsDays: 30 }] }),
  "order.reorder": data({ reorderStats: [{ accountId: "acc-1", productId: "p1", sku: "BOLT", productName: "Bolt M10", lastDay: "2026-02-01", orders: 4, medianGapDays: 10 }] }),
  "enablement.due": data({ untrainedDeliveries: [{ accountId: "acc-1", productId: "p1", sku: "ERP-1", productName: "ERP module", deliveredOn: "2026-01-10" }] }),
};

describe("rules whose params follow the clock", () => {
  const withClock = FLAG_RULES.filter((r) => r.clock);

  it("are the rules with a scene here", () => {
    expect(withClock.map((r) => r.name).sort()).toEqual(Object.keys(scenes).sort());
  });

  for (const rule of withClock) {
    it(`${rule.name}: params refreshed later equal what the rule finds later`, () => {
      const scene = scenes[rule.name]!;
      const earlier = ctxAt("2026-03-05T10:00:00Z");
      const later = ctxAt("2026-03-09T17:00:00Z");
      const [before] = rule.run(scene, earlier);
      const [after] = rule.run(scene, later);
      expect(before).toBeDefined();
      expect(after).toBeDefined();
      expect(before!.params).not.toEqual(after!.params);
      expect(rule.clock!.refresh(before!.params, { today: later.today, now: later.now })).toEqual(after!.params);
      const unchanged = Object.fromEntries(Object.entries(before!.params).filter(([k]) => !rule.clock!.keys.includes(k)));
      expect(after!.params).toMatchObject(unchanged);
    });
  }
});
