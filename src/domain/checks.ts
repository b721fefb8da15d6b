import { hash } from "node:crypto";
import { Prisma, type PrismaClient } from "../generated/prisma/client.ts";
import type { FlagStatus, Severity } from "../generated/prisma/enums.ts";
import { archivedAccountIds } from "./account-changes.ts";
import { NotFoundError } from "./errors.ts";
import { groupBy } from "./group-by.ts";
import {
  announcing, deliverAt, directTarget, enqueue, itemsHash, loadDirectory, mentionsFor,
  type AlertItem, type AlertSummary, type Announcement, type Directory, type OutboxRow, type QuietRules, type ReminderItem, type Target,
} from "./notifications.ts";
import { FLAG_RULE_BY_NAME, FLAG_RULES, REMINDER_RULES, runRules } from "./rules/index.ts";
import { instant, jsonRows } from "./rules/json-rows.ts";
import { loadCheckData } from "./rules/load.ts";
import { checkSettings } from "./rules/settings.ts";
import { localDay } from "./rules/time.ts";
import { SEVERITY_RANK, type Finding, type RuleContext } from "./rules/types.ts";
import { inTransaction, type Tx } from "./tx.ts";

/**
 * The check and reminder sweeps of one organization. State-based: each run asks what holds as of
 * `now` and what has not been announced yet, so a repeated run sends nothing new and a run after
 * downtime catches up once. Flags and outbox rows are written in one transaction, under a
 * per-organization advisory lock so that concurrent runs (replicas, `kam jobs run`) serialize.
 */

export interface RunOptions {
  now: Date;
  /** The run makes up for fires missed while kam was down: messages say so. */
  offline?: boolean;
  /** Limit to one account. */
  accountId?: string;
}

export interface AnnouncedItem {
  accountId: string;
  accountName: string;
  rule: string;
  severity: Severity;
  /** F-<n> for flags, M-<n> for milestone reminders. */
  ref: string;
  message: string;
  params: Record<string, string | number>;
}

export interface CheckRunSummary {
  organizationId: string;
  findings: number;
  opened: number;
  reopened: number;
  resolved: number;
  /** Flags announced by this run (new, back from snooze, or more severe). */
  announced: AnnouncedItem[];
  /** Flags opened by this run (announced or not: muted account, nowhere to send). */
  openedItems: Omit<AnnouncedItem, "accountName">[];
  /** Flags that would be announced but their account is muted. */
  muted: number;
  notifications: number;
  /** Milliseconds spent per stage (load, rules, flags, outbox, commit). */
  timings: Record<string, number>;
}

/** A reminder stage due in this run, and where it went. */
export interface DueReminder extends AnnouncedItem {
  /** d7, d3, d1, today, overdue */
  stage: string;
  delivery: "sent" | "muted" | "nowhere";
  /** "SLACK C123", "TERMINAL <member id>" … when sent. */
  to: string[];
}

export interface ReminderRunSummary {
  organizationId: string;
  /** Stages due and not announced before. */
  due: number;
  dueItems: DueReminder[];
  announced: AnnouncedItem[];
  muted: number;
  notifications: number;
}

async function organizationContext(db: PrismaClient | Tx, organizationId: string, now: Date) {
  // Raw, as every other statement of a sweep: the sweep needs no query compiled by Prisma.
  const [org] = await db.$queryRaw<
    { timeZone: string; quietStartHour: number; quietEndHour: number; workingDays: number[]; checkedAt: Date | null; settings: unknown }[]
  >`SELECT "timeZone", "quietStartHour", "quietEndHour", "workingDays", "checkedAt", settings FROM "Organization" WHERE id = ${organizationId}`;
  if (!org) throw new NotFoundError("organization", organizationId);
  const ctx: RuleContext = { now, timeZone: org.timeZone, today: localDay(now, org.timeZone), settings: checkSettings(org.settings) };
  const quiet: QuietRules = { timeZone: org.timeZone, quietStartHour: org.quietStartHour, quietEndHour: org.quietEndHour, workingDays: org.workingDays };
  // One answer per zone and run (thousands of messages, a handful of zones).
  const times = new Map<string, Date>();
  const sendAt = (timeZone: string): Date => {
    let at = times.get(timeZone);
    if (!at) times.set(timeZone, (at = deliverAt(now, { ...quiet, timeZone })));
    return at;
  };
  return { org, ctx, quiet, sendAt };
}

