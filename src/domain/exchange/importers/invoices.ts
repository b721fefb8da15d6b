import { randomUUID } from "node:crypto";
import { auditChange, diffFields } from "../../changes.ts";
import { InvalidInputError } from "../../errors.ts";
import type { Actor } from "../../actor.ts";
import { DEFAULT_PAYMENT_TERMS_DAYS } from "../../invoices.ts";
import type { Tx } from "../../tx.ts";
import * as limits from "../../limits.ts";
import { inField, onLine, record, toMinor, type ImportContext, type Row } from "../context.ts";
import type { CanonicalRow } from "../kinds.ts";
import { AccountLookup } from "../lookups.ts";
import { OrderLookup } from "../order-lookup.ts";
import { reserveNumbers } from "../numbers.ts";

const DAY_MS = 86_400_000;
const CHUNK = 5_000;
const FIELDS = ["amountMinor", "currency", "issuedOn", "dueOn", "paidOn", "orderId"] as const;

interface Wanted {
  accountId: string;
  number: string;
  amountMinor: bigint;
  currency: string;
  issuedOn: Date;
  dueOn: Date;
  paidOn: Date | null;
  orderId: string | null;
}

/**
 * Invoices by account and supplier's number. An invoice's currency may differ from its order's
 * (the ERP billed it so): it is taken as given and the currency check flags it. New invoices are
 * written in batches (a file of an ERP's history holds tens of thousands).
 */
