import { z } from "zod";
import { Prisma, type PrismaClient } from "../generated/prisma/client.ts";
import type { Platform } from "../generated/prisma/enums.ts";
import type { Actor } from "./actor.ts";
import type { FieldChanges } from "./changes.ts";
import * as limits from "./limits.ts";
import { coversNumber, isImportedRange, type ImportedRange, RANGE_AUDITED, rangeLabel } from "./import-events.ts";
import { loadRecord, resolveRecordRef } from "./records.ts";
import { resolveAccount } from "./references.ts";
import { inTransaction, type Tx } from "./tx.ts";
import { validate } from "./validate.ts";

export const HISTORY_PAGE_SIZE = 10;

export interface HistoryEntry {
  id: string;
  action: string;
  entityType: string;
  /** How the record is named (O-12, I-3, an account's name). */
  ref: string;
  by: string;
  platform: Platform | null;
  at: Date;
  /** Field by field, before → after; empty for events that are no field change (a creation). */
  changes: FieldChanges;
  /** The rest of the event's data: a reason, the currency of money fields. */
  extra: Record<string, unknown>;
  /** Set for an import's one event for the records it created in bulk (import-events.ts). */
  imported?: ImportedRange;
}

export const historyInput = z.object({
  ref: limits.reference,
  page: z.number().int().min(1).max(1000).default(1),
  /** "account": the changes on all of the account's records; "record": that record's own. */
  scope: z.enum(["record", "account"]).default("record"),
});

/**
 * The audit trail of one record (O-12, I-3, K-2, P-3, M-4, C-5, F-7, a product, a member), or of
 * an account and everything it holds, newest first, one page at a time. Ids in changed fields
 * (orderId, ownerId) come back as labels (O-12, a member's name).
 */
export async function recordHistory(db: PrismaClient, actor: Actor, input: z.input<typeof historyInput>) {
  const data = validate(historyInput, input);
  return inTransaction(db, async (tx) => {
    const skip = (data.page - 1) * HISTORY_PAGE_SIZE;
    let subject: { model: string; id: string; label: string; accountId: string | null };
    let ids: string[];
    if (data.scope === "account") {
      const account = await resolveAccount(tx, actor.organizationId, data.ref);
      subject = { model: "Account", id: account.id, label: account.name, accountId: account.id };
      ids = await accountEventIds(tx, actor.organizationId, account.id, skip);
    } else {
      subject = await resolveRecordRef(tx, actor.organizationId, data.ref);
      if (subject.model === "Account") {
        ids = await accountEventIds(tx, actor.organizationId, subject.id, skip);
        data.scope = "account";
      } else {
        ids = await recordEventIds(tx, actor.organizationId, subject, skip);
      }
    }
    const events = await tx.auditEvent.findMany({ where: { id: { in: ids.slice(0, HISTORY_PAGE_SIZE) } }, orderBy: [{ createdAt: "desc" }, { seq: "desc" }] });
    const actorIds = [...new Set(events.map((e) => e.actorId).filter((id): id is string => !!id))];
    const members = await tx.member.findMany({ where: { id: { in: actorIds }, organizationId: actor.organizationId }, select: { id: true, displayName: true } });
    const names = new Map(members.map((m) => [m.id, m.displayName]));
    const refs = new Map<string, string>([[subject.id, subject.label]]);
    const entries: HistoryEntry[] = [];
    for (const event of events) {
      const { changes, ...extra } = (event.data ?? {}) as { changes?: FieldChanges } & Record<string, unknown>;
      const key = event.entityId ?? "";
      const imported = !event.entityId && isImportedRange(event.data) ? event.data : undefined;
      if (imported) refs.set(key, rangeLabel(event.entityType, imported));
      else if (!refs.has(key) && event.entityId) {
        const loaded = await loadRecord(tx, actor.organizationId, event.entityType, event.entityId);
        refs.set(key, loaded ? loaded.kind.ref(loaded.row) : await otherRef(tx, event.entityType, event.entityId));
      }
      entries.push({
        id: event.id,
        action: event.action,
        entityType: event.entityType,
        ref: refs.get(key) ?? event.entityType,
        by: event.actorId ? (names.get(event.actorId) ?? "?") : "kam",
        platform: event.platform,
        at: event.createdAt,
        changes: changes && typeof changes === "object" ? changes : {},
        extra,
        ...(imported ? { imported } : {}),
      });
    }
    return { subject, scope: data.scope, page: data.page, entries, more: ids.length > HISTORY_PAGE_SIZE, labels: await idLabels(tx, actor.organizationId, entries) };
  });
}