async function lockOrganization(tx: Tx, job: string, organizationId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`kam:${job}:${organizationId}`}, 0))`;
}

interface ExistingFlag {
  id: string;
  number: number;
  dedupeKey: string;
  status: FlagStatus;
  severity: Severity;
  notifiedSeverity: Severity | null;
  snoozedUntil: Date | null;
  notifiedAt: Date | null;
  accountId: string | null;
  paramsHash: string;
}

type FlagRow = ExistingFlag & { lastSeenAt: Date };

/** The columns a sweep reads of a flag, of the table aliased `alias`. */
function flagColumns(alias: string): Prisma.Sql {
  const c = (column: string) => Prisma.raw(`${alias}."${column}"`);
  return Prisma.sql`${c("id")}, ${c("number")}, ${c("dedupeKey")}, ${c("status")}::text AS status, ${c("severity")}::text AS severity,
    ${c("notifiedSeverity")}::text AS "notifiedSeverity", ${c("snoozedUntil")}, ${c("notifiedAt")}, ${c("lastSeenAt")}, ${c("accountId")}, ${c("paramsHash")}`;
}

/**
 * The findings compared with the flags in force, in SQL: back come the flags that may need work
 * (gone, changed, not announced at their severity, snoozed, acknowledged with a rise to check) and
 * the keys of findings no flag in force holds, each with its resolved flag if there is one (found
 * again, it reopens). A flag in force, open or acknowledged, found again unchanged and announced at
 * its severity needs nothing and stays in the database: most flags, most hours (reading them all
 * cost a sweep ~100 ms per 16k flags). One statement: a first sweep sends 16k keys once, not twice.
 */
async function flagsToReview(tx: Tx, organizationId: string, accountId: string | null, findings: Finding[], hashes: string[]) {
  const acct = accountId;
  // No flag at all yet (an organization's first sweep): every finding is new, nothing to compare.
  const [some] = await tx.$queryRaw<{ any: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM "Flag" WHERE "organizationId" = ${organizationId} AND (${acct}::text IS NULL OR "accountId" = ${acct})) AS any`;
  if (!some?.any) return { existing: [] as FlagRow[], unheld: findings.map((f) => f.dedupeKey) };
  // Arrays, not objects, and json, not jsonb: the server parses the document once, in half the time.
  const json = JSON.stringify(findings.map((f, i) => [f.dedupeKey, f.severity, hashes[i]]));
  // Unheld findings come back as their positions (a first sweep: 16k numbers, not 16k rows of nulls).
  const [result] = await tx.$queryRaw<{ unheld: number[] | string; rows: (FlagRow & { key: string | null })[] | string }[]>`
    WITH f AS (SELECT t.e->>0 AS fkey, t.e->>1 AS fseverity, t.e->>2 AS fhash, t.n::int - 1 AS fi FROM json_array_elements(${json}::json) WITH ORDINALITY AS t(e, n)),
    fl AS (SELECT * FROM "Flag" WHERE "organizationId" = ${organizationId} AND (${acct}::text IS NULL OR "accountId" = ${acct}) AND status <> 'RESOLVED'),
    m AS MATERIALIZED (
      SELECT f.fkey, f.fi, fl.* FROM fl FULL JOIN f ON f.fkey = fl."dedupeKey"
      WHERE NOT coalesce(fl.status IN ('OPEN', 'ACKNOWLEDGED') AND fl.severity::text = f.fseverity AND fl."notifiedSeverity"::text = f.fseverity
                         AND fl."paramsHash" = f.fhash, false)),
    resolved AS MATERIALIZED (
      SELECT m.fkey AS key, ${flagColumns("r")} FROM m JOIN "Flag" r
        ON r."organizationId" = ${organizationId} AND r."dedupeKey" = m.fkey AND r.status = 'RESOLVED' AND (${acct}::text IS NULL OR r."accountId" = ${acct})
      WHERE m.id IS NULL)
    SELECT (SELECT coalesce(json_agg(m.fi), '[]'::json) FROM m WHERE m.id IS NULL) AS unheld,
           (SELECT coalesce(json_agg(q), '[]'::json) FROM (
              SELECT m.fkey AS key, ${flagColumns("m")} FROM m WHERE m.id IS NOT NULL
              UNION ALL SELECT * FROM resolved) q) AS rows`;
  const parse = <T>(v: T | string): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);
  const unheld = parse(result!.unheld).map((i) => findings[i]!.dedupeKey);
  // Resolved flags are unheld too: no flag in force holds their key.
  const existing = parse(result!.rows).map(withInstants);
  return { existing, unheld };
}

