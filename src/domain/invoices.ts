import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { AmbiguousError, ConflictError, InvalidInputError, NotFoundError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { parseNumberRef, resolveAccount } from "./references.ts";
import { audit, inTransaction } from "./tx.ts";
import { validate } from "./validate.ts";

const DAY_MS = 86_400_000;
export const DEFAULT_PAYMENT_TERMS_DAYS = 30;

const invoiceNumber = z.string().trim().min(1).max(40);

export const addInvoiceInput = z.object({
  account: limits.reference,
  number: invoiceNumber,
  amount: z.object({ minor: limits.minorAmount, currency: limits.currency.optional() }),
  order: limits.reference.optional(),
  issuedOn: limits.isoDay,
  dueOn: limits.isoDay.optional(),
});
export type AddInvoiceInput = z.input<typeof addInvoiceInput>;

/**
 * Records an invoice. A number already used is accepted on purpose: duplicates are a finding for
 * the scheduled checks, not a reason to lose the record.
 */
export async function addInvoice(db: PrismaClient, actor: Actor, input: AddInvoiceInput) {
  const data = validate(addInvoiceInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "account.write", account.id);
    if (data.amount.currency && data.amount.currency !== account.currency) {
      throw new InvalidInputError("amount", "error.currencyMismatch", { given: data.amount.currency, expected: account.currency });
    }
    let orderId: string | null = null;
    if (data.order) {
      const order = await tx.order.findFirst({
        where: { organizationId: actor.organizationId, accountId: account.id, number: parseNumberRef("order", data.order, "O") },
      });
      if (!order) throw new NotFoundError("order", data.order);
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
    }
    const invoice = await tx.invoice.create({
      data: {
        organizationId: actor.organizationId,
        accountId: account.id,
        number: data.number,
        amountMinor: BigInt(data.amount.minor),
        currency: account.currency,
        issuedOn,
        dueOn,
        orderId,
      },
      include: { account: true, order: true },
    });
    await audit(tx, actor, "invoice.create", "Invoice", invoice.id, {
      number: data.number,
      account: account.id,
      amountMinor: data.amount.minor,
      currency: account.currency,
      orderId,
      issuedOn: data.issuedOn,
      dueOn: limits.dateToDay(dueOn),
    });
    return invoice;
  });
}

export const markInvoicePaidInput = z.object({
  number: invoiceNumber,
  paidOn: limits.isoDay,
  account: limits.reference.optional(),
});

/**
 * Marks an invoice paid. When the same number was recorded twice for one account (a duplicate),
 * the earliest unpaid one is marked.
 */
export async function markInvoicePaid(db: PrismaClient, actor: Actor, input: z.input<typeof markInvoicePaidInput>) {
  const data = validate(markInvoicePaidInput, input);
  return inTransaction(db, async (tx) => {
    const account = data.account ? await resolveAccount(tx, actor.organizationId, data.account) : null;
    const invoices = await tx.invoice.findMany({
      where: {
        organizationId: actor.organizationId,
        number: { equals: data.number, mode: "insensitive" },
        ...(account ? { accountId: account.id } : {}),
      },
      include: { account: true },
      orderBy: [{ issuedOn: "asc" }, { createdAt: "asc" }],
    });
    if (invoices.length === 0) throw new NotFoundError("invoice", data.number);
    const accounts = [...new Set(invoices.map((i) => i.account.name))];
    if (accounts.length > 1) throw new AmbiguousError("invoice", data.number, accounts.sort());
    const invoice = invoices.find((i) => i.paidOn === null);
    await requireAccount(tx, actor, "account.write", invoices[0]!.accountId);
    if (!invoice) {
      throw new ConflictError("error.alreadyPaid", { invoice: invoices[0]!.number, paidOn: limits.dateToDay(invoices[0]!.paidOn!) });
    }
    const paidOn = limits.dayToDate(data.paidOn);
    if (paidOn < invoice.issuedOn) throw new InvalidInputError("paidOn", "error.dateTooEarly", { min: limits.dateToDay(invoice.issuedOn) });
    const paid = await tx.invoice.update({
      where: { id: invoice.id },
      data: { paidOn },
      include: { account: true, order: true },
    });
    await audit(tx, actor, "invoice.paid", "Invoice", invoice.id, { number: invoice.number, paidOn: data.paidOn });
    return paid;
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
        ...(data.scope === "unpaid" ? { paidOn: null } : {}),
      },
      include: { order: true },
      orderBy: [{ issuedOn: "desc" }, { createdAt: "desc" }],
      take: 200,
    });
    return { account, invoices };
  });
}
