import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import type { Invoice } from "../generated/prisma/client.ts";
import { ConflictError, DomainError, InvalidInputError, NotFoundError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { recordNumber, resolveAccount } from "./references.ts";
import { audit, inTransaction, nextNumber, type Tx } from "./tx.ts";
import { auditChange, diffFields } from "./changes.ts";
import { validate } from "./validate.ts";
import { equalsIgnoringCase } from "./ignoring-case.ts";
import { amountInput, minorIn } from "./amounts.ts";

const DAY_MS = 86_400_000;
export const DEFAULT_PAYMENT_TERMS_DAYS = 30;

const invoiceNumber = z.string().trim().min(1).max(40);

export const addInvoiceInput = z.object({
  account: limits.reference,
  number: invoiceNumber,
  amount: amountInput,
  order: limits.reference.optional(),
  issuedOn: limits.isoDay,
  dueOn: limits.isoDay.optional(),
});
export type AddInvoiceInput = z.input<typeof addInvoiceInput>;

/** kam's own reference of an invoice ("I-7"); the supplier's number may repeat, this does not. */
export function invoiceRef(invoice: { refNumber: number }): string {
  return `I-${invoice.refNumber}`;
}

export { invoiceLabel } from "./rules/labels.ts";

const INVOICE_REF = /^I-?(\d{1,9})$/i;

/** One of several invoices a reference could mean; the caller lists them to choose from. */
export interface InvoiceCandidate {
  refNumber: number;
  number: string;
  accountName: string;
  amountMinor: bigint;
  currency: string;
  issuedOn: Date;
  paidOn: Date | null;
}

/** A supplier's invoice number that several invoices carry: say which one by its reference (I-7). */
export class AmbiguousInvoiceError extends DomainError {
  constructor(ref: string, readonly invoices: InvoiceCandidate[]) {
    super("error.ambiguousInvoice", {
      ref,
      count: invoices.length,
      candidates: invoices.map((i) => `${invoiceRef(i)} (${i.accountName})`).join(", "),
      first: invoiceRef(invoices[0]!),
    });
  }
}

/**
 * The one invoice a reference names: kam's reference (I-7) first, else the supplier's number
 * (case-insensitive), optionally within one account. A number that several invoices carry is
 * refused as ambiguous, listing them all: paying "one of them" would be a guess.
 */
export async function resolveInvoice(tx: Tx, organizationId: string, ref: string, accountId?: string) {
  const wanted = ref.trim();
  const byRef = INVOICE_REF.exec(wanted);
  // A supplier may number its invoices "I-12" too: then both readings are candidates, and a
  // reference that names two invoices is as ambiguous as a shared number.
  const invoices = await tx.invoice.findMany({
    where: {
      organizationId,
      OR: [{ number: equalsIgnoringCase(wanted) }, ...(byRef ? [{ refNumber: Number(byRef[1]) }] : [])],
      ...(accountId ? { accountId } : {}),
    },
    include: { account: true, order: true },
    orderBy: [{ issuedOn: "asc" }, { refNumber: "asc" }],
    take: 20,
  });
  if (invoices.length === 0) throw new NotFoundError("invoice", wanted);
  if (invoices.length > 1) {
    throw new AmbiguousInvoiceError(wanted, invoices.map((i) => ({ ...i, accountName: i.account.name })));
  }
  return invoices[0]!;
}

/**
 * Records an invoice under the next reference (I-7). A number the account already used is accepted
 * on purpose (duplicates are a finding for the scheduled checks, not a reason to lose the record),
 * and returned as `sameNumber` so that the caller warns at once.
 */
export async function addInvoice(db: PrismaClient, actor: Actor, input: AddInvoiceInput) {
  const data = validate(addInvoiceInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "account.write", account.id);
    if (data.amount.currency && data.amount.currency !== account.currency) {
      throw new InvalidInputError("amount", "error.currencyMismatch", { given: data.amount.currency, expected: account.currency });
    }
    const amountMinor = minorIn(data.amount, account.currency, "amount");
    let orderId: string | null = null;
    if (data.order) {
      const order = await tx.order.findFirst({
        where: { organizationId: actor.organizationId, accountId: account.id, number: await recordNumber(tx, "order", actor.organizationId, data.order) },
      });
      if (!order) throw new NotFoundError("order", data.order);
      if (order.status === "CANCELLED") throw new InvalidInputError("order", "error.invoiceCancelledOrder", { order: `O-${order.number}` });
      orderId = order.id;
    }
    const issuedOn = limits.dayToDate(data.issuedOn);
    let dueOn: Date;
    if (data.dueOn) {
      dueOn = limits.dayToDate(data.dueOn);
      if (dueOn < issuedOn) throw new InvalidInputError("dueOn", "error.dateTooEarly", { min: data.issuedOn });
    } else {
      const contract = await tx.contract.findFirst({
        where: { accountId: account.id, startsOn: { lte: issuedOn }, endsOn: { gte: issuedOn } },
        orderBy: { startsOn: "desc" },
      });
      dueOn = new Date(issuedOn.getTime() + (contract?.paymentTermsDays ?? DEFAULT_PAYMENT_TERMS_DAYS) * DAY_MS);
      if (dueOn.getUTCFullYear() > limits.MAX_YEAR) throw new InvalidInputError("issuedOn", "error.dueTooLate", { max: `${limits.MAX_YEAR}-12-31` });
    }
    const sameNumber = await tx.invoice.findMany({
      where: { organizationId: actor.organizationId, accountId: account.id, number: equalsIgnoringCase(data.number) },
      orderBy: [{ issuedOn: "asc" }, { refNumber: "asc" }],
      take: 10,
    });
    const refNumber = await nextNumber(tx, actor.organizationId, "invoice");
    const invoice = await tx.invoice.create({
      data: {
        organizationId: actor.organizationId,
        refNumber,
        accountId: account.id,
        number: data.number,
        amountMinor,
        currency: account.currency,
        issuedOn,
        dueOn,
        orderId,
      },
      include: { account: true, order: true },
    });
    await audit(tx, actor, "invoice.create", "Invoice", invoice.id, {
      ref: invoiceRef(invoice),
      number: data.number,
      account: account.id,
      amountMinor: Number(amountMinor),
      currency: account.currency,
      orderId,
      issuedOn: data.issuedOn,
      dueOn: limits.dateToDay(dueOn),
      ...(sameNumber.length ? { sameNumberAs: sameNumber.map(invoiceRef) } : {}),
    });
    return { ...invoice, sameNumber: sameNumber as Invoice[] };
  });
}

