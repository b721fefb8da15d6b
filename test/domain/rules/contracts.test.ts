import { describe, expect, it } from "vitest";
import { contractCommitment } from "../../../src/domain/rules/contract-commitment.ts";
import { contractExpiredOrders } from "../../../src/domain/rules/contract-expired-orders.ts";
import { contractMissing } from "../../../src/domain/rules/contract-missing.ts";
import { contractNotice } from "../../../src/domain/rules/contract-notice.ts";
import type { CommitmentRow, ContractRow } from "../../../src/domain/rules/load.ts";
import { ctxAt, data } from "./helpers.ts";

const contract = (p: Partial<ContractRow>): ContractRow => ({
  id: "c1", accountId: "acc-1", number: 3, name: "Frame", startsOn: "2025-01-01", endsOn: "2026-12-31", noticeDays: 90, paymentTermsDays: 30, ...p,
});

describe("contract.notice", () => {
  // Deadline: 2026-12-31 minus 90 days = 2026-10-02; warning from 30 days before it (2026-09-02).
  const run = (now: string, extra: ContractRow[] = []) => contractNotice.run(data({ contracts: [contract({}), ...extra] }), ctxAt(now));
  it("stays quiet before the lead time and warns from its first day", () => {
    expect(run("2026-09-01T10:00:00Z")).toEqual([]);
    expect(run("2026-09-02T10:00:00Z")).toMatchObject([{ severity: "WARNING", message: "rule.contractNoticeSoon", params: { days: 30 } }]);
  });
  it("turns critical on the deadline itself and ends after the end day", () => {
    expect(run("2026-10-02T10:00:00Z")).toMatchObject([{ severity: "CRITICAL", message: "rule.contractNoticeBegun" }]);
    expect(run("2026-12-31T10:00:00Z")).toHaveLength(1);
    expect(run("2027-01-01T10:00:00Z")).toEqual([]);
  });
  it("is quiet when a follow-up contract exists", () => {
    expect(run("2026-10-02T10:00:00Z", [contract({ id: "c2", startsOn: "2027-01-01", endsOn: "2028-12-31" })])).toEqual([]);
  });
});

describe("contract.expired-orders and contract.missing", () => {
  const ctx = ctxAt("2026-03-10T10:00:00Z");
  it("flags the expired contract when orders keep coming after its end", () => {
    const d = data({ contracts: [contract({ endsOn: "2026-01-31" })], uncoveredOrders: [{ accountId: "acc-1", orders: 2, firstDay: "2026-02-03", lastDay: "2026-03-01" }] });
    expect(contractExpiredOrders.run(d, ctx)).toMatchObject([{ dedupeKey: "contract.expired-orders:c1", params: { orders: 2 } }]);
    expect(contractMissing.run(d, ctx)).toEqual([]);
  });
  it("flags an account that never had a contract", () => {
    const d = data({ uncoveredOrders: [{ accountId: "acc-1", orders: 1, firstDay: "2026-02-03", lastDay: "2026-02-03" }] });
    expect(contractMissing.run(d, ctx)).toMatchObject([{ dedupeKey: "contract.missing:acc-1" }]);
    expect(contractExpiredOrders.run(d, ctx)).toEqual([]);
  });
  it("flags nothing when every order is covered (the loader returns no uncovered orders)", () => {
    const d = data({ contracts: [contract({})] });
    expect([...contractExpiredOrders.run(d, ctx), ...contractMissing.run(d, ctx)]).toEqual([]);
  });
});

describe("contract.commitment", () => {
  const commitment: CommitmentRow = {
    id: "cc1", contractId: "c1", contractNumber: 3, accountId: "acc-1", productId: "p1", sku: "BOLT", quantity: 1200, period: "YEAR",
    contractStartsOn: "2026-01-01", contractEndsOn: "2026-12-31",
  };
  const volumes = (q: number) => [{ accountId: "acc-1", productId: "p1", day: "2026-02-01", quantity: q }];
  it("flags volume behind the pro-rata target by more than the share", () => {
    // 1 July: 181/365 of the year → target ≈ 595; 80 % of it ≈ 476.
    const ctx = ctxAt("2026-06-30T10:00:00Z");
    expect(contractCommitment.run(data({ commitments: [commitment], dailyVolumes: volumes(400) }), ctx)).toMatchObject([{ severity: "WARNING" }]);
    expect(contractCommitment.run(data({ commitments: [commitment], dailyVolumes: volumes(500) }), ctx)).toEqual([]);
    expect(contractCommitment.run(data({ commitments: [commitment], dailyVolumes: volumes(100) }), ctx)).toMatchObject([{ severity: "CRITICAL" }]);
  });
  it("stays quiet early in the period and keys the flag by period", () => {
    expect(contractCommitment.run(data({ commitments: [commitment], dailyVolumes: [] }), ctxAt("2026-02-01T10:00:00Z"))).toEqual([]);
    const [f] = contractCommitment.run(data({ commitments: [{ ...commitment, period: "QUARTER", quantity: 300 }], dailyVolumes: [] }), ctxAt("2026-05-20T10:00:00Z"));
    expect(f?.dedupeKey).toBe("contract.commitment:cc1:2026-04-01");
  });
});
