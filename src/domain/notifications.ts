import { createHash } from "node:crypto";
import type { Platform, Severity } from "../generated/prisma/enums.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { instant, jsonRows } from "./rules/json-rows.ts";
import { localClock } from "./rules/time.ts";
import type { TrainingAnnouncement } from "./training-reminders.ts";
import type { Tx } from "./tx.ts";

/**
 * The notifications outbox, writing side: who is told where, and the rows the dispatcher delivers.
 *
 * - An account's alerts and reminders go to its bound channel on each platform (ChannelBinding,
 *   purpose ACCOUNT), mentioning the responsible members (Slack: the user id; Teams: mentionId).
 * - A reminder addressed to a member whose `deliverVia` is DIRECT goes to that member directly:
 *   on Slack the target is the user id (chat.postMessage opens the DM), on Teams the stored
 *   personal Conversation. Without such a target it falls back to the account's channel.
 * - Digests go to the organization's DIGEST bindings (accountId null), or, when the organization's
 *   digestTarget is DIRECT, to its admins and managers directly.
 * - When there is no channel at all, alerts fall back to the account managers directly.
 * Rows are written with a unique dedupe key (insert-or-skip) in the caller's transaction.
 */

/** A person to mention in a notification, as the platform knows them. */
export interface Mention {
  /** Slack user id (U…), or the Teams channel account id (29:…). */
  userId: string;
  name: string;
}

/** One flag of an alert message: its number, severity, and its finding's message key and values. */
export interface AlertItem {
  flagNumber: number;
  severity: Severity;
  message: string;
  params: Record<string, string | number>;
}

/** One milestone reminder of a reminder message. */
export interface ReminderItem {
  severity: Severity;
  message: string;
  params: Record<string, string | number>;
  /** Milestone number, for the "milestone done <n>" button. */
  milestoneNumber?: number;
}

/**
 * What an alert or reminder message announces, as data (references, amounts in minor units with
 * their currency, ISO days): the dispatcher renders it when it delivers, in the reader's language
 * and time zone (the member's own for a direct message, the organization's for a channel).
 */
export type Announcement =
  | { kind: "alerts"; accountName: string; items: AlertItem[]; offline: boolean; mentionMemberIds: string[] }
  | { kind: "reminders"; accountName?: string; direct?: boolean; items: ReminderItem[]; offline: boolean; mentionMemberIds?: string[] }
  | AlertSummary
  | TrainingAnnouncement;

/**
 * Many new flags of an account new to the checks (first sweep, or first after an import) as one
 * message: how many per check and severity, the most serious few, and `flags <account>` for all.
 */
export interface AlertSummary {
  kind: "alertSummary";
  accountName: string;
  /** The account was imported since the sweep before. */
  imported: boolean;
  total: number;
  /** Most flags first. */
  counts: { rule: string; severity: Severity; count: number }[];
  /** The most serious flags (most severe, then oldest number). */
  top: AlertItem[];
  offline: boolean;
  mentionMemberIds: string[];
}

/**
 * An outbox row's payload. Rows written before announcements were stored carry a rendered
 * `reply` (and so do digests): those are delivered as they are.
 */
export interface OutboxPayload {
  organizationId: string;
  platform: Platform;
  target: string;
  mentions: Mention[];
  /** A reply rendered when the row was written (src/core/reply.ts Reply). */
  reply?: unknown;
  announcement?: Announcement;
  /** The member a direct message is for: their language and time zone are used. */
  memberId?: string;
}

export interface Target {
  platform: Platform;
  target: string;
}

export interface MemberInfo {
  id: string;
  displayName: string;
  deliverVia: "CHANNEL" | "DIRECT";
  timeZone: string | null;
  identities: { platform: Platform; externalId: string; mentionId: string | null }[];
  /** Personal conversations by platform (Teams 1:1 chats, Slack DMs). */
  personal: Map<Platform, string>;
}

export interface AccountInfo {
  id: string;
  name: string;
  mutedUntil: Date | null;
  /** When the account was last imported (see Account.importedAt). */
  importedAt: Date | null;
  channels: Target[];
  managerIds: string[];
}

export interface Directory {
  accounts: Map<string, AccountInfo>;
  members: Map<string, MemberInfo>;
}

const PLATFORM_ORDER: Platform[] = ["SLACK", "TEAMS", "TERMINAL"];