/** In place: copying parsed rows costs more than the query (bench/checks.ts). */
function withInstants<T extends FlagRow>(f: T): T {
  f.snoozedUntil = f.snoozedUntil && instant(f.snoozedUntil);
  f.notifiedAt = f.notifiedAt && instant(f.notifiedAt);
  f.lastSeenAt = instant(f.lastSeenAt);
  return f;
}

/** Reserves `count` consecutive numbers of one kind (flags) in one statement. Returns the first. */
async function reserveNumbers(tx: Tx, organizationId: string, kind: string, count: number): Promise<number> {
  const rows = await tx.$queryRaw<{ value: number }[]>`
    INSERT INTO "Counter" ("organizationId", kind, value) VALUES (${organizationId}, ${kind}, ${count})
    ON CONFLICT ("organizationId", kind) DO UPDATE SET value = "Counter".value + ${count}
    RETURNING value`;
  return rows[0]!.value - count + 1;
}

function isMuted(dir: Directory, accountId: string, now: Date): boolean {
  const until = dir.accounts.get(accountId)?.mutedUntil;
  return !!until && until.getTime() > now.getTime();
}

/** What a flag keeps of its finding: the message key, its values and the responsible members. */
function flagParams(f: Finding): Record<string, unknown> {
  const params: Record<string, unknown> = { message: f.message, ...f.params };
  if (f.memberIds) params.memberIds = f.memberIds.join(",");
  return params;
}

/**
 * What a sweep compares: params without the ones that follow from the clock (see Rule.clock).
 * Rules build params in a fixed order, so equal params give equal text (at worst a spurious update).
 */
function paramsHash(rule: string, params: Record<string, unknown>): string {
  const clockKeys = FLAG_RULE_BY_NAME.get(rule)?.clock?.keys;
  let compared = params;
  if (clockKeys) {
    compared = {};
    for (const key in params) if (!clockKeys.includes(key)) compared[key] = params[key];
  }
  return hash("md5", JSON.stringify(compared), "base64");
}

