import { randomUUID } from "node:crypto";
import { Prisma } from "../../../generated/prisma/client.ts";
import { diffFields, type ChangeData, type FieldChanges } from "../../changes.ts";
import { DomainError, InvalidInputError } from "../../errors.ts";
import type { Actor } from "../../actor.ts";
import { DEFAULT_PAYMENT_TERMS_DAYS } from "../../invoices.ts";
import { jsonRows } from "../../rules/json-rows.ts";
import { audit, auditMany, type Tx } from "../../tx.ts";
import { importedRange, INVOICE_IMPORT_ACTION as IMPORT_ACTION } from "../../import-events.ts";
import * as limits from "../../limits.ts";
import { fromDomainError, givenOrKept, inField, record, stage, toMinor, type ImportContext, type Row } from "../context.ts";
import type { CanonicalRow } from "../kinds.ts";
import { AccountLookup } from "../lookups.ts";
import { OrderLookup } from "../order-lookup.ts";
import { reserveNumbers } from "../numbers.ts";

const DAY_MS = 86_400_000;
/** Rows per statement: one JSON document each (a file of an ERP's history holds tens of thousands). */
const CHUNK = 25_000;
const FIELDS = ["amountMinor", "currency", "issuedOn", "dueOn", "paidOn", "orderId"] as const;

/** An invoice as a row asks for it; days as ISO text, the amount in minor units. */
interface Wanted {
  accountId: string;
  number: string;
  amountMinor: bigint;
  currency: string;
  issuedOn: string;
  dueOn: string;
  paidOn: string | null;
  orderId: string | null;
}

/** An existing invoice as read by `readExisting`: what a row is compared with. */
interface Existing {
  id: string;
  accountId: string;
  refNumber: number;
  amountMinor: string;
  currency: string;
  issuedOn: string;
  dueOn: string;
  paidOn: string | null;
  orderId: string | null;
}

type Account = Awaited<ReturnType<AccountLookup["resolve"]>>;

/**
 * Invoices by account and supplier's number. An invoice's currency may differ from its order's
 * (the ERP billed it so): it is taken as given and the currency check flags it. A file of an ERP's
 * history holds tens of thousands of rows: its accounts and orders are looked up once each, its
 * invoices are read with one query and written set-based (new ones in one statement per chunk and
 * one audit event for all of them, changed ones with an audit event each), never one statement per row.
 */