/** Loads, in five set-based queries, everything needed to address messages about these accounts and members. */
export async function loadDirectory(tx: Tx, organizationId: string, accountIds: string[], memberIds: string[] = []): Promise<Directory> {
  // Through jsonRows: a first sweep asks for every account, and mapping 10k rows of each through
  // Prisma cost more than the queries (bench/checks.ts).
  const [accounts, bindings, managers] = await Promise.all([
    jsonRows<{ id: string; name: string; mutedUntil: string | null; importedAt: string | null }>(tx, Prisma.sql`
      SELECT id, name, "mutedUntil", "importedAt" FROM "Account" WHERE "organizationId" = ${organizationId} AND id = ANY(${accountIds}::text[])`),
    jsonRows<{ accountId: string; platform: Platform; channelId: string }>(tx, Prisma.sql`
      SELECT "accountId", platform::text AS platform, "channelId" FROM "ChannelBinding"
      WHERE "organizationId" = ${organizationId} AND "accountId" = ANY(${accountIds}::text[]) AND purpose = 'ACCOUNT'
      ORDER BY "createdAt", id`),
    jsonRows<{ accountId: string; memberId: string }>(tx, Prisma.sql`
      SELECT "accountId", "memberId" FROM "AccountTeamMember" WHERE "accountId" = ANY(${accountIds}::text[]) AND role = 'ACCOUNT_MANAGER'
      ORDER BY "createdAt", id`),
  ]);
  const dir: Directory = { accounts: new Map(), members: new Map() };
  for (const a of accounts) {
    dir.accounts.set(a.id, {
      id: a.id, name: a.name, mutedUntil: a.mutedUntil ? instant(a.mutedUntil) : null, importedAt: a.importedAt ? instant(a.importedAt) : null, channels: [], managerIds: [],
    });
  }
  for (const b of bindings) dir.accounts.get(b.accountId)?.channels.push({ platform: b.platform, target: b.channelId });
  for (const m of managers) dir.accounts.get(m.accountId)?.managerIds.push(m.memberId);
  const wanted = [...new Set([...memberIds, ...managers.map((m) => m.memberId)])];
  await loadMembers(tx, organizationId, wanted, dir.members);
  return dir;
}

export async function loadMembers(tx: Tx, organizationId: string, memberIds: string[], into = new Map<string, MemberInfo>()) {
  if (memberIds.length === 0) return into;
  const [members, identities, conversations] = await Promise.all([
    tx.$queryRaw<{ id: string; displayName: string; deliverVia: "CHANNEL" | "DIRECT"; timeZone: string | null }[]>`
      SELECT id, "displayName", "deliverVia"::text AS "deliverVia", "timeZone" FROM "Member"
      WHERE "organizationId" = ${organizationId} AND id = ANY(${memberIds}::text[])`,
    tx.$queryRaw<{ memberId: string; platform: Platform; externalId: string; mentionId: string | null }[]>`
      SELECT "memberId", platform::text AS platform, "externalId", "mentionId" FROM "MemberIdentity"
      WHERE "organizationId" = ${organizationId} AND "memberId" = ANY(${memberIds}::text[]) ORDER BY "refreshedAt" DESC`,
    tx.$queryRaw<{ memberId: string; platform: Platform; conversationId: string }[]>`
      SELECT "memberId", platform::text AS platform, "conversationId" FROM "Conversation"
      WHERE "organizationId" = ${organizationId} AND "memberId" = ANY(${memberIds}::text[]) AND kind = 'personal' ORDER BY "updatedAt" DESC`,
  ]);
  for (const m of members) into.set(m.id, { ...m, identities: [], personal: new Map() });
  for (const i of identities) into.get(i.memberId)?.identities.push({ platform: i.platform, externalId: i.externalId, mentionId: i.mentionId });
  for (const c of conversations) {
    const info = into.get(c.memberId);
    if (info && !info.personal.has(c.platform)) info.personal.set(c.platform, c.conversationId);
  }
  return into;
}

/** The platform users to mention for these members on one platform. */
export function mentionsFor(dir: Pick<Directory, "members">, memberIds: string[], platform: Platform): Mention[] {
  const mentions: Mention[] = [];
  for (const id of new Set(memberIds)) {
    const member = dir.members.get(id);
    const identity = member?.identities.find((i) => i.platform === platform);
    if (!member || !identity) continue;
    const userId = platform === "TEAMS" ? identity.mentionId ?? identity.externalId : identity.externalId;
    mentions.push({ userId, name: member.displayName });
  }
  return mentions;
}

/** Where a direct message to a member goes: Slack user id, or the member's personal conversation. */
export function directTarget(member: MemberInfo | undefined): Target | null {
  if (!member) return null;
  for (const platform of PLATFORM_ORDER) {
    if (platform === "SLACK") {
      const slack = member.identities.find((i) => i.platform === "SLACK");
      if (slack) return { platform, target: member.personal.get("SLACK") ?? slack.externalId };
    } else if (platform === "TERMINAL") {
      // A `kam chat` user: the message waits in their inbox (target: the member id).
      if (member.identities.some((i) => i.platform === "TERMINAL")) return { platform, target: member.id };
    } else {
      const conversation = member.personal.get(platform);
      if (conversation) return { platform, target: conversation };
    }
  }
  return null;
}

