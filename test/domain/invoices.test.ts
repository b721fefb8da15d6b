import { expect, it } from "vitest";
import { addContract } from "../../src/domain/contracts.ts";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../../src/domain/errors.ts";
import { addAccount } from "../../src/domain/accounts.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { addInvoice, AmbiguousInvoiceError, invoiceRef, listInvoices, markInvoicePaid, showInvoice } from "../../src/domain/invoices.ts";
import { changeOrderStatus, logOrder } from "../../src/domain/orders.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { footprint, rejects, twoOrganizations } from "../support/domain-fixtures.ts";

const day = (d: Date | null) => d?.toISOString().slice(0, 10) ?? null;

async function otherAccount(db: Parameters<typeof addAccount>[0], actor: Actor): Promise<string> {
  return (await addAccount(db, actor, { name: "Elsewhere GmbH" })).id;
}

describeEachDatabase("invoices", (get) => {
  it("adds invoices with due dates from the contract's payment terms, else 30 days, and lists them", async () => {
    const db = get().prisma;
    const { actor, account, admin } = await twoOrganizations(db);
    const order = await logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 10 }] });
    const plain = await addInvoice(db, actor, { account: "acme", number: "RE-1", amount: { minor: 2500 }, order: `O-${order.number}`, issuedOn: "2026-02-10" });
    expect(plain.accountId).toBe(account.id);
    expect(plain.orderId).toBe(order.id);
    expect(Number(plain.amountMinor)).toBe(2500);
    expect(plain.currency).toBe("EUR");
    expect([day(plain.issuedOn), day(plain.dueOn), plain.paidOn]).toEqual(["2026-02-10", "2026-03-12", null]);

    await addContract(db, actor, { account: "acme", name: "Frame", startsOn: "2026-03-01", endsOn: "2026-12-31", paymentTermsDays: 45 });
    const underContract = await addInvoice(db, actor, { account: "acme", number: "RE-2", amount: { minor: 100, currency: "EUR" }, issuedOn: "2026-03-01" });
    expect(day(underContract.dueOn)).toBe("2026-04-15");
    const afterContract = await addInvoice(db, actor, { account: "acme", number: "RE-3", amount: { minor: 100 }, issuedOn: "2027-01-01" });
    expect(day(afterContract.dueOn)).toBe("2027-01-31");
    const explicit = await addInvoice(db, actor, { account: "acme", number: "RE-4", amount: { minor: 0 }, issuedOn: "2026-05-01", dueOn: "2026-05-01" });
    expect(day(explicit.dueOn)).toBe("2026-05-01");
    const otherAccount = await addInvoice(db, actor, { account: "Baltic", number: "RE-5", amount: { minor: 700 }, issuedOn: "2026-03-05" });
    expect(day(otherAccount.dueOn)).toBe("2026-04-04");

    const all = await listInvoices(db, actor, { account: "acme" });
    expect(all.account.id).toBe(account.id);
    expect(all.invoices.map((i) => i.number)).toEqual(["RE-3", "RE-4", "RE-2", "RE-1"]);
    expect(all.invoices.find((i) => i.number === "RE-1")!.order?.number).toBe(order.number);

    await markInvoicePaid(db, actor, { number: "re-2", paidOn: "2026-04-01" });
    const unpaid = await listInvoices(db, actor, { account: "acme", scope: "unpaid" });
    expect(unpaid.invoices.map((i) => i.number)).toEqual(["RE-3", "RE-4", "RE-1"]);

    const events = await db.auditEvent.findMany({ where: { entityId: plain.id } });
    expect(events.map((e) => [e.action, e.actorId])).toEqual([["invoice.create", admin.id]]);
    expect(events[0]!.data).toMatchObject({ number: "RE-1", amountMinor: 2500, issuedOn: "2026-02-10", dueOn: "2026-03-12" });
  });

  it("numbers invoices I-1, I-2 … per organization, and finds them by that reference", async () => {
    const db = get().prisma;
    const { actor, b } = await twoOrganizations(db);
    const first = await addInvoice(db, actor, { account: "acme", number: "RE-1", amount: { minor: 100 }, issuedOn: "2026-01-10" });
    const second = await addInvoice(db, actor, { account: "baltic", number: "RE-1", amount: { minor: 200 }, issuedOn: "2026-01-11" });
    const elsewhere = await addInvoice(db, b.actor, { account: await otherAccount(db, b.actor), number: "X-1", amount: { minor: 1 }, issuedOn: "2026-01-10" });
    expect([first.refNumber, second.refNumber, elsewhere.refNumber]).toEqual([1, 2, 1]);
    expect(invoiceRef(second)).toBe("I-2");
    const shown = await showInvoice(db, actor, { invoice: "i-2" });
    expect(shown.id).toBe(second.id);
    expect((await showInvoice(db, actor, { invoice: "I2" })).id).toBe(second.id);
    // Another organization's I-1 is not ours, and ours is not theirs.
    expect((await showInvoice(db, b.actor, { invoice: "I-1" })).id).toBe(elsewhere.id);
    await rejects(showInvoice(db, b.actor, { invoice: "I-2" }), NotFoundError);
    const paid = await markInvoicePaid(db, actor, { number: "I-2", paidOn: "2026-02-01" });
    expect(paid.id).toBe(second.id);
    const events = await db.auditEvent.findMany({ where: { organizationId: actor.organizationId, action: { in: ["invoice.create", "invoice.paid"] } }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => (e.data as { ref: string }).ref).sort()).toEqual(["I-1", "I-2", "I-2"]);
  });

  it("refuses to pay a number that two invoices carry, lists both, and pays the one named by its reference", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    const first = await addInvoice(db, actor, { account: "acme", number: "RE-9002", amount: { minor: 1000 }, issuedOn: "2026-01-10" });
    expect(first.sameNumber).toEqual([]);
    const second = await addInvoice(db, actor, { account: "acme", number: "re-9002", amount: { minor: 1200 }, issuedOn: "2026-01-12" });
    // Recorded anyway (a duplicate is the checks' finding), and the earlier one is handed back for a warning.
    expect(second.sameNumber.map((i) => i.id)).toEqual([first.id]);
    expect(await db.invoice.count({ where: { organizationId: actor.organizationId, number: { equals: "RE-9002", mode: "insensitive" } } })).toBe(2);

    for (const input of [{ number: "RE-9002" }, { number: "RE-9002", account: "acme" }]) {
      const error = await rejects(markInvoicePaid(db, actor, { ...input, paidOn: "2026-02-01" }), AmbiguousInvoiceError, "error.ambiguousInvoice");
      expect(error.invoices.map((i) => i.refNumber)).toEqual([first.refNumber, second.refNumber]);
      expect(error.params).toMatchObject({ ref: "RE-9002", count: 2, candidates: `I-${first.refNumber} (ACME Holding GmbH), I-${second.refNumber} (ACME Holding GmbH)` });
    }
    expect(await db.invoice.count({ where: { organizationId: actor.organizationId, paidOn: { not: null } } })).toBe(0);
    expect(await db.auditEvent.count({ where: { organizationId: actor.organizationId, action: "invoice.paid" } })).toBe(0);

    const paid = await markInvoicePaid(db, actor, { number: invoiceRef(second), paidOn: "2026-02-01" });
    expect(paid.id).toBe(second.id);
    const again = await rejects(markInvoicePaid(db, actor, { number: invoiceRef(second), paidOn: "2026-02-05" }), ConflictError, "error.alreadyPaid");
    expect(again.params).toEqual({ invoice: invoiceRef(second), paidOn: "2026-02-01" });
    // Paying one does not make the number unambiguous: the other still carries it.
    await rejects(markInvoicePaid(db, actor, { number: "RE-9002", paidOn: "2026-02-05" }), AmbiguousInvoiceError);
    expect((await db.invoice.findUniqueOrThrow({ where: { id: first.id } })).paidOn).toBeNull();
  });

  it("does not let kam's reference shadow a supplier number written the same way", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    const mine = await addInvoice(db, actor, { account: "acme", number: "RE-1", amount: { minor: 1000 }, issuedOn: "2026-01-10" });
    // The supplier's own number looks like kam's reference of the first invoice.
    const theirs = await addInvoice(db, actor, { account: "acme", number: invoiceRef(mine), amount: { minor: 500 }, issuedOn: "2026-01-11" });
    const error = await rejects(markInvoicePaid(db, actor, { number: invoiceRef(mine), paidOn: "2026-02-01" }), AmbiguousInvoiceError, "error.ambiguousInvoice");
    expect(error.invoices.map((i) => i.refNumber).sort()).toEqual([mine.refNumber, theirs.refNumber].sort());
    expect(await db.invoice.count({ where: { organizationId: actor.organizationId, paidOn: { not: null } } })).toBe(0);
    expect((await markInvoicePaid(db, actor, { number: invoiceRef(theirs), paidOn: "2026-02-01" })).id).toBe(theirs.id);
  });

  it("lists the invoices of every account a number is used by, and takes the account when given", async () => {
    const db = get().prisma;
    const { actor, baltic } = await twoOrganizations(db);
    await addInvoice(db, actor, { account: "acme", number: "R-100", amount: { minor: 1 }, issuedOn: "2026-01-01" });
    const b = await addInvoice(db, actor, { account: "baltic", number: "R-100", amount: { minor: 2 }, issuedOn: "2026-01-01" });
    // Another account's invoice of that number is no reason to warn.
    expect(b.sameNumber).toEqual([]);
    const error = await rejects(markInvoicePaid(db, actor, { number: "R-100", paidOn: "2026-01-05" }), AmbiguousInvoiceError);
    expect(error.invoices.map((i) => i.accountName)).toEqual(["ACME Holding GmbH", "Baltic Logistics AG"]);
    expect(await db.invoice.count({ where: { organizationId: actor.organizationId, paidOn: { not: null } } })).toBe(0);
    const paid = await markInvoicePaid(db, actor, { number: "R-100", paidOn: "2026-01-05", account: "Baltic" });
    expect(paid.accountId).toBe(baltic.id);
    expect(Number(paid.amountMinor)).toBe(2);
    const error2 = await rejects(markInvoicePaid(db, actor, { number: "R-100", paidOn: "2026-01-05", account: "baltic" }), ConflictError, "error.alreadyPaid");
    expect(error2.params.paidOn).toBe("2026-01-05");
  });

  it("refuses an invoice for a cancelled order, and writes nothing", async () => {
    const db = get().prisma;
    const { actor, org } = await twoOrganizations(db);
    const order = await logOrder(db, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 10 }] });
    await changeOrderStatus(db, actor, { order: `O-${order.number}`, status: "CANCELLED" });
    const before = await footprint(db, org.id);
    const error = await rejects(
      addInvoice(db, actor, { account: "acme", number: "RE-5", amount: { minor: 2500 }, order: `O-${order.number}`, issuedOn: "2026-02-10" }),
      InvalidInputError,
      "error.invoiceCancelledOrder",
    );
    expect(error.params).toEqual({ field: "order", order: `O-${order.number}` });
    expect(await footprint(db, org.id)).toEqual(before);
  });

  it("refuses bad input and a failed write leaves nothing", async () => {
    const db = get().prisma;
    const { actor, org, baltic } = await twoOrganizations(db);
    const balticOrder = await logOrder(db, actor, { account: "baltic", lines: [{ product: "BOLT-10", quantity: 1 }] });
    const before = await footprint(db, org.id);
    const base = { account: "acme", number: "RE-1", amount: { minor: 100 }, issuedOn: "2026-01-10" };

    const mismatch = await rejects(addInvoice(db, actor, { ...base, amount: { minor: 100, currency: "USD" } }), InvalidInputError, "error.currencyMismatch");
    expect(mismatch.params).toEqual({ field: "amount", given: "USD", expected: "EUR" });
    expect((await rejects(addInvoice(db, actor, { ...base, amount: { minor: -1 } }), InvalidInputError, "error.tooShort")).params.field).toBe("amount.minor");
    await rejects(addInvoice(db, actor, { ...base, amount: { minor: 10_000_000_000_001 } }), InvalidInputError, "error.tooLong");
    await rejects(addInvoice(db, actor, { ...base, amount: { minor: 12.5 } }), InvalidInputError, "error.invalidField");
    await rejects(addInvoice(db, actor, { ...base, amount: { minor: 1, currency: "eur" } }), InvalidInputError, "error.invalidField");
    expect((await rejects(addInvoice(db, actor, { ...base, number: "x".repeat(41) }), InvalidInputError, "error.tooLong")).params).toEqual({ field: "number", max: 40 });
    await rejects(addInvoice(db, actor, { ...base, number: " " }), InvalidInputError, "error.tooShort");
    expect((await rejects(addInvoice(db, actor, { ...base, issuedOn: "2026-02-29" }), InvalidInputError)).params.field).toBe("issuedOn");
    const early = await rejects(addInvoice(db, actor, { ...base, dueOn: "2026-01-09" }), InvalidInputError, "error.dateTooEarly");
    expect(early.params).toEqual({ field: "dueOn", min: "2026-01-10" });
    // An order of another account of the same organization is not this account's order.
    await rejects(addInvoice(db, actor, { ...base, order: `O-${balticOrder.number}` }), NotFoundError);
    await rejects(addInvoice(db, actor, { ...base, order: "O-99" }), NotFoundError);
    await rejects(markInvoicePaid(db, actor, { number: "NOPE", paidOn: "2026-01-10" }), NotFoundError);
    expect(await footprint(db, org.id)).toEqual(before);

    const ok = await addInvoice(db, actor, { ...base, account: baltic.id, order: String(balticOrder.number) });
    expect(ok.orderId).toBe(balticOrder.id);
    const mid = await footprint(db, org.id);
    await rejects(markInvoicePaid(db, actor, { number: "RE-1", paidOn: "2026-01-09" }), InvalidInputError, "error.dateTooEarly");
    await rejects(markInvoicePaid(db, actor, { number: "RE-1", paidOn: "yesterday" }), InvalidInputError, "error.invalidField");
    expect(await footprint(db, org.id)).toEqual(mid);
    expect((await db.invoice.findUniqueOrThrow({ where: { id: ok.id } })).paidOn).toBeNull();
  });

  it("never reaches another organization's accounts, orders or invoices, and viewers and outsiders cannot write", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const order = await logOrder(db, a.actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 1 }] });
    await addInvoice(db, a.actor, { account: "acme", number: "SECRET-1", amount: { minor: 250 }, order: `O-${order.number}`, issuedOn: "2026-01-01" });
    const before = await footprint(db, a.org.id);
    await rejects(addInvoice(db, a.b.actor, { account: "ACME Holding GmbH", number: "X", amount: { minor: 1 }, issuedOn: "2026-01-01" }), NotFoundError);
    await rejects(addInvoice(db, a.b.actor, { account: a.account.id, number: "X", amount: { minor: 1 }, issuedOn: "2026-01-01" }), NotFoundError);
    await rejects(markInvoicePaid(db, a.b.actor, { number: "SECRET-1", paidOn: "2026-01-02" }), NotFoundError);
    await rejects(listInvoices(db, a.b.actor, { account: "acme" }), NotFoundError);

    for (const who of [a.viewer.actor, a.outsider.actor]) {
      await rejects(addInvoice(db, who, { account: "acme", number: "X", amount: { minor: 1 }, issuedOn: "2026-01-01" }), ForbiddenError);
      await rejects(markInvoicePaid(db, who, { number: "SECRET-1", paidOn: "2026-01-02" }), ForbiddenError);
    }
    expect(await footprint(db, a.org.id)).toEqual(before);
    expect((await listInvoices(db, a.viewer.actor, { account: "acme" })).invoices.map((i) => i.number)).toEqual(["SECRET-1"]);
    const paid = await markInvoicePaid(db, a.service.actor, { number: "SECRET-1", paidOn: "2026-01-02" });
    expect(day(paid.paidOn)).toBe("2026-01-02");
  });
});
