import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Platform, Severity } from "../generated/prisma/enums.ts";
import type { Actor } from "./actor.ts";
import { NotFoundError } from "./errors.ts";
import { requireOrg } from "./permissions.ts";
import { digestPrograms, type DigestProgram } from "./digest-programs.ts";
import { invoiceLabel } from "./rules/labels.ts";
import { addDays, daysBetween, localDay } from "./rules/time.ts";
import { audit, inTransaction } from "./tx.ts";
import { weekTrainings, type DigestTraining } from "./training-digest.ts";

/** Money totals per currency, with how many items make them. */
export interface MoneyTotal {
  currency: string;
  minor: number;
  count: number;
}

export interface Deadline {
  day: string;
  kind: "milestone" | "project" | "contract" | "invoice";
  /** Days past due (open milestones whose day has gone by); 0 for what is still ahead. */
  overdueDays: number;
  number: string;
  name: string;
  project?: string;
  amountMinor?: number;
  currency?: string;
}

export interface DigestAccount {
  accountId: string;
  name: string;
  openOrders: { count: number; totals: MoneyTotal[] };
  unpaid: MoneyTotal[];
  overdue: MoneyTotal[];
  deadlines: Deadline[];
  /** Flags nobody has taken up yet (status OPEN). */
  openFlags: { total: number; bySeverity: Record<Severity, number> };
  /** Flags someone acknowledged or snoozed: known, so listed apart and not counted as open. */
  knownFlags: number;
  openCases: { total: number; pastSla: number };
}

export interface DigestData {
  organizationId: string;
  organizationName: string;
  /** The organization's local day the digest is for. */
  today: string;
  timeZone: string;
  locale: string;
  /** Days ahead that deadlines are listed for. */
  horizonDays: number;
  accounts: DigestAccount[];
  /** Planned trainings of the coming seven days (src/domain/training-digest.ts). */
  trainings: DigestTraining[];
  /** Marketing programs running today (src/domain/digest-programs.ts). */
  programs: DigestProgram[];
}

const HORIZON_DAYS = 14;

/**
 * The managers' overview, as plain data: per account its open orders, unpaid and overdue invoice
 * totals, overdue milestones and deadlines in the next 14 days, open flags (acknowledged and
 * snoozed ones counted apart, as known) and open cases. A fixed number of grouped queries whatever
 * the number of accounts. `digestReply` (src/core/messages) renders it.
 */
