import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { contractCommitment } from "../../../src/domain/rules/contract-commitment.ts";
import { addMonths, commitmentWindow, expectedSoFar, PERIOD_MONTHS } from "../../../src/domain/rules/commitment-period.ts";
import { addDays, daysBetween } from "../../../src/domain/rules/time.ts";
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
    // The deadline is the last day to give notice: that day says so, the days after say it passed.
    expect(run("2026-10-02T10:00:00Z")).toMatchObject([{ severity: "CRITICAL", message: "rule.contractNoticeLastDay" }]);
    expect(run("2026-10-03T10:00:00Z")).toMatchObject([{ severity: "CRITICAL", message: "rule.contractNoticeBegun" }]);
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
  const volumes = (q: number, day = "2026-02-01") => [{ accountId: "acc-1", productId: "p1", day, quantity: q }];
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
  it("expects of a contract starting in October only the share of its own year, not the whole year by 31 December", () => {
    const october = { ...commitment, contractStartsOn: "2026-10-01", contractEndsOn: "2027-09-30" };
    const ctx = ctxAt("2026-11-26T10:00:00Z", "Europe/Berlin", { commitmentMinElapsedShare: 0 });
    // 57 of 365 days of the contract's year: about 187 expected; 190 ordered is on track.
    expect(contractCommitment.run(data({ commitments: [october], dailyVolumes: volumes(190, "2026-10-15") }), ctx)).toEqual([]);
    const [f] = contractCommitment.run(data({ commitments: [october], dailyVolumes: volumes(100, "2026-10-15") }), ctx);
    expect(f?.params).toMatchObject({ startOn: "2026-10-01", endOn: "2027-09-30", target: 187.397, ordered: 100, percent: 53 });
  });
  it("runs years from the contract's anniversary, counting what was ordered since, not since 1 January", () => {
    const april = { ...commitment, contractStartsOn: "2026-04-01", contractEndsOn: "2028-03-31" };
    const ctx = ctxAt("2027-02-15T10:00:00Z");
    // 321 of 365 days of the year from 1 April 2026: 1055 expected; 1000 ordered in June is within 20 %.
    expect(contractCommitment.run(data({ commitments: [april], dailyVolumes: volumes(1000, "2026-06-10") }), ctx)).toEqual([]);
    const [f] = contractCommitment.run(data({ commitments: [april], dailyVolumes: volumes(600, "2026-06-10") }), ctx);
    expect(f).toMatchObject({ dedupeKey: "contract.commitment:cc1:2026-04-01", params: { startOn: "2026-04-01", endOn: "2027-03-31", target: 1055.342 } });
    // After the anniversary the next year starts from nothing ordered, with nothing expected yet.
    expect(contractCommitment.run(data({ commitments: [april], dailyVolumes: volumes(1000, "2026-06-10") }), ctxAt("2027-04-02T10:00:00Z"))).toEqual([]);
  });
  it("cuts the last period at the contract's end, expecting the quantity per whole period", () => {
    const short = { ...commitment, period: "QUARTER" as const, quantity: 90, contractStartsOn: "2026-01-15", contractEndsOn: "2026-05-14" };
    // The second quarter runs from 15 April; the contract ends 14 May: 30 days, 30 of 91 days' worth expected.
    const [f] = contractCommitment.run(data({ commitments: [short], dailyVolumes: [] }), ctxAt("2026-05-14T10:00:00Z"));
    expect(f?.params).toMatchObject({ startOn: "2026-04-15", endOn: "2026-05-14", target: 29.67 });
  });
});

describe("commitment periods", () => {
  it("start on the contract's day each month, quarter or year, month ends clamped and never drifting", () => {
    expect(commitmentWindow("2026-01-31", "2027-12-31", "MONTH", "2026-03-05")).toEqual({ start: "2026-02-28", end: "2026-03-30", fullDays: 31 });
    expect(commitmentWindow("2026-01-31", "2027-12-31", "MONTH", "2026-03-31")).toMatchObject({ start: "2026-03-31", end: "2026-04-29" });
    expect(commitmentWindow("2026-11-15", "2029-12-31", "QUARTER", "2027-02-14")).toMatchObject({ start: "2026-11-15", end: "2027-02-14" });
    expect(commitmentWindow("2026-11-15", "2029-12-31", "QUARTER", "2027-02-15")).toMatchObject({ start: "2027-02-15", end: "2027-05-14" });
    expect(commitmentWindow("2024-02-29", "2029-12-31", "YEAR", "2025-03-01")).toEqual({ start: "2025-02-28", end: "2026-02-27", fullDays: 365 });
    expect(commitmentWindow("2026-01-01", "2026-08-31", "YEAR", "2026-05-01")).toEqual({ start: "2026-01-01", end: "2026-08-31", fullDays: 365 });
  });
});