export const markInvoicePaidInput = z.object({
  /** kam's reference (I-7) or the supplier's number. */
  number: invoiceNumber,
  paidOn: limits.isoDay,
  account: limits.reference.optional(),
});

/** Marks one invoice paid, named by its reference (I-7) or by a number only it carries. */
export async function markInvoicePaid(db: PrismaClient, actor: Actor, input: z.input<typeof markInvoicePaidInput>) {
  const data = validate(markInvoicePaidInput, input);
  return inTransaction(db, async (tx) => {
    const account = data.account ? await resolveAccount(tx, actor.organizationId, data.account) : null;
    const invoice = await resolveInvoice(tx, actor.organizationId, data.number, account?.id);
    await requireAccount(tx, actor, "account.write", invoice.accountId);
    if (invoice.voidedAt) throw new ConflictError("error.invoiceVoid", { invoice: invoiceRef(invoice) });
    if (invoice.paidOn) {
      throw new ConflictError("error.alreadyPaid", { invoice: invoiceRef(invoice), paidOn: limits.dateToDay(invoice.paidOn) });
    }
    const paidOn = limits.dayToDate(data.paidOn);
    if (paidOn < invoice.issuedOn) throw new InvalidInputError("paidOn", "error.dateTooEarly", { min: limits.dateToDay(invoice.issuedOn) });
    const paid = await tx.invoice.update({
      where: { id: invoice.id },
      data: { paidOn, version: { increment: 1 } },
      include: { account: true, order: true },
    });
    // As a field change, so that history shows it like any edit and `undo` can take it back.
    await auditChange(tx, actor, "invoice.paid", "Invoice", invoice.id, paid.version, diffFields(invoice, { paidOn }, ["paidOn"]), { ref: invoiceRef(invoice), number: invoice.number });
    return paid;
  });
}

/** One invoice with its account, order and the flags raised about it (open ones first). */
export async function showInvoice(db: PrismaClient, actor: Actor, input: { invoice: string; account?: string }) {
  const data = validate(z.object({ invoice: invoiceNumber, account: limits.reference.optional() }), input);
  return inTransaction(db, async (tx) => {
    const account = data.account ? await resolveAccount(tx, actor.organizationId, data.account) : null;
    const invoice = await resolveInvoice(tx, actor.organizationId, data.invoice, account?.id);
    const flags = await tx.flag.findMany({
      where: { organizationId: actor.organizationId, subjectType: "Invoice", subjectId: invoice.id },
      orderBy: [{ status: "asc" }, { number: "asc" }],
      take: 20,
    });
    return { ...invoice, flags };
  });
}

export const listInvoicesInput = z.object({
  account: limits.reference,
  scope: z.enum(["unpaid", "all"]).default("all"),
});

export async function listInvoices(db: PrismaClient, actor: Actor, input: z.input<typeof listInvoicesInput>) {
  const data = validate(listInvoicesInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    const invoices = await tx.invoice.findMany({
      where: {
        organizationId: actor.organizationId,
        accountId: account.id,
        ...(data.scope === "unpaid" ? { paidOn: null, voidedAt: null } : {}),
      },
      include: { order: true },
      orderBy: [{ issuedOn: "desc" }, { refNumber: "desc" }],
      take: 200,
    });
    return { account, invoices };
  });
}
