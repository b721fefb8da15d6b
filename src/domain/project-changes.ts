import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { assertVersion, auditChange, diffFields } from "./changes.ts";
import { ConflictError, NotFoundError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { resolveProject } from "./projects.ts";
import { parseNumberRef, resolveMember } from "./references.ts";
import { inTransaction, type Tx } from "./tx.ts";
import { validate } from "./validate.ts";

const MILESTONE_FIELDS = ["dueOn", "ownerId", "status", "doneAt"] as const;
const include = { project: { include: { account: true } }, owner: true } as const;
const expectedVersion = z.number().int().min(1).optional();

async function writableMilestone(tx: Tx, actor: Actor, ref: string, expected: number | undefined) {
  const number = parseNumberRef("milestone", ref, "M");
  const milestone = await tx.milestone.findFirst({ where: { organizationId: actor.organizationId, number }, include: { project: true } });
  if (!milestone) throw new NotFoundError("milestone", ref);
  await requireAccount(tx, actor, "account.write", milestone.project.accountId);
  await assertVersion(tx, actor.organizationId, milestone, `M-${number}`, expected);
  return milestone;
}

type MilestoneRow = Awaited<ReturnType<typeof writableMilestone>>;
type MilestoneFields = Pick<MilestoneRow, (typeof MILESTONE_FIELDS)[number]>;

async function changeMilestone(tx: Tx, actor: Actor, action: string, milestone: MilestoneRow, after: Partial<MilestoneFields>) {
  const changes = diffFields<MilestoneFields>(milestone, after, MILESTONE_FIELDS);
  if (Object.keys(changes).length === 0) throw new ConflictError("lifecycle.unchanged", { ref: `M-${milestone.number}` });
  const updated = await tx.milestone.update({
    where: { id: milestone.id },
    data: { ...after, version: { increment: 1 } },
    include,
  });
  await auditChange(tx, actor, action, "Milestone", milestone.id, updated.version, changes, { number: milestone.number });
  return updated;
}

export const moveMilestoneInput = z.object({ milestone: limits.reference, dueOn: limits.isoDay, expectedVersion });

/**
 * A new due date for an open milestone. The reminder stages already announced belonged to the old
 * date, so they are forgotten: the new date is announced afresh (7, 3, 1 days, today, overdue).
 */
export async function moveMilestone(db: PrismaClient, actor: Actor, input: z.input<typeof moveMilestoneInput>) {
  const data = validate(moveMilestoneInput, input);
  return inTransaction(db, async (tx) => {
    const milestone = await writableMilestone(tx, actor, data.milestone, data.expectedVersion);
    if (milestone.status !== "OPEN") throw new ConflictError("lifecycle.milestoneNotOpen", { ref: `M-${milestone.number}` });
    const previous = milestone.dueOn;
    const moved = await changeMilestone(tx, actor, "milestone.move", milestone, { dueOn: limits.dayToDate(data.dueOn) });
    await tx.reminderLog.deleteMany({ where: { organizationId: actor.organizationId, subjectType: "Milestone", subjectId: milestone.id } });
    return { milestone: moved, previous };
  });
}

export const milestoneOwnerInput = z.object({ milestone: limits.reference, owner: limits.reference, expectedVersion });

export async function setMilestoneOwner(db: PrismaClient, actor: Actor, input: z.input<typeof milestoneOwnerInput>) {
  const data = validate(milestoneOwnerInput, input);
  return inTransaction(db, async (tx) => {
    const milestone = await writableMilestone(tx, actor, data.milestone, data.expectedVersion);
    const owner = await resolveMember(tx, actor.organizationId, data.owner);
    return changeMilestone(tx, actor, "milestone.owner", milestone, { ownerId: owner.id });
  });
}

export const reopenMilestoneInput = z.object({ milestone: limits.reference, expectedVersion });

/** A done or cancelled milestone becomes open again; not in a closed project (reopen nothing inside a closed one). */
export async function reopenMilestone(db: PrismaClient, actor: Actor, input: z.input<typeof reopenMilestoneInput>) {
  const data = validate(reopenMilestoneInput, input);
  return inTransaction(db, async (tx) => {
    const milestone = await writableMilestone(tx, actor, data.milestone, data.expectedVersion);
    if (milestone.status === "OPEN") throw new ConflictError("lifecycle.milestoneOpen", { ref: `M-${milestone.number}` });
    if (milestone.project.status !== "OPEN") {
      throw new ConflictError("lifecycle.projectClosed", { ref: `P-${milestone.project.number}`, milestone: `M-${milestone.number}` });
    }
    return changeMilestone(tx, actor, "milestone.reopen", milestone, { status: "OPEN", doneAt: null });
  });
}

export const closeProjectInput = z.object({ project: limits.reference, expectedVersion });

/**
 * Closes a project (status done). Its milestones still open are cancelled with it, each with its
 * own audited change, so no reminder goes out for them any more. A close that cancelled
 * milestones cannot be taken back by `undo` (the milestones would stay cancelled).
 */
export async function closeProject(db: PrismaClient, actor: Actor, input: z.input<typeof closeProjectInput>) {
  const data = validate(closeProjectInput, input);
  return inTransaction(db, async (tx) => {
    const project = await resolveProject(tx, actor.organizationId, data.project);
    await requireAccount(tx, actor, "account.write", project.accountId);
    const ref = `P-${project.number}`;
    await assertVersion(tx, actor.organizationId, project, ref, data.expectedVersion);
    if (project.status !== "OPEN") throw new ConflictError("lifecycle.projectNotOpen", { ref });
    const open = await tx.milestone.findMany({ where: { projectId: project.id, status: "OPEN" }, orderBy: { number: "asc" } });
    const closed = await tx.project.update({
      where: { id: project.id },
      data: { status: "DONE", version: { increment: 1 } },
      include: { account: true },
    });
    const cancelled = [];
    for (const m of open) {
      const after = await tx.milestone.update({ where: { id: m.id }, data: { status: "CANCELLED", version: { increment: 1 } } });
      await auditChange(tx, actor, "milestone.cancel", "Milestone", m.id, after.version, diffFields(m, after, ["status"]), {
        number: m.number,
        project: ref,
        undoable: false,
        undoReason: "undo.reason.closedWithProject",
      });
      cancelled.push(after);
    }
    await auditChange(tx, actor, "project.close", "Project", project.id, closed.version, diffFields(project, closed, ["status"]), {
      number: project.number,
      cancelledMilestones: cancelled.map((m) => `M-${m.number}`),
      ...(cancelled.length ? { undoable: false, undoReason: "undo.reason.projectMilestones" } : {}),
    });
    return { project: closed, cancelled };
  });
}
