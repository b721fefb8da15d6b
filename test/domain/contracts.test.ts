import { expect, it } from "vitest";
import { addContract, currentPeriod, listContracts, showContract } from "../../src/domain/contracts.ts";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../../src/domain/errors.ts";
import { changeOrderStatus, logOrder } from "../../src/domain/orders.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { footprint, rejects, twoOrganizations } from "../support/domain-fixtures.ts";
import { contractCommitment } from "../../src/domain/rules/contract-commitment.ts";
import { loadCheckData } from "../../src/domain/rules/load.ts";
import { checkSettingsSchema } from "../../src/domain/rules/settings.ts";

const day = (d: Date) => d.toISOString().slice(0, 10);
const d = (s: string) => new Date(`${s}T00:00:00Z`);

describeEachDatabase("contracts", (get) => {
  it("adds a contract with defaults, prices and commitments in the account's currency, and lists it", async () => {
    const db = get().prisma;
    const { actor, account, admin } = await twoOrganizations(db);
    const contract = await addContract(db, actor, {
      account: "acme",
      name: "Rahmenvertrag 2026",
      startsOn: "2026-01-01",
      endsOn: "2027-12-31",
      prices: [{ product: "BOLT-10", minor: 199 }, { product: "nut", minor: 70 }],
      commitments: [{ product: "BOLT-10", quantity: 1000 }, { product: "NUT-10", quantity: 250, period: "QUARTER" }],
    });
    expect(contract.number).toBe(1);
    expect(contract.account.id).toBe(account.id);
    expect([contract.noticeDays, contract.paymentTermsDays, contract.currency]).toEqual([90, 30, "EUR"]);
    expect([day(contract.startsOn), day(contract.endsOn)]).toEqual(["2026-01-01", "2027-12-31"]);
    expect(contract.prices.map((p) => [p.product.sku, Number(p.priceMinor)]).sort()).toEqual([["BOLT-10", 199], ["NUT-10", 70]]);
    expect(contract.commitments.map((c) => [c.product.sku, Number(c.quantity), c.period]).sort()).toEqual([
      ["BOLT-10", 1000, "YEAR"],
      ["NUT-10", 250, "QUARTER"],
    ]);
    const second = await addContract(db, actor, { account: "acme", name: "Zusatz", startsOn: "2028-01-01", endsOn: "2028-01-02", noticeDays: 0, paymentTermsDays: 365 });
    expect([second.number, second.noticeDays, second.paymentTermsDays, second.prices.length]).toEqual([2, 0, 365, 0]);

    const listed = await listContracts(db, actor, { account: "ACME" });
    expect(listed.account?.id).toBe(account.id);
    expect(listed.contracts.map((c) => c.number)).toEqual([2, 1]);
    expect(listed.contracts[1]!.prices.map((p) => p.product.sku)).toEqual(["BOLT-10", "NUT-10"]);
    expect(listed.contracts[1]!.commitments.map((c) => c.product.sku)).toEqual(["BOLT-10", "NUT-10"]);
    expect((await listContracts(db, actor, { account: "baltic" })).contracts).toEqual([]);
    // Without an account: every contract of the organization, with its account.
    const all = await listContracts(db, actor, {});
    expect([all.account, all.contracts.map((c) => [c.number, c.account.name])]).toEqual([null, [[2, "ACME Holding GmbH"], [1, "ACME Holding GmbH"]]]);

    const events = await db.auditEvent.findMany({ where: { entityType: "Contract", organizationId: actor.organizationId }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => [e.action, e.entityId, e.actorId])).toEqual([
      ["contract.create", contract.id, admin.id],
      ["contract.create", second.id, admin.id],
    ]);
    // Orders inside the term get the contract price.
    const order = await logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 2 }], orderedOn: "2026-06-01" });
    expect(Number(order.totalMinor)).toBe(398);
  });

  it("shows each commitment with the quantity ordered in its current period", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    await addContract(db, actor, {
      account: "acme",
      name: "Frame",
      startsOn: "2026-01-01",
      endsOn: "2027-12-31",
      commitments: [{ product: "BOLT-10", quantity: 1000, period: "YEAR" }, { product: "NUT-10", quantity: 30, period: "QUARTER" }],
    });
    const log = (account: string, product: string, quantity: number, orderedOn: string) =>
      logOrder(db, actor, { account, lines: [{ product, quantity }], orderedOn });
    await log("acme", "BOLT-10", 100, "2026-03-01"); // last year's period
    await log("acme", "BOLT-10", 200, "2027-02-01");
    await log("acme", "BOLT-10", 2, "2027-03-20"); // BOLT-10 is counted (pcs): whole quantities only
    const cancelled = await log("acme", "BOLT-10", 50, "2027-03-15");
    await changeOrderStatus(db, actor, { order: `O-${cancelled.number}`, status: "CANCELLED" });
    await log("baltic", "BOLT-10", 999, "2027-02-01"); // another account
    await log("acme", "NUT-10", 3, "2026-12-31"); // previous quarter
    await log("acme", "NUT-10", 7, "2027-01-10");
    await logOrder(db, actor, { account: "acme", lines: [{ product: "NUT-10", quantity: 2 }, { product: "BOLT-10", quantity: 1 }], orderedOn: "2027-03-31" });

    const shown = await showContract(db, actor, { contract: "K-1", today: "2027-03-20" });
    expect(shown.account.name).toBe("ACME Holding GmbH");
    // Ordered in the period up to that day (the order of 31 March comes later; 200 + 2), and the pro-rata
    // target by then: 79 of 365 days of 1000, 79 of 90 days of 30.
    expect(shown.commitments.map((c) => [c.product.sku, c.period, c.ordered, c.expected, day(c.periodFrom), day(c.periodTo)])).toEqual([
      ["BOLT-10", "YEAR", 202, 216.438, "2027-01-01", "2027-12-31"],
      ["NUT-10", "QUARTER", 7, 26.333, "2027-01-01", "2027-03-31"],
    ]);
    const earlier = await showContract(db, actor, { contract: "1", today: "2026-12-31" });
    expect(earlier.commitments.map((c) => c.ordered)).toEqual([100, 3]);
    expect(day(earlier.commitments[1]!.periodFrom)).toBe("2026-10-01");
    const withoutDay = await showContract(db, actor, { contract: "#1" });
    expect(withoutDay.commitments).toHaveLength(2);
  });

  it("computes periods from the contract start, clipped to its term", () => {
    const year = currentPeriod(d("2026-04-15"), d("2028-04-14"), "YEAR", d("2027-04-14"));
    expect([day(year.from), day(year.until)]).toEqual(["2026-04-15", "2027-04-15"]);
    const month = currentPeriod(d("2026-01-31"), d("2026-12-31"), "MONTH", d("2026-03-05"));
    expect([day(month.from), day(month.until)]).toEqual(["2026-02-28", "2026-03-31"]);
    const clipped = currentPeriod(d("2026-01-01"), d("2026-08-31"), "YEAR", d("2026-05-01"));
    expect([day(clipped.from), day(clipped.until)]).toEqual(["2026-01-01", "2026-09-01"]);
    const before = currentPeriod(d("2026-01-01"), d("2027-12-31"), "QUARTER", d("2025-06-01"));
    expect([day(before.from), day(before.until)]).toEqual(["2026-01-01", "2026-04-01"]);
    const after = currentPeriod(d("2026-01-01"), d("2026-12-31"), "QUARTER", d("2030-01-01"));
    expect([day(after.from), day(after.until)]).toEqual(["2026-10-01", "2027-01-01"]);
  });

  it("refuses bad input and a failed write leaves nothing", async () => {
    const db = get().prisma;
    const { actor, org } = await twoOrganizations(db);
    const before = await footprint(db, org.id);
    const base = { account: "acme", name: "K", startsOn: "2026-01-01", endsOn: "2026-12-31" };
    const order = await rejects(addContract(db, actor, { ...base, endsOn: "2025-12-31" }), InvalidInputError, "error.dateTooEarly");
    expect(order.params).toEqual({ field: "endsOn", min: "2026-01-02" });
    expect((await rejects(addContract(db, actor, { ...base, endsOn: "2026-01-01" }), InvalidInputError)).field).toBe("endsOn");
    await rejects(addContract(db, actor, { ...base, startsOn: "2026-1-1" }), InvalidInputError, "error.invalidField");
    await rejects(addContract(db, actor, { ...base, endsOn: "2026-04-31" }), InvalidInputError, "error.invalidField");
    await rejects(addContract(db, actor, { ...base, noticeDays: 731 }), InvalidInputError, "error.tooLong");
    await rejects(addContract(db, actor, { ...base, noticeDays: -1 }), InvalidInputError, "error.tooShort");
    await rejects(addContract(db, actor, { ...base, paymentTermsDays: 366 }), InvalidInputError, "error.tooLong");
    await rejects(addContract(db, actor, { ...base, name: "n".repeat(121) }), InvalidInputError, "error.tooLong");
    expect((await rejects(addContract(db, actor, { ...base, prices: [{ product: "BOLT-10", minor: -5 }] }), InvalidInputError)).params.field).toBe("prices.minor");
    await rejects(addContract(db, actor, { ...base, prices: [{ product: "BOLT-10", minor: 10_000_000_000_001 }] }), InvalidInputError, "error.tooLong");
    await rejects(addContract(db, actor, { ...base, commitments: [{ product: "BOLT-10", quantity: 0 }] }), InvalidInputError);
    await rejects(addContract(db, actor, { ...base, commitments: [{ product: "BOLT-10", quantity: 1.0001 }] }), InvalidInputError);
    const dup = await rejects(
      addContract(db, actor, { ...base, prices: [{ product: "BOLT-10", minor: 1 }, { product: "bolt", minor: 2 }] }),
      InvalidInputError,
      "error.duplicateProduct",
    );
    expect(dup.params).toEqual({ field: "prices.1.product", product: "BOLT-10" });
    await rejects(
      addContract(db, actor, { ...base, commitments: [{ product: "NUT-10", quantity: 1 }, { product: "NUT-10", quantity: 2, period: "YEAR" }] }),
      InvalidInputError,
      "error.duplicateProduct",
    );
    await rejects(addContract(db, actor, { ...base, prices: [{ product: "BOLT-10", minor: 1 }, { product: "NO-SUCH", minor: 1 }] }), NotFoundError);
    await rejects(showContract(db, actor, { contract: "K-1" }), NotFoundError);
    await rejects(showContract(db, actor, { contract: "O-1" }), NotFoundError);
    expect(await footprint(db, org.id)).toEqual(before);

    const ok = await addContract(db, actor, { ...base, commitments: [{ product: "NUT-10", quantity: 1 }, { product: "NUT-10", quantity: 3, period: "MONTH" }] });
    expect(ok.number).toBe(1);
    expect(ok.commitments).toHaveLength(2);
  });

  it("never reaches another organization's accounts, products or contracts, and viewers and outsiders cannot write", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    await addContract(db, a.actor, { account: "acme", name: "Secret", startsOn: "2026-01-01", endsOn: "2026-12-31" });
    const before = await footprint(db, a.org.id);
    const base = { name: "X", startsOn: "2026-01-01", endsOn: "2026-12-31" };
    await rejects(addContract(db, a.b.actor, { ...base, account: "ACME Holding GmbH" }), NotFoundError);
    await rejects(addContract(db, a.b.actor, { ...base, account: a.account.id }), NotFoundError);
    await rejects(showContract(db, a.b.actor, { contract: "K-1" }), NotFoundError);
    await rejects(listContracts(db, a.b.actor, { account: "acme" }), NotFoundError);
    for (const who of [a.viewer.actor, a.outsider.actor]) {
      await rejects(addContract(db, who, { ...base, account: "acme" }), ForbiddenError);
    }
    expect(await footprint(db, a.org.id)).toEqual(before);
    expect((await showContract(db, a.viewer.actor, { contract: "K-1" })).name).toBe("Secret");
  });

  it("shows a commitment of a contract that starts during the year with the period and target the check uses", async () => {
    const db = get().prisma;
    const { actor, org } = await twoOrganizations(db);
    await db.organization.update({ where: { id: org.id }, data: { timeZone: "Europe/Berlin" } });
    const contract = await addContract(db, actor, {
      account: "acme", name: "From October", startsOn: "2026-10-01", endsOn: "2028-09-30",
      commitments: [{ product: "BOLT-10", quantity: 1200, period: "YEAR" }, { product: "NUT-10", quantity: 300, period: "QUARTER" }],
    });
    // Ordered the day before the contract starts: not counted.
    await logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 50 }], orderedOn: "2026-09-30" });
    await logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 150 }, { product: "NUT-10", quantity: 60 }], orderedOn: "2026-10-20" });
    const at = { ...actor, now: new Date("2026-11-26T10:00:00Z") };
    const shown = await showContract(db, at, { contract: `K-${contract.number}` });
    // 57 of 365 days of the contract's first year (1 Oct 2026 – 30 Sep 2027), 57 of 92 days of its first quarter.
    expect(shown.commitments.map((c) => [c.product.sku, day(c.periodFrom), day(c.periodTo), c.ordered, c.expected])).toEqual([
      ["BOLT-10", "2026-10-01", "2027-09-30", 150, 187.397],
      ["NUT-10", "2026-10-01", "2026-12-31", 60, 185.87],
    ]);

    const ctx = { now: at.now, timeZone: "Europe/Berlin", today: "2026-11-26", settings: checkSettingsSchema.parse({}) };
    const data = await loadCheckData(db, { organizationId: org.id, ...ctx }, ["contracts"]);
    const findings = contractCommitment.run(data, ctx);
    // BOLT-10 is at 80 % of its target (not flagged); NUT-10 at 32 % (flagged), with the same period and target as shown.
    expect(findings.map((f) => [f.params.sku, f.params.startOn, f.params.endOn, f.params.ordered, f.params.target, f.severity])).toEqual([
      ["NUT-10", "2026-10-01", "2026-12-31", 60, 185.87, "CRITICAL"],
    ]);
  });
});