export async function importInvoices(ctx: ImportContext, rows: Row<CanonicalRow<"invoices">>[]): Promise<void> {
  const { tx, actor } = ctx;
  const organizationId = actor.organizationId;
  const accounts = new AccountLookup(ctx);
  const orders = new OrderLookup(ctx);
  await orders.preload(rows.map((r) => r.values.order).filter((o): o is string => !!o));

  const existing = new Map<string, Awaited<ReturnType<typeof tx.invoice.findMany>>>();
  const numbers = [...new Set(rows.map((r) => r.values.number))];
  for (let i = 0; i < numbers.length; i += CHUNK) {
    const found = await tx.invoice.findMany({ where: { organizationId, number: { in: numbers.slice(i, i + CHUNK) } } });
    for (const invoice of found) {
      const key = `${invoice.accountId}\u0000${invoice.number.toLowerCase()}`;
      existing.set(key, [...(existing.get(key) ?? []), invoice]);
    }
  }
  const contracts = await tx.contract.findMany({
    where: { organizationId },
    select: { accountId: true, startsOn: true, endsOn: true, paymentTermsDays: true },
    orderBy: { startsOn: "desc" },
  });
  const termsOn = (accountId: string, day: Date) =>
    contracts.find((c) => c.accountId === accountId && c.startsOn <= day && c.endsOn >= day)?.paymentTermsDays ?? DEFAULT_PAYMENT_TERMS_DAYS;

  const seen = new Map<string, number>();
  const creations: { line: number; wanted: Wanted }[] = [];
  for (const { line, values } of rows) {
    await onLine(ctx, line, undefined, async () => {
      const account = await inField("account", accounts.resolve(values.account));
      const key = `${account.id}\u0000${values.number.toLowerCase()}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.errors.push({ line, field: "number", key: "import.duplicateRow", params: { first } });
        return;
      }
      seen.set(key, line);
      const order = values.order ? await inField("order", orders.resolve(values.order, account.id)) : null;
      if (order?.status === "CANCELLED") throw new InvalidInputError("order", "error.invoiceCancelledOrder", { order: `O-${order.number}` });
      const currency = values.currency ?? account.currency;
      const issuedOn = limits.dayToDate(values.issued_on);
      const dueOn = values.due_on ? limits.dayToDate(values.due_on) : new Date(issuedOn.getTime() + termsOn(account.id, issuedOn) * DAY_MS);
      if (dueOn < issuedOn) throw new InvalidInputError("due_on", "error.dateTooEarly", { min: values.issued_on });
      const paidOn = values.paid_on ? limits.dayToDate(values.paid_on) : null;
      if (paidOn && paidOn < issuedOn) throw new InvalidInputError("paid_on", "error.dateTooEarly", { min: values.issued_on });
      const wanted: Wanted = {
        accountId: account.id,
        number: values.number,
        amountMinor: toMinor(values.amount, currency),
        currency,
        issuedOn,
        dueOn,
        paidOn,
        orderId: order?.id ?? null,
      };
      const found = existing.get(key) ?? [];
      if (found.length > 1) {
        throw new InvalidInputError("number", "import.ambiguousInvoice", { number: values.number, refs: found.map((f) => `I-${f.refNumber}`).join(", ") });
      }
      const invoice = found[0];
      if (!invoice) {
        creations.push({ line, wanted });
        return;
      }
      const changes = diffFields(invoice, wanted, FIELDS);
      if (Object.keys(changes).length === 0) {
        record(ctx, line, `I-${invoice.refNumber}`, "unchanged");
        return;
      }
      const updated = await tx.invoice.update({ where: { id: invoice.id }, data: { ...wanted, version: { increment: 1 } } });
      await auditChange(tx, actor, "invoice.import", "Invoice", invoice.id, updated.version, changes, { ref: `I-${invoice.refNumber}` });
      record(ctx, line, `I-${invoice.refNumber}`, "changed");
    });
  }
  if (creations.length === 0 || ctx.errors.length > 0) {
    // With errors nothing is written anyway: count what would be created, for the preview.
    for (const c of creations) record(ctx, c.line, "", "created");
    return;
  }
  const firstNumber = await reserveNumbers(tx, organizationId, "invoice", creations.length);
  const records = creations.map((c, i) => ({ id: randomUUID(), organizationId, refNumber: firstNumber + i, ...c.wanted }));
  for (let i = 0; i < records.length; i += CHUNK) await insertChunk(tx, actor, records.slice(i, i + CHUNK));
  records.forEach((r, i) => record(ctx, creations[i]!.line, `I-${r.refNumber}`, "created"));
}

type NewInvoice = Wanted & { id: string; organizationId: string; refNumber: number };

const isoDay = (d: Date | null) => (d ? limits.dateToDay(d) : null);

/**
 * One INSERT of many invoices (and one of their audit events) from column arrays: Prisma's
 * createMany builds a statement with a parameter per cell, which costs far more at this size.
 */
async function insertChunk(tx: Tx, actor: Actor, chunk: NewInvoice[]): Promise<void> {
  const col = <T>(f: (r: NewInvoice) => T) => chunk.map(f);
  await tx.$executeRaw`
    INSERT INTO "Invoice" (id, "organizationId", "refNumber", "accountId", number, "amountMinor", currency, "issuedOn", "dueOn", "paidOn", "orderId")
    SELECT * FROM unnest(
      ${col((r) => r.id)}::text[], ${col((r) => r.organizationId)}::text[], ${col((r) => r.refNumber)}::int[], ${col((r) => r.accountId)}::text[],
      ${col((r) => r.number)}::text[], ${col((r) => String(r.amountMinor))}::bigint[], ${col((r) => r.currency)}::text[],
      ${col((r) => isoDay(r.issuedOn))}::date[], ${col((r) => isoDay(r.dueOn))}::date[], ${col((r) => isoDay(r.paidOn))}::date[], ${col((r) => r.orderId)}::text[])`;
  const data = col((r) =>
    JSON.stringify({
      ref: `I-${r.refNumber}`,
      number: r.number,
      account: r.accountId,
      amountMinor: Number(r.amountMinor),
      currency: r.currency,
      orderId: r.orderId,
      issuedOn: isoDay(r.issuedOn),
      dueOn: isoDay(r.dueOn),
      paidOn: isoDay(r.paidOn),
    }),
  );
  await tx.$executeRaw`
    INSERT INTO "AuditEvent" (id, "organizationId", "actorId", platform, action, "entityType", "entityId", data, "createdAt")
    SELECT gen_random_uuid()::text, ${actor.organizationId}, ${actor.memberId}, ${actor.platform}::"Platform", 'invoice.import', 'Invoice', e.id, e.data, ${actor.now}
    FROM unnest(${col((r) => r.id)}::text[], ${data}::jsonb[]) AS e(id, data)`;
}