/** Runs every flag rule for an organization as of `now`, keeps the flags and writes the alerts. */
export async function runChecks(db: PrismaClient, organizationId: string, options: RunOptions): Promise<CheckRunSummary> {
  let mark = performance.now();
  const { org, ctx, quiet, sendAt } = await organizationContext(db, organizationId, options.now);
  const timings: Record<string, number> = {};
  const lap = (stage: string) => {
    const t = performance.now();
    timings[stage] = Math.round(t - mark);
    mark = t;
  };
  const queryTimings: Record<string, number> = {};
  const scope = {
    organizationId, timeZone: org.timeZone, today: ctx.today, now: options.now, settings: ctx.settings, timings: queryTimings,
    ...(options.accountId ? { accountId: options.accountId } : {}),
  };
  lap("context");
  const data = await loadCheckData(db, scope, ["invoices", "orders", "contracts", "cases"]);
  const archived = await archivedAccountIds(db, organizationId);
  lap("load");
  // Archived accounts are not checked: their flags in force are resolved like any not found again.
  const findings = runRules(FLAG_RULES, data, ctx).filter((f) => !f.accountId || !archived.has(f.accountId));
  lap("rules");
  const now = options.now;

  const summary = await inTransaction(db, async (tx) => {
    await lockOrganization(tx, "checks", organizationId);
    const keys = findings.map((f) => f.dedupeKey);
    const params = findings.map(flagParams);
    const hashes = params.map((p, i) => paramsHash(findings[i]!.rule, p));
    // The flags in force that may need work, and (usually none) resolved ones found again.
    const review = await flagsToReview(tx, organizationId, options.accountId ?? null, findings, hashes);
    const existing = review.existing;
    lap("existing");
    const byKey = new Map(existing.map((f) => [f.dedupeKey, f]));
    const found = new Set(keys);
    const unheld = new Set(review.unheld);

    // 1. Decide everything in memory: new flags, changed ones, resolved ones, what to announce.
    // A finding neither held for review nor unheld is a flag in force that needs nothing.
    const fresh = [...findings.keys()].filter((i) => unheld.has(findings[i]!.dedupeKey) && !byKey.has(findings[i]!.dedupeKey));
    const first = fresh.length ? await reserveNumbers(tx, organizationId, "flag", fresh.length) : 0;
    const created = fresh.map((index, i) => {
      const f = findings[index]!;
      return {
        id: crypto.randomUUID(),
        number: first + i,
        dedupeKey: f.dedupeKey,
        status: "OPEN" as FlagStatus,
        severity: f.severity,
        notifiedSeverity: null as Severity | null,
        snoozedUntil: null,
        notifiedAt: null as Date | null,
        accountId: f.accountId as string | null,
        params: params[index]!,
        hash: hashes[index]!,
        finding: f,
      };
    });
    type Held = Omit<ExistingFlag, "paramsHash"> & { params: Record<string, unknown>; hash: string; changed: boolean; finding: Finding };
    const holding: Held[] = [];
    let reopened = 0;
    for (const [i, f] of findings.entries()) {
      const e = byKey.get(f.dedupeKey);
      if (!e) continue;
      let status = e.status;
      let notifiedSeverity = e.notifiedSeverity;
      const rose = e.notifiedSeverity !== null && SEVERITY_RANK[f.severity] > SEVERITY_RANK[e.notifiedSeverity];
      if (status === "RESOLVED") {
        status = "OPEN";
        notifiedSeverity = null;
        reopened++;
      } else if (status === "SNOOZED" && e.snoozedUntil && e.snoozedUntil.getTime() <= now.getTime()) {
        status = "OPEN";
        notifiedSeverity = null;
      } else if (status === "ACKNOWLEDGED" && rose) {
        status = "OPEN";
      }
      const changed = status !== e.status || f.severity !== e.severity || notifiedSeverity !== e.notifiedSeverity || hashes[i] !== e.paramsHash;
      // An explicit literal: spreading the parsed row costs ~50 ms per 16k flags (bench/checks.ts).
      holding.push({
        id: e.id, number: e.number, dedupeKey: e.dedupeKey, accountId: e.accountId, snoozedUntil: e.snoozedUntil, notifiedAt: e.notifiedAt,
        status, severity: f.severity, notifiedSeverity, params: params[i]!, hash: hashes[i]!, changed, finding: f,
      });
    }
    const gone = existing.filter((e) => e.status !== "RESOLVED" && !found.has(e.dedupeKey)).map((e) => e.id);

    const toAnnounce = [...created, ...holding].filter(
      (f) => f.status === "OPEN" && f.accountId !== null && (f.notifiedSeverity === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[f.notifiedSeverity]),
    );
    const accountIds = [...new Set(toAnnounce.map((f) => f.accountId!))];
    // What a flag shows and mentions is its finding's (Flag.params holds the same, see flagParams).
    const memberIds = toAnnounce.flatMap((f) => f.finding.memberIds ?? []);
    const dir = accountIds.length ? await loadDirectory(tx, organizationId, accountIds, memberIds) : emptyDirectory();
    lap("directory");

    // 2. One message per account (per channel) with all of its new alerts.
    const rows: OutboxRow[] = [];
    const announced: AnnouncedItem[] = [];
    const notified = new Set<string>();
    let muted = 0;
    for (const [accountId, flags] of groupBy(toAnnounce, (f) => f.accountId!)) {
      const account = dir.accounts.get(accountId);
      if (!account) continue;
      if (isMuted(dir, accountId, now)) {
        muted += flags.length;
        continue;
      }
      const toItem = (f: (typeof flags)[number]): AlertItem => ({ flagNumber: f.number, severity: f.severity, message: f.finding.message, params: f.finding.params });
      const mentionIds = [...new Set([...account.managerIds, ...flags.flatMap((f) => f.finding.memberIds ?? [])])];
      // The previous announcement is part of the key: a flag back from snooze is a new message.
      const hash = itemsHash(flags.map((f) => `${f.id}:${f.severity}:${f.notifiedAt ? new Date(f.notifiedAt).toISOString() : "-"}`));
      let targets: { target: Target; timeZone: string | null; memberId?: string }[] = account.channels.map((target) => ({ target, timeZone: null }));
      if (targets.length === 0) {
        // No channel: the account managers hear of it directly.
        targets = account.managerIds.flatMap((id) => {
          const member = dir.members.get(id);
          const target = directTarget(member);
          return target ? [{ target, timeZone: member!.timeZone, memberId: id }] : [];
        });
      }
      // Imported since the organization's last full sweep.
      const imported = account.importedAt !== null && (org.checkedAt === null || account.importedAt.getTime() > org.checkedAt.getTime());
      const announcement: Announcement =
        flags.length > SUMMARY_THRESHOLD && (org.checkedAt === null || imported)
          ? alertSummary(account.name, flags, toItem, { imported, offline: options.offline ?? false, mentionMemberIds: mentionIds })
          : { kind: "alerts", accountName: account.name, items: flags.map(toItem), offline: options.offline ?? false, mentionMemberIds: mentionIds };
      for (const { target, timeZone, memberId } of targets) {
        rows.push({
          organizationId,
          dedupeKey: `checks:${organizationId}:${accountId}:${target.platform}:${target.target}:${hash}`,
          accountId,
          message: announcing(organizationId, target, announcement, mentionsFor(dir, mentionIds, target.platform), memberId),
          notBefore: sendAt(timeZone ?? quiet.timeZone),
        });
      }
      if (targets.length === 0) continue;
      for (const f of flags) {
        notified.add(f.id);
        announced.push({ accountId, accountName: account.name, rule: ruleOf(f.dedupeKey), severity: f.severity, ref: `F-${f.number}`, message: f.finding.message, params: f.finding.params });
      }
    }
    lap("messages");

    // 3. Writes: a handful of statements whatever the number of flags.
    // One statement each, with one JSON parameter of arrays (parsed once; text[] parameters escape
    // every quote of every params, objects repeat their keys and take twice as long to unpack).
    if (created.length) {
      const json = JSON.stringify(
        created.map((r) => [r.id, r.number, r.accountId, r.finding.rule, r.severity, r.finding.subjectType, r.finding.subjectId, r.dedupeKey, r.params, r.hash, notified.has(r.id)]),
      );
      await tx.$executeRaw`
        INSERT INTO "Flag" (id, "organizationId", number, "accountId", rule, severity, "subjectType", "subjectId", "dedupeKey", params, "paramsHash", status,
                            "notifiedSeverity", "notifiedAt", "firstSeenAt", "lastSeenAt")
        SELECT u.e->>0, ${organizationId}, (u.e->>1)::int, u.e->>2, u.e->>3, (u.e->>4)::"Severity", u.e->>5, u.e->>6, u.e->>7, u.e->8, u.e->>9, 'OPEN',
               CASE WHEN (u.e->>10)::boolean THEN (u.e->>4)::"Severity" END, CASE WHEN (u.e->>10)::boolean THEN ${now}::timestamp END, ${now}, ${now}
        FROM jsonb_array_elements(${json}::jsonb) AS u(e)`;
    }
    const updates = holding.filter((h) => h.changed || notified.has(h.id));
    if (updates.length) {
      const json = JSON.stringify(updates.map((u) => [u.id, u.status, u.severity, u.params, u.hash, u.notifiedSeverity, notified.has(u.id)]));
      await tx.$executeRaw`
        UPDATE "Flag" AS f SET status = u.status::"FlagStatus", severity = u.severity::"Severity", params = u.params, "paramsHash" = u.hash,
               "notifiedSeverity" = CASE WHEN u.notified THEN u.severity::"Severity" ELSE u.notified_severity::"Severity" END,
               "notifiedAt" = CASE WHEN u.notified THEN ${now}::timestamp ELSE f."notifiedAt" END,
               "snoozedUntil" = CASE WHEN u.status = 'SNOOZED' THEN f."snoozedUntil" END,
               "resolvedAt" = NULL, "lastSeenAt" = ${now}
        FROM (SELECT e->>0 AS id, e->>1 AS status, e->>2 AS severity, e->3 AS params, e->>4 AS hash, e->>5 AS notified_severity, (e->>6)::boolean AS notified
              FROM jsonb_array_elements(${json}::jsonb) e) AS u
        WHERE f.id = u.id`;
    }
    // Flags in force were all found now: the organization keeps the time, not every flag.
    if (!options.accountId) await tx.$executeRaw`UPDATE "Organization" SET "checkedAt" = ${now}::timestamp WHERE id = ${organizationId}`;
    if (gone.length) {
      // Last seen by the sweep before this one (flags in force do not keep it themselves).
      await tx.$executeRaw`
        UPDATE "Flag" SET status = 'RESOLVED', "resolvedAt" = ${now}, "snoozedUntil" = NULL,
               "lastSeenAt" = GREATEST("lastSeenAt", coalesce(${org.checkedAt}::timestamp, "lastSeenAt"))
        WHERE id = ANY(${gone}::text[])`;
    }
    lap("flags");
    const written = await enqueue(tx, rows);
    lap("outbox");
    return {
      organizationId,
      findings: findings.length,
      opened: created.length,
      reopened,
      resolved: gone.length,
      announced,
      openedItems: created.map((c) => ({ accountId: c.finding.accountId, rule: c.finding.rule, severity: c.severity, ref: `F-${c.number}`, message: c.finding.message, params: c.finding.params })),
      muted,
      notifications: written,
      timings,
    };
  });
  lap("commit");
  for (const [query, ms] of Object.entries(queryTimings)) timings[`load.${query}`] = ms;
  return summary;
}