const PERIODS = ["MONTH", "QUARTER", "YEAR"] as const;
/** A contract (start, 1 to 1500 days long), a commitment on it and a day within it. */
const scenario = fc
  .record({
    start: fc.integer({ min: 0, max: 3000 }),
    length: fc.integer({ min: 1, max: 1500 }),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    period: fc.constantFrom(...PERIODS),
    quantity: fc.integer({ min: 1, max: 1_000_000 }).map((q) => q / 1000),
    shortfall: fc.double({ min: 0, max: 0.9, noNaN: true }),
    minElapsed: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map((s) => {
    const startsOn = addDays("2024-01-01", s.start);
    const endsOn = addDays(startsOn, s.length);
    const today = addDays(startsOn, Math.floor(s.at * s.length));
    const row: CommitmentRow = { ...commitmentRow, period: s.period, quantity: s.quantity, contractStartsOn: startsOn, contractEndsOn: endsOn };
    const settings = { commitmentShortfallShare: s.shortfall, commitmentMinElapsedShare: s.minElapsed };
    return { row, today, settings };
  });
const commitmentRow: CommitmentRow = {
  id: "cc1", contractId: "c1", contractNumber: 3, accountId: "acc-1", productId: "p1", sku: "BOLT", quantity: 1, period: "YEAR",
  contractStartsOn: "2026-01-01", contractEndsOn: "2026-12-31",
};
const ctxOn = (today: string, settings: object) => ({ ...ctxAt(`${today}T12:00:00Z`, "UTC", settings), today });
const volume = (day: string, quantity: number) => ({ accountId: "acc-1", productId: "p1", day, quantity });
const RANK = { INFO: 0, WARNING: 1, CRITICAL: 2 } as const;

describe("contract.commitment properties", () => {
  it("ordering exactly the pro-rata amount of the current period so far never flags", () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 400 }), ({ row, today, settings }, offset) => {
        const window = commitmentWindow(row.contractStartsOn, row.contractEndsOn, row.period, today);
        const { target } = expectedSoFar(row.quantity, window, today);
        // On one day of the period so far (any), plus orders before the period, which do not count either way.
        const day = addDays(window.start, offset % (daysBetween(window.start, today) + 1));
        const found = contractCommitment.run(data({ commitments: [row], dailyVolumes: [volume(day, target)] }), ctxOn(today, settings));
        expect(found).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it("ordering more never flags more, nor more severely", () => {
    fc.assert(
      fc.property(
        scenario,
        fc.array(fc.record({ offset: fc.integer({ min: -400, max: 400 }), quantity: fc.integer({ min: 0, max: 100_000 }).map((q) => q / 100) }), { maxLength: 8 }),
        fc.record({ offset: fc.integer({ min: -400, max: 400 }), quantity: fc.integer({ min: 1, max: 100_000 }).map((q) => q / 100) }),
        ({ row, today, settings }, orders, extra) => {
          const ctx = ctxOn(today, settings);
          const base = orders.map((o) => volume(addDays(today, -Math.abs(o.offset)), o.quantity));
          const more = [...base, volume(addDays(today, -Math.abs(extra.offset)), extra.quantity)];
          const before = contractCommitment.run(data({ commitments: [row], dailyVolumes: base }), ctx);
          const after = contractCommitment.run(data({ commitments: [row], dailyVolumes: more }), ctx);
          expect(after.length).toBeLessThanOrEqual(before.length);
          for (const f of after) {
            const was = before.find((b) => b.dedupeKey === f.dedupeKey);
            expect(was).toBeDefined();
            expect(RANK[f.severity]).toBeLessThanOrEqual(RANK[was!.severity]);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("the period always holds the day, starts on a step from the contract's start and stays within the contract", () => {
    fc.assert(
      fc.property(scenario, ({ row, today }) => {
        const w = commitmentWindow(row.contractStartsOn, row.contractEndsOn, row.period, today);
        expect(w.start <= today && today <= w.end).toBe(true);
        expect(w.start >= row.contractStartsOn && w.end <= row.contractEndsOn).toBe(true);
        const step = PERIOD_MONTHS[row.period];
        const k = Array.from({ length: 200 }, (_, i) => i).find((i) => addMonths(row.contractStartsOn, i * step) === w.start);
        expect(k).toBeDefined();
        expect(w.fullDays).toBe(daysBetween(w.start, addMonths(row.contractStartsOn, (k! + 1) * step)));
      }),
      { numRuns: 400 },
    );
  });
});
