import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Actor } from "../actor.ts";
import { InvalidInputError } from "../errors.ts";
import * as limits from "../limits.ts";
import { organizationTimeZone } from "../organizations.ts";
import { programStatus } from "../programs.ts";
import { resolveAccount } from "../references.ts";
import { localDay } from "../rules/time.ts";
import type { Tx } from "../tx.ts";
import { toMajor } from "./context.ts";
import { startOfDay } from "./instants.ts";
import { COLUMNS, type ExchangeKind } from "./kinds.ts";
import { ONLINE_PLACE } from "./importers/trainings.ts";

export type ExportRow = Record<string, string | number | null>;

/** The columns of `export flags` (flags are found by the checks, never imported). */
export const FLAG_COLUMNS = ["flag", "rule", "severity", "status", "account", "subject_type", "first_seen", "last_seen", "details"] as const;

export function exportColumns(kind: ExchangeKind | "flags"): readonly string[] {
  return kind === "flags" ? FLAG_COLUMNS : COLUMNS[kind];
}

/** The column whose equal values make one record of several rows (an order's lines, a contract's prices). */
const RECORD_COLUMN: Partial<Record<ExchangeKind, string>> = { orders: "order", contracts: "contract" };

/**
 * The first `limit` records of rows exported for `limit + 1` of them (see `page`), and whether
 * another record followed: how an API page knows there is a next one without splitting an order.
 */
export function firstRecords(kind: ExchangeKind | "flags", rows: ExportRow[], limit: number): { rows: ExportRow[]; more: boolean } {
  const column = kind === "flags" ? undefined : RECORD_COLUMN[kind];
  if (!column) return { rows: rows.slice(0, limit), more: rows.length > limit };
  let records = 0;
  for (let i = 0; i < rows.length; i++) {
    if (i === 0 || rows[i]![column] !== rows[i - 1]![column]) records++;
    if (records > limit) return { rows: rows.slice(0, i), more: true };
  }
  return { rows, more: false };
}

const day = (d: Date | null) => (d ? limits.dateToDay(d) : null);
const lower = (s: string) => s.toLowerCase();

/** An account named by its ERP number or as chat names it (name, unambiguous start). */
async function accountFilter(tx: Tx, organizationId: string, ref: string | undefined): Promise<string | undefined> {
  if (!ref) return undefined;
  const byExternal = await tx.account.findFirst({ where: { organizationId, externalId: ref.trim() }, select: { id: true } });
  return byExternal?.id ?? (await resolveAccount(tx, organizationId, ref)).id;
}

/**
 * A kind's records as canonical rows (the import's columns and forms), so that exporting and
 * importing the result changes nothing. `since` keeps records dated on or after that day (ordered,
 * issued, opened, due; a contract or program still running); accounts and products ignore it. `page` keeps
 * `take` records from record `skip` on (the API's pages), read as such from the database: an
 * order's rows (a row per line) and a contract's (a row per price or commitment) come whole.
 */
