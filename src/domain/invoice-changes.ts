import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { assertVersion, auditChange, diffFields } from "./changes.ts";
import { ConflictError, InvalidInputError, NotFoundError } from "./errors.ts";
import { invoiceRef, resolveInvoice } from "./invoices.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { recordNumber } from "./references.ts";
import { inTransaction, type Tx } from "./tx.ts";
import { registerUndo } from "./undo-registry.ts";
import { validate } from "./validate.ts";
import { amountInput, minorIn } from "./amounts.ts";

const version = z.number().int().min(1).optional();

export const editInvoiceInput = z.object({
  invoice: limits.reference,
  expectedVersion: version,
  amount: amountInput.optional(),
  issuedOn: limits.isoDay.optional(),
  dueOn: limits.isoDay.optional(),
  /** An order reference, or null to unlink the invoice from its order. */
  order: limits.reference.nullable().optional(),
});
export type EditInvoiceInput = z.input<typeof editInvoiceInput>;

async function invoiceFor(tx: Tx, actor: Actor, ref: string, expectedVersion: number | undefined) {
  const invoice = await resolveInvoice(tx, actor.organizationId, ref);
  await requireAccount(tx, actor, "account.write", invoice.accountId);
  await assertVersion(tx, actor.organizationId, invoice, invoiceRef(invoice), expectedVersion);
  if (invoice.voidedAt) throw new ConflictError("error.invoiceVoid", { invoice: invoiceRef(invoice) });
  return invoice;
}

const include = { account: true, order: true, credits: { orderBy: { createdAt: "asc" as const } } };

/** Corrects an invoice's amount, days or order link; the checks see the correction on their next sweep. */
export async function editInvoice(db: PrismaClient, actor: Actor, input: EditInvoiceInput) {
  const data = validate(editInvoiceInput, input);
  if (data.amount === undefined && data.issuedOn === undefined && data.dueOn === undefined && data.order === undefined) {
    throw new InvalidInputError("invoice", "error.nothingToChange");
  }
  return inTransaction(db, async (tx) => {
    const invoice = await invoiceFor(tx, actor, data.invoice, data.expectedVersion);
    if (data.amount?.currency && data.amount.currency !== invoice.currency) {
      throw new InvalidInputError("amount", "error.currencyMismatch", { given: data.amount.currency, expected: invoice.currency });
    }
    const amountMinor = data.amount ? minorIn(data.amount, invoice.currency, "amount") : undefined;
    if (amountMinor !== undefined && amountMinor < invoice.creditedMinor) {
      throw new InvalidInputError("amount", "error.amountBelowCredits", { invoice: invoiceRef(invoice), credited: Number(invoice.creditedMinor), currency: invoice.currency });
    }
    let orderId: string | null | undefined;
    if (data.order === null) orderId = null;
    else if (data.order !== undefined) {
      const order = await tx.order.findFirst({
        where: { organizationId: actor.organizationId, accountId: invoice.accountId, number: await recordNumber(tx, "order", actor.organizationId, data.order) },
      });
      if (!order) throw new NotFoundError("order", data.order);
      if (order.status === "CANCELLED") throw new InvalidInputError("order", "error.invoiceCancelledOrder", { order: `O-${order.number}` });
      orderId = order.id;
    }
    const after = {
      ...(amountMinor !== undefined ? { amountMinor } : {}),
      ...(data.issuedOn ? { issuedOn: limits.dayToDate(data.issuedOn) } : {}),
      ...(data.dueOn ? { dueOn: limits.dayToDate(data.dueOn) } : {}),
      ...(orderId !== undefined ? { orderId } : {}),
    };
    const issuedOn = after.issuedOn ?? invoice.issuedOn;
    const dueOn = after.dueOn ?? invoice.dueOn;
    if (dueOn < issuedOn) throw new InvalidInputError("dueOn", "error.dateTooEarly", { min: limits.dateToDay(issuedOn) });
    const changes = diffFields(invoice, after, ["amountMinor", "issuedOn", "dueOn", "orderId"]);
    if (Object.keys(changes).length === 0) throw new InvalidInputError("invoice", "error.nothingToChange");
    const updated = await tx.invoice.update({ where: { id: invoice.id }, data: { ...after, version: { increment: 1 } }, include });
    await auditChange(tx, actor, "invoice.edit", "Invoice", invoice.id, updated.version, changes, { currency: invoice.currency });
    return updated;
  });
}