export async function importInvoices(ctx: ImportContext, rows: Row<CanonicalRow<"invoices">>[]): Promise<void> {
  const { tx, actor } = ctx;
  const organizationId = actor.organizationId;
  const { resolved, existing, termsOn, orders } = await stage(ctx.timings, "lookups", async () => {
    const accounts = new AccountLookup(ctx);
    const resolved = new Map<string, Account | DomainError>();
    const refs = new Set(rows.map((r) => r.values.account));
    await accounts.preload([...refs]);
    for (const ref of refs) {
      try {
        resolved.set(ref, await inField("account", accounts.resolve(ref)));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        resolved.set(ref, error);
      }
    }
    const orders = new OrderLookup(ctx);
    await orders.preload(rows.map((r) => r.values.order).filter((o): o is string => !!o));
    const existing = await readExisting(tx, organizationId, [...new Set(rows.map((r) => r.values.number))]);
    return { resolved, existing, termsOn: await paymentTerms(tx, organizationId), orders };
  });

  const creations: { line: number; wanted: Wanted }[] = [];
  const updates: { line: number; invoice: Existing; wanted: Wanted; changes: FieldChanges }[] = [];
  await stage(ctx.timings, "match", () => {
    const seen = new Map<string, number>();
    for (const { line, values } of rows) {
      try {
        const account = resolved.get(values.account)!;
        if (account instanceof DomainError) throw account;
        const key = `${account.id}\u0000${values.number.toLowerCase()}`;
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.errors.push({ line, field: "number", key: "import.duplicateRow", params: { first } });
          continue;
        }
        seen.set(key, line);
        const found = existing.get(key);
        if (found && found.length > 1) {
          throw new InvalidInputError("number", "import.ambiguousInvoice", { number: values.number, refs: found.map((f) => `I-${f.refNumber}`).join(", ") });
        }
        const invoice = found?.[0];
        const order = values.order ? orders.get(values.order, account.id) : null;
        if (order?.status === "CANCELLED") throw new InvalidInputError("order", "error.invoiceCancelledOrder", { order: `O-${order.number}` });
        const currency = values.currency ?? invoice?.currency ?? account.currency;
        const issuedOn = values.issued_on;
        // Left out (or empty), the due day stays while the invoice day does; else it follows the terms.
        const dueOn = values.due_on ?? (invoice?.issuedOn === issuedOn ? invoice.dueOn : null) ?? limits.dateToDay(new Date(limits.dayToDate(issuedOn).getTime() + termsOn(account.id, issuedOn) * DAY_MS));
        // A year past 9999 is written "+010000-…" by toISOString.
        if (dueOn.startsWith("+") || dueOn > `${limits.MAX_YEAR}-12-31`) throw new InvalidInputError("issued_on", "error.dueTooLate", { max: `${limits.MAX_YEAR}-12-31` });
        if (dueOn < issuedOn) throw new InvalidInputError("due_on", "error.dateTooEarly", { min: values.issued_on });
        const paidOn = givenOrKept(values.paid_on, invoice?.paidOn);
        if (paidOn && paidOn < issuedOn) throw new InvalidInputError("paid_on", "error.dateTooEarly", { min: values.issued_on });
        const wanted: Wanted = {
          accountId: account.id,
          number: values.number,
          amountMinor: toMinor(values.amount, currency, "amount"),
          currency,
          issuedOn,
          dueOn,
          paidOn,
          orderId: values.order === undefined ? (invoice?.orderId ?? null) : (order?.id ?? null),
        };
        if (!invoice) creations.push({ line, wanted });
        else if (sameInvoice(invoice, wanted)) record(ctx, line, `I-${invoice.refNumber}`, "unchanged");
        else updates.push({ line, invoice, wanted, changes: diffFields(asRecord(invoice), asRecord(wanted), FIELDS) });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        // An unknown order is the order column's problem, as inField says for the other lookups.
        ctx.errors.push(fromDomainError(line, error, error instanceof InvalidInputError ? undefined : "order"));
      }
    }
  });
  if (ctx.errors.length > 0) {
    // Nothing is written anyway: count what would be created and changed, for the preview.
    for (const c of creations) record(ctx, c.line, "", "created");
    for (const u of updates) record(ctx, u.line, `I-${u.invoice.refNumber}`, "changed");
    return;
  }
  await stage(ctx.timings, "writes", async () => {
    for (let i = 0; i < updates.length; i += CHUNK) await updateChunk(tx, actor, updates.slice(i, i + CHUNK));
    for (const u of updates) record(ctx, u.line, `I-${u.invoice.refNumber}`, "changed");
    if (creations.length === 0) return;
    const firstNumber = await reserveNumbers(tx, organizationId, "invoice", creations.length);
    const records = creations.map((c, i) => ({ id: randomUUID(), refNumber: firstNumber + i, ...c.wanted }));
    for (let i = 0; i < records.length; i += CHUNK) await insertChunk(tx, actor, records.slice(i, i + CHUNK));
    // One event for the invoices this import created, by their numbers (reserved consecutively):
    // the rows hold what was imported; an event per row doubled the writes (README, bench:import).
    await audit(tx, actor, IMPORT_ACTION, "Invoice", null, importedRange(firstNumber, records.length));
    records.forEach((r, i) => record(ctx, creations[i]!.line, `I-${r.refNumber}`, "created"));
  });
}

/**
 * The organization's invoices with these numbers in any case (R-100 is r-100), by account and
 * number (one query, no object mapping; a scan of the organization's invoices, not an index lookup).
 */
async function readExisting(tx: Tx, organizationId: string, numbers: string[]): Promise<Map<string, Existing[]>> {
  const found = await jsonRows<Existing & { number: string }>(tx, Prisma.sql`
    SELECT i.id, i."accountId", i."refNumber", i.number, i."amountMinor"::text AS "amountMinor", i.currency::text AS currency,
           i."issuedOn"::text AS "issuedOn", i."dueOn"::text AS "dueOn", i."paidOn"::text AS "paidOn", i."orderId"
    FROM "Invoice" i JOIN (SELECT DISTINCT lower(n) AS number FROM json_array_elements_text(${JSON.stringify(numbers)}::json) n) w
      ON lower(i.number) = w.number
    WHERE i."organizationId" = ${organizationId}`);
  const existing = new Map<string, Existing[]>();
  for (const invoice of found) {
    const key = `${invoice.accountId}\u0000${invoice.number.toLowerCase()}`;
    const same = existing.get(key);
    if (same) same.push(invoice);
    else existing.set(key, [invoice]);
  }
  return existing;
}

