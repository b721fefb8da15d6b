import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { CASE_PRIORITIES, SLA_HOURS } from "./cases.ts";
import { assertVersion, auditChange, diffFields } from "./changes.ts";
import { ConflictError, NotFoundError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { parseNumberRef, resolveMember } from "./references.ts";
import { inTransaction, type Tx } from "./tx.ts";
import { validate } from "./validate.ts";

const CASE_FIELDS = ["assigneeId", "priority", "slaDueAt", "status", "closedAt"] as const;
const HOUR_MS = 3_600_000;
const expectedVersion = z.number().int().min(1).optional();
/** A case note: free text up to the long-text bound, not blank. */
export const noteText = z.string().trim().min(1).max(2000);

async function findCase(tx: Tx, actor: Actor, ref: string) {
  const number = parseNumberRef("case", ref, "C");
  const found = await tx.case.findFirst({ where: { organizationId: actor.organizationId, number } });
  if (!found) throw new NotFoundError("case", ref);
  return found;
}

async function writableCase(tx: Tx, actor: Actor, ref: string, expected: number | undefined) {
  const found = await findCase(tx, actor, ref);
  await requireAccount(tx, actor, "account.write", found.accountId);
  await assertVersion(tx, actor.organizationId, found, `C-${found.number}`, expected);
  return found;
}

type CaseRow = Awaited<ReturnType<typeof findCase>>;
type CaseFields = Pick<CaseRow, (typeof CASE_FIELDS)[number]>;

async function changeCase(tx: Tx, actor: Actor, action: string, found: CaseRow, after: Partial<CaseFields>) {
  const changes = diffFields<CaseFields>(found, after, CASE_FIELDS);
  if (Object.keys(changes).length === 0) throw new ConflictError("lifecycle.unchanged", { ref: `C-${found.number}` });
  const updated = await tx.case.update({
    where: { id: found.id },
    data: { ...after, version: { increment: 1 } },
    include: { account: true, assignee: true },
  });
  await auditChange(tx, actor, action, "Case", found.id, updated.version, changes, { number: found.number });
  return updated;
}

/** A case with its account, assignee, notes (oldest first) and how many changes its history holds. */
export async function showCase(db: PrismaClient, actor: Actor, input: { case: string }) {
  const data = validate(z.object({ case: limits.reference }), input);
  return inTransaction(db, async (tx) => {
    const found = await findCase(tx, actor, data.case);
    const full = await tx.case.findUniqueOrThrow({
      where: { id: found.id },
      include: { account: true, assignee: true, notes: { include: { author: true }, orderBy: { createdAt: "asc" }, take: 50 } },
    });
    const changes = await tx.auditEvent.count({ where: { organizationId: actor.organizationId, entityType: "Case", entityId: found.id } });
    return { case: full, changes };
  });
}

export const assignCaseInput = z.object({ case: limits.reference, assignee: limits.reference, expectedVersion });

export async function assignCase(db: PrismaClient, actor: Actor, input: z.input<typeof assignCaseInput>) {
  const data = validate(assignCaseInput, input);
  return inTransaction(db, async (tx) => {
    const found = await writableCase(tx, actor, data.case, data.expectedVersion);
    const assignee = await resolveMember(tx, actor.organizationId, data.assignee);
    return changeCase(tx, actor, "case.assign", found, { assigneeId: assignee.id });
  });
}

export const casePriorityInput = z.object({ case: limits.reference, priority: z.enum(CASE_PRIORITIES), expectedVersion });

/** A new priority also moves the response deadline: opened + the hours of the new priority. */
export async function setCasePriority(db: PrismaClient, actor: Actor, input: z.input<typeof casePriorityInput>) {
  const data = validate(casePriorityInput, input);
  return inTransaction(db, async (tx) => {
    const found = await writableCase(tx, actor, data.case, data.expectedVersion);
    const slaDueAt = new Date(found.openedAt.getTime() + SLA_HOURS[data.priority] * HOUR_MS);
    return changeCase(tx, actor, "case.priority", found, { priority: data.priority, slaDueAt });
  });
}

export const editCaseInput = z.object({
  case: limits.reference,
  priority: z.enum(CASE_PRIORITIES).optional(),
  /** null: nobody. */
  assignee: limits.reference.nullable().optional(),
  expectedVersion,
});

/** Priority and assignee in one change (the Edit form of `case show`); a new priority moves the deadline. */
export async function editCase(db: PrismaClient, actor: Actor, input: z.input<typeof editCaseInput>) {
  const data = validate(editCaseInput, input);
  return inTransaction(db, async (tx) => {
    const found = await writableCase(tx, actor, data.case, data.expectedVersion);
    const assignee = data.assignee ? await resolveMember(tx, actor.organizationId, data.assignee) : null;
    const priority = data.priority ?? found.priority;
    return changeCase(tx, actor, "case.edit", found, {
      ...(data.priority !== undefined ? { priority, slaDueAt: new Date(found.openedAt.getTime() + SLA_HOURS[priority] * HOUR_MS) } : {}),
      ...(data.assignee !== undefined ? { assigneeId: assignee?.id ?? null } : {}),
    });
  });
}

export const reopenCaseInput = z.object({ case: limits.reference, expectedVersion });

/** A closed case opens again; its response clock starts again from now, at its priority's hours. */
export async function reopenCase(db: PrismaClient, actor: Actor, input: z.input<typeof reopenCaseInput>) {
  const data = validate(reopenCaseInput, input);
  return inTransaction(db, async (tx) => {
    const found = await writableCase(tx, actor, data.case, data.expectedVersion);
    if (found.status === "OPEN") throw new ConflictError("lifecycle.caseOpen", { ref: `C-${found.number}` });
    const slaDueAt = new Date(actor.now.getTime() + SLA_HOURS[found.priority] * HOUR_MS);
    return changeCase(tx, actor, "case.reopen", found, { status: "OPEN", closedAt: null, slaDueAt });
  });
}

export const caseNoteInput = z.object({ case: limits.reference, text: noteText });

/**
 * Adds a note to a case. A note is a row of its own, not a change of the case's fields: the case
 * keeps its version (an edit form open elsewhere stays valid) and `undo` does not take notes back.
 */
export async function addCaseNote(db: PrismaClient, actor: Actor, input: z.input<typeof caseNoteInput>) {
  const data = validate(caseNoteInput, input);
  return inTransaction(db, async (tx) => {
    const found = await findCase(tx, actor, data.case);
    await requireAccount(tx, actor, "account.write", found.accountId);
    const note = await tx.caseNote.create({
      data: {
        organizationId: actor.organizationId,
        caseId: found.id,
        authorId: actor.memberId,
        platform: actor.platform,
        text: data.text,
        createdAt: actor.now,
      },
    });
    await auditChange(tx, actor, "case.note", "Case", found.id, found.version, { note: { before: null, after: data.text } }, {
      number: found.number,
      noteId: note.id,
      undoable: false,
      undoReason: "undo.reason.note",
    });
    return { case: found, note };
  });
}