const reasonInput = z.object({ invoice: limits.reference, reason: limits.shortText.optional(), expectedVersion: version });

/** A void invoice is no longer owed: it is neither overdue nor checked. A paid one is credited instead. */
export async function voidInvoice(db: PrismaClient, actor: Actor, input: z.input<typeof reasonInput>) {
  const data = validate(reasonInput, input);
  return inTransaction(db, async (tx) => {
    const invoice = await invoiceFor(tx, actor, data.invoice, data.expectedVersion);
    if (invoice.paidOn) throw new ConflictError("error.voidPaid", { invoice: invoiceRef(invoice) });
    const after = { voidedAt: actor.now, voidReason: data.reason ?? null };
    const updated = await tx.invoice.update({ where: { id: invoice.id }, data: { ...after, version: { increment: 1 } }, include });
    await auditChange(tx, actor, "invoice.void", "Invoice", invoice.id, updated.version, diffFields(invoice, after, ["voidedAt", "voidReason"]), {
      ...(data.reason ? { reason: data.reason } : {}),
    });
    return updated;
  });
}

export const creditInvoiceInput = z.object({
  invoice: limits.reference,
  amount: amountInput,
  reason: limits.shortText.optional(),
  expectedVersion: version,
});

/**
 * A credit note against an invoice: lowers what it bills. The checks compare the amount less its
 * credits with the order, and an invoice credited in full is no longer owed (not overdue).
 */
export async function creditInvoice(db: PrismaClient, actor: Actor, input: z.input<typeof creditInvoiceInput>) {
  const data = validate(creditInvoiceInput, input);
  return inTransaction(db, async (tx) => {
    const invoice = await invoiceFor(tx, actor, data.invoice, data.expectedVersion);
    if (data.amount.currency && data.amount.currency !== invoice.currency) {
      throw new InvalidInputError("amount", "error.currencyMismatch", { given: data.amount.currency, expected: invoice.currency });
    }
    const creditMinor = minorIn(data.amount, invoice.currency, "amount");
    if (creditMinor <= 0n) throw new InvalidInputError("amount", "error.tooShort");
    const credited = invoice.creditedMinor + creditMinor;
    if (credited > invoice.amountMinor) {
      throw new InvalidInputError("amount", "error.creditTooLarge", {
        invoice: invoiceRef(invoice),
        open: Number(invoice.amountMinor - invoice.creditedMinor),
        currency: invoice.currency,
      });
    }
    const note = await tx.creditNote.create({
      data: { invoiceId: invoice.id, amountMinor: creditMinor, reason: data.reason ?? null, createdById: actor.memberId, createdAt: actor.now },
    });
    const updated = await tx.invoice.update({ where: { id: invoice.id }, data: { creditedMinor: credited, version: { increment: 1 } }, include });
    await auditChange(tx, actor, "invoice.credit", "Invoice", invoice.id, updated.version, diffFields(invoice, { creditedMinor: credited }, ["creditedMinor"]), {
      creditNoteId: note.id,
      amountMinor: Number(creditMinor),
      currency: invoice.currency,
      ...(data.reason ? { reason: data.reason } : {}),
    });
    return { invoice: updated, credit: note };
  });
}

registerUndo("invoice.credit", async (tx, _row, data) => {
  if (typeof data.creditNoteId === "string") await tx.creditNote.deleteMany({ where: { id: data.creditNoteId } });
});
