import type { Actor } from "./actor.ts";
import { DomainError } from "./errors.ts";
import { audit, type Tx } from "./tx.ts";

/**
 * The field-level record of one change: what `history` shows (before → after) and what `undo`
 * puts back. Every edit of a record writes one AuditEvent whose data is a `ChangeData`:
 * entityType is the Prisma model name ("Order", "Invoice", …), entityId the record's id.
 */
export type FieldChanges = Record<string, { before: unknown; after: unknown }>;

export interface ChangeData {
  changes: FieldChanges;
  /** The record's version after this change (the version it had before is `version - 1`). */
  version: number;
  /** Free extra context (a reason, the lines of an order edit); shown by history, ignored by undo. */
  [extra: string]: unknown;
}

function comparable(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return Number(v);
  if (v !== null && typeof v === "object" && "toFixed" in v) return String(v); // Prisma Decimal
  return v ?? null;
}

/** The fields among `fields` whose values differ between before and after (Dates by instant). */
export function diffFields<T extends object>(before: T, after: Partial<T>, fields: readonly (keyof T & string)[]): FieldChanges {
  const out: FieldChanges = {};
  for (const f of fields) {
    if (!(f in after)) continue;
    const a = comparable(before[f]);
    const b = comparable(after[f]);
    if (a !== b) out[f] = { before: a, after: b };
  }
  return out;
}

/** Writes the audit event of one change; `version` is the record's version after it. */
export async function auditChange(
  tx: Tx,
  actor: Actor,
  action: string,
  entityType: string,
  entityId: string,
  version: number,
  changes: FieldChanges,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const data: ChangeData = { ...extra, changes, version };
  await audit(tx, actor, action, entityType, entityId, data);
}

/** An edit built on an older version of a record: says who changed it last and when. */
export class StaleVersionError extends DomainError {
  constructor(readonly ref: string, readonly changedBy: string, readonly changedAt: Date, readonly currentVersion: number) {
    super("error.staleVersion", { ref, by: changedBy, at: changedAt.toISOString() });
  }
}

/**
 * Refuses an edit made on `expected` when the record is at `current`; names the author and time
 * of the last change from the audit trail. `expected` undefined means "the caller saw no version"
 * (a text command typed now), which is never stale.
 */
export async function assertVersion(
  tx: Tx,
  organizationId: string,
  record: { id: string; version: number },
  ref: string,
  expected: number | undefined,
): Promise<void> {
  if (expected === undefined || expected === record.version) return;
  const last = await tx.auditEvent.findFirst({
    where: { organizationId, entityId: record.id },
    orderBy: [{ createdAt: "desc" }, { seq: "desc" }],
    select: { actorId: true, createdAt: true },
  });
  const member = last?.actorId ? await tx.member.findUnique({ where: { id: last.actorId }, select: { displayName: true } }) : null;
  throw new StaleVersionError(ref, member?.displayName ?? "kam", last?.createdAt ?? new Date(0), record.version);
}