/** Milestone reminders as of `now`: each stage once, one message per account (or per member, direct). */
export async function runReminders(db: PrismaClient, organizationId: string, options: RunOptions): Promise<ReminderRunSummary> {
  const { org, ctx, quiet, sendAt } = await organizationContext(db, organizationId, options.now);
  const scope = { organizationId, timeZone: org.timeZone, today: ctx.today, now: options.now, settings: ctx.settings, ...(options.accountId ? { accountId: options.accountId } : {}) };
  const data = await loadCheckData(db, scope, ["milestones"]);
  const archived = await archivedAccountIds(db, organizationId);
  const findings = runRules(REMINDER_RULES, data, ctx).filter((f) => !archived.has(f.accountId));
  const now = options.now;

  return inTransaction(db, async (tx) => {
    await lockOrganization(tx, "reminders", organizationId);
    const keys = findings.map((f) => f.dedupeKey);
    const sent = keys.length
      ? await tx.$queryRaw<{ dedupeKey: string }[]>`
          SELECT "dedupeKey" FROM "ReminderLog" WHERE "organizationId" = ${organizationId} AND "dedupeKey" = ANY(${keys}::text[])`
      : [];
    const already = new Set(sent.map((s) => s.dedupeKey));
    const due = findings.filter((f) => !already.has(f.dedupeKey));
    const accountIds = [...new Set(due.map((f) => f.accountId))];
    const dir = accountIds.length ? await loadDirectory(tx, organizationId, accountIds, due.flatMap((f) => f.memberIds ?? [])) : emptyDirectory();

    let muted = 0;
    const delivery = new Map<string, { delivery: DueReminder["delivery"]; to: string[] }>();
    const sentTo = (items: Finding[], targets: Target[]) => {
      for (const f of items) delivery.set(f.dedupeKey, targets.length ? { delivery: "sent", to: targets.map((t) => `${t.platform} ${t.target}`) } : { delivery: "nowhere", to: [] });
    };
    const channelGroups = new Map<string, Finding[]>();
    const directGroups = new Map<string, Finding[]>();
    for (const f of due) {
      if (!dir.accounts.has(f.accountId)) continue;
      if (isMuted(dir, f.accountId, now)) {
        muted++;
        delivery.set(f.dedupeKey, { delivery: "muted", to: [] });
        continue;
      }
      const owner = f.memberIds?.[0];
      const member = owner ? dir.members.get(owner) : undefined;
      if (member?.deliverVia === "DIRECT" && directTarget(member)) directGroups.set(member.id, [...(directGroups.get(member.id) ?? []), f]);
      else channelGroups.set(f.accountId, [...(channelGroups.get(f.accountId) ?? []), f]);
    }

    const rows: OutboxRow[] = [];
    const logged: Finding[] = [];
    const toItem = (f: Finding): ReminderItem => ({ severity: f.severity, message: f.message, params: f.params, milestoneNumber: Number(f.params.milestone) });
    for (const [accountId, items] of channelGroups) {
      const account = dir.accounts.get(accountId)!;
      const mentionIds = [...new Set(items.flatMap((f) => f.memberIds ?? (account.managerIds.length ? account.managerIds : [])))];
      const hash = itemsHash(items.map((f) => f.dedupeKey));
      let targets: { target: Target; timeZone: string | null; memberId?: string }[] = account.channels.map((target) => ({ target, timeZone: null }));
      if (targets.length === 0) {
        targets = mentionIds.flatMap((id) => {
          const member = dir.members.get(id);
          const target = directTarget(member);
          return target ? [{ target, timeZone: member!.timeZone, memberId: id }] : [];
        });
      }
      const announcement = { kind: "reminders" as const, accountName: account.name, items: items.map(toItem), offline: options.offline ?? false, mentionMemberIds: mentionIds };
      for (const { target, timeZone, memberId } of targets) {
        rows.push({
          organizationId,
          dedupeKey: `reminders:${organizationId}:${accountId}:${target.platform}:${target.target}:${hash}`,
          accountId,
          message: announcing(organizationId, target, announcement, mentionsFor(dir, mentionIds, target.platform), memberId),
          notBefore: sendAt(timeZone ?? quiet.timeZone),
        });
      }
      if (targets.length) logged.push(...items);
      sentTo(items, targets.map((t) => t.target));
    }
    for (const [memberId, items] of directGroups) {
      const member = dir.members.get(memberId)!;
      const target = directTarget(member)!;
      const zone = member.timeZone ?? org.timeZone;
      const announcement = { kind: "reminders" as const, accountName: member.displayName, direct: true, items: items.map(toItem), offline: options.offline ?? false };
      rows.push({
        organizationId,
        dedupeKey: `reminders:${organizationId}:member:${memberId}:${target.platform}:${target.target}:${itemsHash(items.map((f) => f.dedupeKey))}`,
        accountId: items.length === 1 || items.every((f) => f.accountId === items[0]!.accountId) ? items[0]!.accountId : null,
        message: announcing(organizationId, target, announcement, [], memberId),
        notBefore: sendAt(zone),
      });
      logged.push(...items);
      sentTo(items, [target]);
    }
    const written = await enqueue(tx, rows);
    if (logged.length) {
      await tx.reminderLog.createMany({
        data: logged.map((f) => ({ organizationId, dedupeKey: f.dedupeKey, accountId: f.accountId, subjectType: f.subjectType, subjectId: f.subjectId, sentAt: now })),
        skipDuplicates: true,
      });
    }
    const item = (f: Finding): AnnouncedItem => ({
      accountId: f.accountId,
      accountName: dir.accounts.get(f.accountId)?.name ?? "",
      rule: f.rule,
      severity: f.severity,
      ref: `M-${f.params.milestone}`,
      message: f.message,
      params: f.params,
    });
    return {
      organizationId,
      due: due.length,
      dueItems: due.map((f) => ({
        ...item(f),
        stage: reminderStage(f.dedupeKey),
        ...(delivery.get(f.dedupeKey) ?? { delivery: "nowhere" as const, to: [] }),
      })),
      announced: logged.map(item),
      muted,
      notifications: written,
    };
  });
}