export async function exportRows(
  db: PrismaClient,
  actor: Actor,
  kind: ExchangeKind | "flags",
  filter: { account?: string; since?: string; page?: { skip: number; take: number } },
): Promise<ExportRow[]> {
  const { page } = filter;
  const window: { skip?: number; take?: number } = page ? { skip: page.skip, take: page.take } : {};
  if (filter.since !== undefined && !limits.isoDay.safeParse(filter.since).success) throw new InvalidInputError("since", "error.invalidField");
  const organizationId = actor.organizationId;
  return db.$transaction(async (tx) => {
    const accountId = await accountFilter(tx, organizationId, filter.account);
    // Days are the organization's: `since` for day columns, `from` (the day's first instant there) for instants.
    const timeZone = await organizationTimeZone(tx, organizationId);
    const since = filter.since ? limits.dayToDate(filter.since) : undefined;
    const from = filter.since ? startOfDay(filter.since, timeZone) : undefined;
    const byAccount = accountId ? { accountId } : {};
    const accountName = (a: { name: string; externalId: string | null }) => a.externalId ?? a.name;
    switch (kind) {
      case "accounts": {
        const accounts = await tx.account.findMany({ where: { organizationId, ...(accountId ? { id: accountId } : {}) }, orderBy: { name: "asc" }, ...window });
        return accounts.map((a) => ({ name: a.name, tier: lower(a.tier), region: a.region, currency: a.currency, external_id: a.externalId }));
      }
      case "products": {
        const products = await tx.product.findMany({ where: { organizationId }, orderBy: { sku: "asc" }, ...window });
        return products.map((p) => ({ sku: p.sku, name: p.name, unit: p.unit, list_price: p.listPriceMinor === null ? null : toMajor(p.listPriceMinor, p.currency) }));
      }
      case "orders": {
        const orders = await tx.order.findMany({
          where: { organizationId, ...byAccount, ...(from ? { orderedAt: { gte: from } } : {}) },
          include: { account: true, lines: { include: { product: true }, orderBy: { lineNo: "asc" } } },
          orderBy: [{ orderedAt: "asc" }, { number: "asc" }],
          ...window,
        });
        return orders.flatMap((o) =>
          o.lines.map((l) => ({
            account: accountName(o.account),
            order: o.externalRef ?? `O-${o.number}`,
            ordered_on: localDay(o.orderedAt, timeZone),
            sku: l.product.sku,
            quantity: Number(l.quantity),
            unit_price: toMajor(l.unitPriceMinor, o.currency),
            currency: o.currency,
            requested_on: day(o.requestedOn),
            po: o.poRef,
            status: lower(o.status),
          })),
        );
      }
      case "invoices": {
        const invoices = await tx.invoice.findMany({
          where: { organizationId, ...byAccount, ...(since ? { issuedOn: { gte: since } } : {}) },
          include: { account: true, order: true },
          orderBy: [{ issuedOn: "asc" }, { refNumber: "asc" }],
          ...window,
        });
        return invoices.map((i) => ({
          account: accountName(i.account),
          number: i.number,
          amount: toMajor(i.amountMinor, i.currency),
          currency: i.currency,
          issued_on: limits.dateToDay(i.issuedOn),
          due_on: limits.dateToDay(i.dueOn),
          paid_on: day(i.paidOn),
          order: i.order ? (i.order.externalRef ?? `O-${i.order.number}`) : null,
        }));
      }
      case "contracts": {
        const contracts = await tx.contract.findMany({
          where: { organizationId, ...byAccount, ...(since ? { endsOn: { gte: since } } : {}) },
          include: {
            account: true,
            prices: { include: { product: true }, orderBy: [{ product: { sku: "asc" } }, { validFrom: { sort: "asc", nulls: "first" } }] },
            commitments: { include: { product: true } },
          },
          orderBy: [{ startsOn: "asc" }, { number: "asc" }],
          ...window,
        });
        return contracts.flatMap((c) => {
          const head = {
            account: accountName(c.account),
            contract: c.externalRef ?? `K-${c.number}`,
            name: c.name,
            starts_on: limits.dateToDay(c.startsOn),
            ends_on: limits.dateToDay(c.endsOn),
            notice_days: c.noticeDays,
            terms_days: c.paymentTermsDays,
          };
          const none = { sku: null, price: null, commit_quantity: null, commit_period: null, price_from: null };
          const rows: ExportRow[] = [
            ...c.prices.map((p) => ({
              ...head, ...none, sku: p.product.sku, price: toMajor(p.priceMinor, c.currency), price_from: p.validFrom && limits.dateToDay(p.validFrom),
            })),
            ...c.commitments.map((m) => ({ ...head, ...none, sku: m.product.sku, commit_quantity: Number(m.quantity), commit_period: lower(m.period) })),
          ];
          return rows.length ? rows : [{ ...head, ...none }];
        });
      }
      case "cases": {
        const cases = await tx.case.findMany({
          where: { organizationId, ...byAccount, ...(from ? { openedAt: { gte: from } } : {}) },
          include: { account: true },
          orderBy: [{ openedAt: "asc" }, { number: "asc" }],
          ...window,
        });
        return cases.map((c) => ({
          account: accountName(c.account),
          case: c.externalRef ?? `C-${c.number}`,
          subject: c.subject,
          priority: lower(c.priority),
          opened_at: c.openedAt.toISOString(),
          closed_at: c.closedAt?.toISOString() ?? null,
        }));
      }
      case "milestones": {
        const milestones = await tx.milestone.findMany({
          where: { organizationId, project: byAccount, ...(since ? { dueOn: { gte: since } } : {}), status: { not: "CANCELLED" } },
          include: { project: { include: { account: true } }, owner: true },
          orderBy: [{ project: { number: "asc" } }, { dueOn: "asc" }, { number: "asc" }],
          ...window,
        });
        return milestones.map((m) => ({
          account: accountName(m.project.account),
          project: m.project.name,
          project_due: limits.dateToDay(m.project.dueOn),
          milestone: m.name,
          due_on: limits.dateToDay(m.dueOn),
          owner: m.owner ? (m.owner.email ?? m.owner.displayName) : null,
          done_on: m.status === "DONE" && m.doneAt ? localDay(m.doneAt, timeZone) : null,
        }));
      }
      case "trainings": {
        const trainings = await tx.training.findMany({
          where: { organizationId, ...byAccount, ...(from ? { startsAt: { gte: from } } : {}) },
          include: { account: true, trainer: true, products: { include: { product: true } } },
          orderBy: [{ startsAt: "asc" }, { number: "asc" }],
          ...window,
        });
        return trainings.map((t) => ({
          account: accountName(t.account),
          training: t.externalRef ?? `T-${t.number}`,
          topic: t.topic,
          starts_at: t.startsAt.toISOString(),
          people: t.people,
          trainer: t.trainer ? (t.trainer.email ?? t.trainer.displayName) : null,
          place: t.online ? ONLINE_PLACE : t.place,
          status: lower(t.status),
          attended: t.attended,
          rating: t.rating,
          notes: t.notes,
          products: t.products.map((p) => p.product.sku).sort().join(" ") || null,
        }));
      }
      case "programs": {
        const today = localDay(actor.now, timeZone);
        const programs = await tx.marketingProgram.findMany({
          where: { organizationId, ...byAccount, ...(since ? { toDay: { gte: since } } : {}) },
          include: { account: true, products: { include: { product: true } } },
          orderBy: [{ fromDay: "asc" }, { number: "asc" }],
          ...window,
        });
        return programs.map((p) => ({
          account: accountName(p.account),
          program: p.externalRef ?? `MP-${p.number}`,
          name: p.name,
          starts_on: limits.dateToDay(p.fromDay),
          ends_on: limits.dateToDay(p.toDay),
          products: p.products.map((x) => x.product.sku).sort().join(" ") || null,
          budget: p.budgetMinor === null ? null : toMajor(p.budgetMinor, p.currency),
          currency: p.currency,
          status: programStatus(p, today),
        }));
      }
      case "flags": {
        const flags = await tx.flag.findMany({
          where: { organizationId, ...byAccount, ...(from ? { lastSeenAt: { gte: from } } : {}) },
          include: { account: true },
          orderBy: { number: "asc" },
          ...window,
        });
        return flags.map((f) => ({
          flag: `F-${f.number}`,
          rule: f.rule,
          severity: lower(f.severity),
          status: lower(f.status),
          account: f.account ? accountName(f.account) : null,
          subject_type: f.subjectType,
          first_seen: f.firstSeenAt.toISOString(),
          last_seen: f.lastSeenAt.toISOString(),
          details: JSON.stringify(f.params),
        }));
      }
    }
  }, { maxWait: 10_000, timeout: 5 * 60_000 });
}