/** The payment terms of the contract in force on a day (the latest-starting one), else the default. */
async function paymentTerms(tx: Tx, organizationId: string): Promise<(accountId: string, day: string) => number> {
  const contracts = await jsonRows<{ accountId: string; startsOn: string; endsOn: string; paymentTermsDays: number }>(tx, Prisma.sql`
    SELECT "accountId", "startsOn"::text AS "startsOn", "endsOn"::text AS "endsOn", "paymentTermsDays"
    FROM "Contract" WHERE "organizationId" = ${organizationId} ORDER BY "startsOn" DESC`);
  const byAccount = new Map<string, typeof contracts>();
  for (const c of contracts) byAccount.set(c.accountId, [...(byAccount.get(c.accountId) ?? []), c]);
  return (accountId, day) => byAccount.get(accountId)?.find((c) => c.startsOn <= day && c.endsOn >= day)?.paymentTermsDays ?? DEFAULT_PAYMENT_TERMS_DAYS;
}

function sameInvoice(invoice: Existing, wanted: Wanted): boolean {
  return invoice.amountMinor === String(wanted.amountMinor) && invoice.currency === wanted.currency && invoice.issuedOn === wanted.issuedOn
    && invoice.dueOn === wanted.dueOn && invoice.paidOn === wanted.paidOn && invoice.orderId === wanted.orderId;
}

/** The compared fields as the record holds them (Dates, bigint): what diffFields and history show. */
function asRecord(i: Existing | Wanted) {
  const day = (d: string | null) => (d === null ? null : limits.dayToDate(d));
  return { amountMinor: BigInt(i.amountMinor), currency: i.currency, issuedOn: day(i.issuedOn), dueOn: day(i.dueOn), paidOn: day(i.paidOn), orderId: i.orderId };
}

type NewInvoice = Wanted & { id: string; refNumber: number };

const json = (rows: object[]) => JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v));

/**
 * Many new invoices in one statement from one JSON document: Prisma's createMany builds a
 * statement with a parameter per cell, and array parameters cost the driver a conversion per element.
 */
async function insertChunk(tx: Tx, actor: Actor, chunk: NewInvoice[]): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "Invoice" (id, "organizationId", "refNumber", "accountId", number, "amountMinor", currency, "issuedOn", "dueOn", "paidOn", "orderId")
    SELECT id, ${actor.organizationId}, "refNumber", "accountId", number, "amountMinor", currency, "issuedOn", "dueOn", "paidOn", "orderId"
    FROM json_to_recordset(${json(chunk)}::json) AS r(id text, "refNumber" int, "accountId" text, number text, "amountMinor" bigint,
      currency text, "issuedOn" date, "dueOn" date, "paidOn" date, "orderId" text)`;
}

/** Changed invoices in one statement (version bumped), then their field-level changes (changes.ts) in another. */
async function updateChunk(tx: Tx, actor: Actor, chunk: { invoice: Existing; wanted: Wanted; changes: FieldChanges }[]): Promise<void> {
  const versions = await tx.$queryRaw<{ id: string; version: number }[]>`
    UPDATE "Invoice" i SET number = r.number, "amountMinor" = r."amountMinor", currency = r.currency, "issuedOn" = r."issuedOn", "dueOn" = r."dueOn",
      "paidOn" = r."paidOn", "orderId" = r."orderId", version = i.version + 1
    FROM json_to_recordset(${json(chunk.map((u) => ({ id: u.invoice.id, ...u.wanted })))}::json) AS r(id text, number text, "amountMinor" bigint,
      currency text, "issuedOn" date, "dueOn" date, "paidOn" date, "orderId" text)
    WHERE i.id = r.id
    RETURNING i.id, i.version`;
  const version = new Map(versions.map((v) => [v.id, v.version]));
  await auditMany(tx, actor, IMPORT_ACTION, "Invoice", chunk.map((u) => {
    const data: ChangeData = { ref: `I-${u.invoice.refNumber}`, changes: u.changes, version: version.get(u.invoice.id)! };
    return { entityId: u.invoice.id, data };
  }));
}