export async function buildDigest(db: PrismaClient, organizationId: string, options: { accountId?: string; now: Date }): Promise<DigestData> {
  const org = await db.organization.findUnique({ where: { id: organizationId } });
  if (!org) throw new NotFoundError("organization", organizationId);
  const today = localDay(options.now, org.timeZone);
  const until = addDays(today, HORIZON_DAYS);
  const acct = options.accountId ?? null;
  const [accounts, orders, invoices, milestones, projects, contracts, dueInvoices, flags, cases] = await Promise.all([
    db.account.findMany({ where: { organizationId, archivedAt: null, ...(acct ? { id: acct } : {}) }, select: { id: true, name: true }, orderBy: { name: "asc" } }),
    db.$queryRaw<{ accountId: string; currency: string; count: number; minor: number }[]>`
      SELECT "accountId", currency::text AS currency, count(*)::int AS count, sum("totalMinor")::float8 AS minor FROM "Order"
      WHERE "organizationId" = ${organizationId} AND (${acct}::text IS NULL OR "accountId" = ${acct})
        AND status IN ('RECEIVED', 'CONFIRMED', 'IN_PRODUCTION', 'SHIPPED')
      GROUP BY 1, 2`,
    db.$queryRaw<{ accountId: string; currency: string; count: number; minor: number; overdueCount: number; overdueMinor: number }[]>`
      SELECT "accountId", currency::text AS currency, count(*)::int AS count, sum("amountMinor" - "creditedMinor")::float8 AS minor,
             count(*) FILTER (WHERE "dueOn" < ${today}::date)::int AS "overdueCount",
             coalesce(sum("amountMinor" - "creditedMinor") FILTER (WHERE "dueOn" < ${today}::date), 0)::float8 AS "overdueMinor"
      FROM "Invoice"
      WHERE "organizationId" = ${organizationId} AND (${acct}::text IS NULL OR "accountId" = ${acct}) AND "paidOn" IS NULL
        AND "voidedAt" IS NULL AND "amountMinor" > "creditedMinor"
      GROUP BY 1, 2`,
    db.$queryRaw<{ accountId: string; day: string; number: number; name: string; project: string }[]>`
      SELECT p."accountId", m."dueOn"::text AS day, m.number, m.name, p.name AS project
      FROM "Milestone" m JOIN "Project" p ON p.id = m."projectId"
      WHERE m."organizationId" = ${organizationId} AND (${acct}::text IS NULL OR p."accountId" = ${acct})
        AND m.status = 'OPEN' AND p.status = 'OPEN' AND m."dueOn" <= ${until}::date`,
    db.$queryRaw<{ accountId: string; day: string; number: number; name: string }[]>`
      SELECT "accountId", "dueOn"::text AS day, number, name FROM "Project"
      WHERE "organizationId" = ${organizationId} AND (${acct}::text IS NULL OR "accountId" = ${acct})
        AND status = 'OPEN' AND "dueOn" BETWEEN ${today}::date AND ${until}::date`,
    db.$queryRaw<{ accountId: string; day: string; number: number; name: string }[]>`
      SELECT "accountId", "endsOn"::text AS day, number, name FROM "Contract"
      WHERE "organizationId" = ${organizationId} AND (${acct}::text IS NULL OR "accountId" = ${acct})
        AND "endsOn" BETWEEN ${today}::date AND ${until}::date`,
    db.$queryRaw<{ accountId: string; day: string; refNumber: number; number: string; minor: number; currency: string }[]>`
      SELECT "accountId", "dueOn"::text AS day, "refNumber", number, ("amountMinor" - "creditedMinor")::float8 AS minor, currency::text AS currency FROM "Invoice"
      WHERE "organizationId" = ${organizationId} AND (${acct}::text IS NULL OR "accountId" = ${acct})
        AND "paidOn" IS NULL AND "voidedAt" IS NULL AND "amountMinor" > "creditedMinor" AND "dueOn" BETWEEN ${today}::date AND ${until}::date`,
    db.$queryRaw<{ accountId: string; severity: Severity; open: boolean; count: number }[]>`
      SELECT "accountId", severity::text AS severity, status = 'OPEN' AS open, count(*)::int AS count FROM "Flag"
      WHERE "organizationId" = ${organizationId} AND (${acct}::text IS NULL OR "accountId" = ${acct}) AND status <> 'RESOLVED'
      GROUP BY 1, 2, 3`,
    db.$queryRaw<{ accountId: string; count: number; pastSla: number }[]>`
      SELECT "accountId", count(*)::int AS count, count(*) FILTER (WHERE "slaDueAt" < ${options.now})::int AS "pastSla" FROM "Case"
      WHERE "organizationId" = ${organizationId} AND (${acct}::text IS NULL OR "accountId" = ${acct}) AND status = 'OPEN'
      GROUP BY 1`,
  ]);
  const byId = new Map<string, DigestAccount>();
  for (const a of accounts) {
    byId.set(a.id, {
      accountId: a.id,
      name: a.name,
      openOrders: { count: 0, totals: [] },
      unpaid: [],
      overdue: [],
      deadlines: [],
      openFlags: { total: 0, bySeverity: { INFO: 0, WARNING: 0, CRITICAL: 0 } },
      knownFlags: 0,
      openCases: { total: 0, pastSla: 0 },
    });
  }
  for (const o of orders) {
    const a = byId.get(o.accountId);
    if (!a) continue;
    a.openOrders.count += o.count;
    a.openOrders.totals.push({ currency: o.currency, minor: o.minor, count: o.count });
  }
  for (const i of invoices) {
    const a = byId.get(i.accountId);
    if (!a) continue;
    a.unpaid.push({ currency: i.currency, minor: i.minor, count: i.count });
    if (i.overdueCount > 0) a.overdue.push({ currency: i.currency, minor: i.overdueMinor, count: i.overdueCount });
  }
  for (const m of milestones) {
    byId.get(m.accountId)?.deadlines.push({ day: m.day, kind: "milestone", overdueDays: Math.max(0, daysBetween(m.day, today)), number: String(m.number), name: m.name, project: m.project });
  }
  for (const p of projects) byId.get(p.accountId)?.deadlines.push({ day: p.day, kind: "project", overdueDays: 0, number: String(p.number), name: p.name });
  for (const c of contracts) byId.get(c.accountId)?.deadlines.push({ day: c.day, kind: "contract", overdueDays: 0, number: String(c.number), name: c.name });
  for (const i of dueInvoices) {
    byId.get(i.accountId)?.deadlines.push({ day: i.day, kind: "invoice", overdueDays: 0, number: invoiceLabel(i), name: i.number, amountMinor: i.minor, currency: i.currency });
  }
  for (const f of flags) {
    const a = f.accountId ? byId.get(f.accountId) : undefined;
    if (!a) continue;
    if (!f.open) {
      a.knownFlags += f.count;
      continue;
    }
    a.openFlags.total += f.count;
    a.openFlags.bySeverity[f.severity] += f.count;
  }
  for (const c of cases) {
    const a = byId.get(c.accountId);
    if (a) a.openCases = { total: c.count, pastSla: c.pastSla };
  }
  for (const a of byId.values()) a.deadlines.sort((x, y) => x.day.localeCompare(y.day) || x.kind.localeCompare(y.kind));
  const trainings = await weekTrainings(db, organizationId, { ...(acct ? { accountId: acct } : {}), now: options.now, today, timeZone: org.timeZone });
  return {
    organizationId,
    organizationName: org.name,
    today,
    timeZone: org.timeZone,
    locale: org.locale,
    horizonDays: HORIZON_DAYS,
    accounts: [...byId.values()],
    trainings,
    programs: await digestPrograms(db, organizationId, today, options.accountId),
  };
}

