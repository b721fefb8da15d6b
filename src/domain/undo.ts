import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { auditChange, type ChangeData, type FieldChanges } from "./changes.ts";
import { ConflictError, NotFoundError } from "./errors.ts";
import { isImportedRange, rangeLabel } from "./import-events.ts";
import { delegateOf, loadRecord, type RecordKind, type RecordRow } from "./records.ts";
import { inTransaction, type Tx } from "./tx.ts";
import { customUndos } from "./undo-registry.ts";
// The services whose changes need a custom undo register it when loaded.
import "./order-changes.ts";
import "./invoice-changes.ts";
import "./contract-changes.ts";

/** What kam records about a member by itself (their first message, a linked identity): nobody's "change". */
const NOT_CHANGES = ["member.create", "member.link"];

/** How long one's own last change can still be taken back. */
export const UNDO_WINDOW_MS = 15 * 60_000;


/** The fields a custom undo handles itself; the generic part skips them. */
const nonScalar = new Set(["lines", "prices", "commitments"]);

/**
 * A value of a ChangeData back to what Prisma takes, by the schema's naming: days and instants end
 * in On/Day/At (stored as ISO strings), money in Minor (BigInt), quantities are decimals (strings).
 */
function revive(field: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (/(On|Day|At)$/.test(field) && typeof value === "string") return new Date(value);
  if (/Minor$/.test(field) && (typeof value === "number" || typeof value === "string")) return BigInt(value);
  if (field === "quantity") return String(value);
  return value;
}

function isChangeData(data: unknown): data is ChangeData {
  return typeof data === "object" && data !== null && "changes" in data && "version" in data && typeof (data as ChangeData).version === "number";
}

export async function lastAuthorOf(tx: Tx, organizationId: string, entityId: string) {
  const last = await tx.auditEvent.findFirst({
    where: { organizationId, entityId },
    orderBy: [{ createdAt: "desc" }, { seq: "desc" }],
    select: { actorId: true, createdAt: true },
  });
  const member = last?.actorId ? await tx.member.findUnique({ where: { id: last.actorId }, select: { displayName: true } }) : null;
  return { by: member?.displayName ?? "kam", at: last?.createdAt ?? new Date(0) };
}

/**
 * Takes back the caller's own last change: refused when there is none, when it is 15 minutes old
 * or older (by the request's clock), when it cannot be undone (its data says so, with a reason),
 * or when the record was changed since (its version moved on). An undo is itself a change, audited
 * as "undo", and cannot be undone in turn: undo is one step back, not a redo.
 */
export async function undoLastChange(db: PrismaClient, actor: Actor) {
  if (!actor.memberId) throw new NotFoundError("change", "undo");
  return inTransaction(db, async (tx) => {
    const event = await tx.auditEvent.findFirst({
      where: { organizationId: actor.organizationId, actorId: actor.memberId, action: { notIn: NOT_CHANGES } },
      orderBy: [{ createdAt: "desc" }, { seq: "desc" }],
    });
    if (!event) throw new ConflictError("undo.nothing");
    const data = event.data as unknown;
    const record = event.entityId ? await loadRecord(tx, actor.organizationId, event.entityType, event.entityId) : null;
    const ref = record ? record.kind.ref(record.row) : !event.entityId && isImportedRange(data) ? rangeLabel(event.entityType, data) : event.entityType;
    if (!isChangeData(data) || !record) throw new ConflictError("undo.notChange", { action: event.action, ref });
    if (data.undoable === false) {
      throw new ConflictError("undo.notUndoable", { action: event.action, ref, reason: String(data.undoReason ?? "undo.reason.default") });
    }
    const age = actor.now.getTime() - event.createdAt.getTime();
    if (age >= UNDO_WINDOW_MS) {
      throw new ConflictError("undo.tooOld", { action: event.action, ref, at: event.createdAt.toISOString(), minutes: UNDO_WINDOW_MS / 60_000 });
    }
    if (record.row.version !== data.version) {
      const last = await lastAuthorOf(tx, actor.organizationId, record.row.id);
      throw new ConflictError("undo.changedSince", { action: event.action, ref, by: last.by, at: last.at.toISOString() });
    }
    await record.kind.authorize(tx, actor, record.row);
    const restored = await putBack(tx, record.kind, record.row, data, event.action);
    const reversed: FieldChanges = {};
    for (const [field, change] of Object.entries(data.changes)) reversed[field] = { before: change.after, after: change.before };
    await auditChange(tx, actor, "undo", event.entityType, record.row.id, restored.version, reversed, {
      undoOf: event.id,
      undoneAction: event.action,
      undoable: false,
      undoReason: "undo.reason.undo",
    });
    return { action: event.action, ref: record.kind.ref(restored), model: event.entityType, changes: reversed, currency: typeof data.currency === "string" ? data.currency : null };
  });
}

async function putBack(tx: Tx, kind: RecordKind, row: RecordRow, data: ChangeData, action: string): Promise<RecordRow> {
  const custom = customUndos.get(action);
  if (custom) await custom(tx, row, data);
  const fields: Record<string, unknown> = {};
  for (const [field, change] of Object.entries(data.changes)) {
    if (nonScalar.has(field)) continue;
    fields[field] = revive(field, change.before);
  }
  const delegate = delegateOf(tx, kind);
  // The version in the WHERE makes a concurrent edit lose cleanly instead of being overwritten.
  const { count } = await delegate.updateMany({ where: { id: row.id, version: data.version }, data: { ...fields, version: { increment: 1 } } });
  if (count !== 1) throw new ConflictError("undo.changedSince", { action, ref: kind.ref(row), by: "?", at: new Date(0).toISOString() });
  return (await delegate.findFirst({ where: { id: row.id } }))!;
}