/** "milestone.due:<id>:overdue:2026-06-03" → "overdue". */
function reminderStage(dedupeKey: string): string {
  return dedupeKey.split(":")[2] ?? "";
}

/**
 * An account with more new alerts than this in one sweep, on the organization's first sweep or the
 * first after the account was imported, hears of them as one summary (see AlertSummary).
 */
export const SUMMARY_THRESHOLD = 5;
/** How many of the most serious flags a summary shows. */
export const SUMMARY_TOP = 5;

/** One account's new alerts as a summary: counts per check (at its most severe), the most serious few. */
function alertSummary<F extends { number: number; severity: Severity; dedupeKey: string }>(
  accountName: string,
  flags: F[],
  toItem: (f: F) => AlertItem,
  options: { imported: boolean; offline: boolean; mentionMemberIds: string[] },
): AlertSummary {
  const counts = new Map<string, { rule: string; severity: Severity; count: number }>();
  for (const f of flags) {
    const rule = ruleOf(f.dedupeKey);
    const entry = counts.get(rule);
    if (!entry) counts.set(rule, { rule, severity: f.severity, count: 1 });
    else {
      entry.count++;
      if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[entry.severity]) entry.severity = f.severity;
    }
  }
  const top = [...flags].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.number - b.number).slice(0, SUMMARY_TOP);
  return {
    kind: "alertSummary",
    accountName,
    imported: options.imported,
    total: flags.length,
    counts: [...counts.values()].sort((a, b) => b.count - a.count || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.rule.localeCompare(b.rule)),
    top: top.map(toItem),
    offline: options.offline,
    mentionMemberIds: options.mentionMemberIds,
  };
}

function emptyDirectory(): Directory {
  return { accounts: new Map(), members: new Map() };
}

/** Flag.params holds the finding's message key and params (and the responsible members). */
export function splitParams(raw: unknown): { message: string; params: Record<string, string | number>; memberIds: string[] } {
  const { message, memberIds, ...params } = (raw ?? {}) as Record<string, string | number>;
  return { message: String(message ?? ""), params, memberIds: typeof memberIds === "string" && memberIds ? memberIds.split(",") : [] };
}

function ruleOf(dedupeKey: string): string {
  const end = dedupeKey.indexOf(":");
  return end < 0 ? dedupeKey : dedupeKey.slice(0, end);
}