/** An account with nothing open and nothing due is left out of the rendered digest. */
export function isQuiet(a: DigestAccount): boolean {
  return a.openOrders.count === 0 && a.unpaid.length === 0 && a.deadlines.length === 0 && a.openFlags.total === 0 && a.knownFlags === 0 && a.openCases.total === 0;
}

/**
 * Makes the channel a request came from the managers' digest channel (a ChannelBinding with
 * purpose DIGEST and no account), and sends the digest to channels from now on. Admins and
 * managers may do it; binding the same channel twice changes nothing.
 */
export async function bindDigestChannel(db: PrismaClient, actor: Actor, input: { platform: Platform; channelId: string }) {
  return inTransaction(db, async (tx) => {
    await requireOrg(tx, actor, "digest.bind");
    const org = await tx.organization.findUniqueOrThrow({ where: { id: actor.organizationId } });
    const key = { organizationId: actor.organizationId, platform: input.platform, channelId: input.channelId, purpose: "DIGEST" as const };
    // An insert that skips an existing row: two people binding the same channel at once both succeed.
    const existing = (await tx.channelBinding.createMany({ data: [{ ...key, accountId: null }], skipDuplicates: true })).count === 0;
    const switched = org.digestTarget !== "CHANNEL";
    if (switched) await tx.organization.update({ where: { id: org.id }, data: { digestTarget: "CHANNEL" } });
    if (!existing || switched) await audit(tx, actor, "digest.bind", "Organization", org.id, { platform: input.platform, channelId: input.channelId, switchedFromDirect: switched });
    const channels = await tx.channelBinding.count({ where: { organizationId: actor.organizationId, purpose: "DIGEST", accountId: null } });
    return { organization: org, created: !existing, switchedFromDirect: switched, channels, weekday: org.digestWeekday, hour: org.digestHour, timeZone: org.timeZone };
  });
}

/** The channel stops receiving the digest. Returns whether it was bound. */
export async function unbindDigestChannel(db: PrismaClient, actor: Actor, input: { platform: Platform; channelId: string }) {
  return inTransaction(db, async (tx) => {
    await requireOrg(tx, actor, "digest.bind");
    const removed = await tx.channelBinding.deleteMany({
      where: { organizationId: actor.organizationId, platform: input.platform, channelId: input.channelId, purpose: "DIGEST" },
    });
    if (removed.count) await audit(tx, actor, "digest.unbind", "Organization", actor.organizationId, { platform: input.platform, channelId: input.channelId });
    return { removed: removed.count > 0 };
  });
}