/** Digest destinations: the DIGEST bindings, or the admins' and managers' direct chats. */
export async function digestTargets(tx: Tx, organizationId: string, mode: "CHANNEL" | "DIRECT"): Promise<{ target: Target; memberId?: string; timeZone?: string | null }[]> {
  if (mode === "CHANNEL") {
    const bindings = await tx.channelBinding.findMany({ where: { organizationId, accountId: null, purpose: "DIGEST" }, orderBy: { createdAt: "asc" } });
    return bindings.map((b) => ({ target: { platform: b.platform, target: b.channelId } }));
  }
  const managers = await tx.member.findMany({ where: { organizationId, orgRole: { in: ["ADMIN", "MANAGER"] } }, select: { id: true } });
  const members = await loadMembers(tx, organizationId, managers.map((m) => m.id));
  return [...members.values()].flatMap((m) => {
    const target = directTarget(m);
    return target ? [{ target, memberId: m.id, timeZone: m.timeZone }] : [];
  });
}

export interface OutboxRow {
  organizationId: string;
  dedupeKey: string;
  accountId: string | null;
  message: OutboxPayload;
  /** Earliest delivery (quiet hours, working days). */
  notBefore: Date;
}

/** A payload with a reply rendered now (digests). */
export function outgoing(organizationId: string, target: Target, reply: unknown, mentions: Mention[]): OutboxPayload {
  return { organizationId, platform: target.platform, target: target.target, reply, mentions };
}

/** A payload that announces, to be rendered at delivery; `memberId` when it goes to one member directly. */
export function announcing(organizationId: string, target: Target, announcement: Announcement, mentions: Mention[], memberId?: string): OutboxPayload {
  return { organizationId, platform: target.platform, target: target.target, announcement, mentions, ...(memberId ? { memberId } : {}) };
}

/** A short, stable digest of the items a message announces, for its dedupe key. */
export function itemsHash(items: string[]): string {
  return createHash("sha256").update([...items].sort().join("\n")).digest("hex").slice(0, 20);
}

/** Writes outbox rows; a row whose dedupe key exists already is skipped. Returns the number written. */
export async function enqueue(tx: Tx, rows: OutboxRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  // One statement with one JSON parameter (Prisma's createMany, and text[] parameters that escape
  // every quote of every payload, are slow for thousands of messages); existing keys are skipped.
  // Rows as arrays: objects repeat their keys and take the server twice as long to unpack.
  const json = JSON.stringify(rows.map((r) => [r.organizationId, r.dedupeKey, r.message.platform, r.message.target, r.accountId, r.message, r.notBefore.toISOString()]));
  return tx.$executeRaw`
    INSERT INTO "Notification" (id, "organizationId", "dedupeKey", platform, target, "accountId", payload, status, attempts, "nextAttemptAt", "createdAt")
    SELECT gen_random_uuid()::text, u.e->>0, u.e->>1, (u.e->>2)::"Platform", u.e->>3, u.e->>4, u.e->5, 'PENDING', 0,
           ((u.e->>6)::timestamptz AT TIME ZONE 'UTC'), now()
    FROM jsonb_array_elements(${json}::jsonb) AS u(e)
    ON CONFLICT ("dedupeKey") DO NOTHING`;
}

export interface QuietRules {
  timeZone: string;
  quietStartHour: number;
  quietEndHour: number;
  workingDays: number[];
}

function isQuiet(hour: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start > end ? hour >= start || hour < end : hour >= start && hour < end;
}

/**
 * The earliest instant at or after `now` when a message may go out: on a working day and outside
 * quiet hours, in the recipient's time zone. Hour by hour, so DST changes need no special care.
 */
export function deliverAt(now: Date, rules: QuietRules): Date {
  const days = rules.workingDays.length ? rules.workingDays : [1, 2, 3, 4, 5, 6, 7];
  let candidate = now;
  for (let i = 0; i < 24 * 9; i++) {
    const clock = localClock(candidate, rules.timeZone);
    if (days.includes(clock.weekday) && !isQuiet(clock.hour, rules.quietStartHour, rules.quietEndHour)) return candidate;
    candidate = new Date(Math.floor(candidate.getTime() / 3_600_000) * 3_600_000 + 3_600_000);
  }
  return now;
}