async function otherRef(tx: Tx, entityType: string, id: string): Promise<string> {
  if (entityType === "Flag") {
    const flag = await tx.flag.findUnique({ where: { id }, select: { number: true } });
    if (flag) return `F-${flag.number}`;
  }
  return entityType;
}

/** The ids of a record's events, with the import that created it in bulk (import-events.ts), newest first. */
async function recordEventIds(tx: Tx, organizationId: string, subject: { model: string; id: string }, skip: number): Promise<string[]> {
  const audited = RANGE_AUDITED[subject.model];
  const imported = audited
    ? coversNumber(subject.model, Prisma.sql`(SELECT ${Prisma.raw(`"${audited.numberColumn}"`)} FROM ${Prisma.raw(`"${subject.model}"`)} WHERE id = ${subject.id})`)
    : Prisma.sql`false`;
  const rows = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT e.id FROM "AuditEvent" e
    WHERE e."organizationId" = ${organizationId} AND (e."entityId" = ${subject.id} OR ${imported})
    ORDER BY e."createdAt" DESC, e.seq DESC
    OFFSET ${skip} LIMIT ${HISTORY_PAGE_SIZE + 1}`);
  return rows.map((r) => r.id);
}

/** The ids of an account's events and of its records' events, newest first (one page and one more). */
async function accountEventIds(tx: Tx, organizationId: string, accountId: string, skip: number): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT e.id FROM "AuditEvent" e
    WHERE e."organizationId" = ${organizationId} AND e."entityId" IN (
      SELECT ${accountId}
      UNION ALL SELECT id FROM "Order" WHERE "accountId" = ${accountId}
      UNION ALL SELECT id FROM "Invoice" WHERE "accountId" = ${accountId}
      UNION ALL SELECT id FROM "Contract" WHERE "accountId" = ${accountId}
      UNION ALL SELECT id FROM "Project" WHERE "accountId" = ${accountId}
      UNION ALL SELECT m.id FROM "Milestone" m JOIN "Project" p ON p.id = m."projectId" WHERE p."accountId" = ${accountId}
      UNION ALL SELECT id FROM "Case" WHERE "accountId" = ${accountId}
      UNION ALL SELECT id FROM "Training" WHERE "accountId" = ${accountId}
      UNION ALL SELECT id FROM "MarketingProgram" WHERE "accountId" = ${accountId}
      UNION ALL SELECT id FROM "Flag" WHERE "accountId" = ${accountId})
      OR (e."entityId" IS NULL AND EXISTS (
        SELECT 1 FROM "Invoice" i WHERE i."organizationId" = ${organizationId} AND i."accountId" = ${accountId} AND ${coversNumber("Invoice", Prisma.sql`i."refNumber"`)}))
    ORDER BY e."createdAt" DESC, e.seq DESC
    OFFSET ${skip} LIMIT ${HISTORY_PAGE_SIZE + 1}`);
  return rows.map((r) => r.id);
}

/** Labels for the ids that changed fields hold: orders as O-12, members by name. */
async function idLabels(tx: Tx, organizationId: string, entries: HistoryEntry[]): Promise<Record<string, string>> {
  const ids = new Set<string>();
  for (const e of entries) {
    for (const [field, change] of Object.entries(e.changes)) {
      if (!field.endsWith("Id")) continue;
      for (const v of [change.before, change.after]) if (typeof v === "string") ids.add(v);
    }
  }
  if (ids.size === 0) return {};
  const list = [...ids];
  const [orders, members] = await Promise.all([
    tx.order.findMany({ where: { organizationId, id: { in: list } }, select: { id: true, number: true } }),
    tx.member.findMany({ where: { organizationId, id: { in: list } }, select: { id: true, displayName: true } }),
  ]);
  return Object.fromEntries([...orders.map((o) => [o.id, `O-${o.number}`]), ...members.map((m) => [m.id, m.displayName])]);
}
