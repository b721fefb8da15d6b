import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { auditChange, diffFields } from "./changes.ts";
import { ConflictError, NotFoundError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { parseNumberRef, pickByName, resolveAccount, resolveMember } from "./references.ts";
import { audit, inTransaction, nextNumber, type Tx } from "./tx.ts";
import { validate } from "./validate.ts";
import { startsWithIgnoringCase } from "./ignoring-case.ts";

const DAY_MS = 86_400_000;
const PROJECT_NUMBER = /^(?:#|P-?)?\d{1,9}$/i;

export const addProjectInput = z.object({
  account: limits.reference,
  name: limits.name,
  dueOn: limits.isoDay,
  owner: limits.reference.optional(),
});
export type AddProjectInput = z.input<typeof addProjectInput>;

export async function addProject(db: PrismaClient, actor: Actor, input: AddProjectInput) {
  const data = validate(addProjectInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "account.write", account.id);
    const owner = data.owner ? await resolveMember(tx, actor.organizationId, data.owner) : null;
    const number = await nextNumber(tx, actor.organizationId, "project");
    const project = await tx.project.create({
      data: {
        organizationId: actor.organizationId,
        number,
        accountId: account.id,
        name: data.name,
        dueOn: limits.dayToDate(data.dueOn),
        ownerId: owner?.id ?? null,
      },
      include: { account: true, owner: true },
    });
    await audit(tx, actor, "project.create", "Project", project.id, { number, account: account.id, name: data.name, dueOn: data.dueOn, owner: owner?.id });
    return project;
  });
}

/** A project by number ("P-3", "#3", "3") or by name (exact or unambiguous prefix) within the organization. */
export async function resolveProject(tx: Tx, organizationId: string, ref: string) {
  const wanted = ref.trim();
  if (PROJECT_NUMBER.test(wanted)) {
    const project = await tx.project.findFirst({ where: { organizationId, number: parseNumberRef("project", wanted, "P") } });
    if (project) return project;
  }
  if (wanted === "") throw new NotFoundError("project", ref);
  const candidates = await tx.project.findMany({
    where: { organizationId, name: startsWithIgnoringCase(wanted) },
    take: 50,
  });
  return pickByName("project", wanted, candidates);
}

export const addMilestoneInput = z.object({
  project: limits.reference,
  name: limits.name,
  dueOn: limits.isoDay,
  owner: limits.reference.optional(),
});
export type AddMilestoneInput = z.input<typeof addMilestoneInput>;

export async function addMilestone(db: PrismaClient, actor: Actor, input: AddMilestoneInput) {
  const data = validate(addMilestoneInput, input);
  return inTransaction(db, async (tx) => {
    const project = await resolveProject(tx, actor.organizationId, data.project);
    await requireAccount(tx, actor, "account.write", project.accountId);
    const owner = data.owner ? await resolveMember(tx, actor.organizationId, data.owner) : null;
    const number = await nextNumber(tx, actor.organizationId, "milestone");
    const milestone = await tx.milestone.create({
      data: {
        organizationId: actor.organizationId,
        number,
        projectId: project.id,
        name: data.name,
        dueOn: limits.dayToDate(data.dueOn),
        ownerId: owner?.id ?? null,
      },
      include: { project: { include: { account: true } }, owner: true },
    });
    await audit(tx, actor, "milestone.create", "Milestone", milestone.id, {
      number,
      project: project.id,
      name: data.name,
      dueOn: data.dueOn,
      owner: owner?.id,
    });
    return milestone;
  });
}

export const completeMilestoneInput = z.object({ milestone: limits.reference });

export async function completeMilestone(db: PrismaClient, actor: Actor, input: z.input<typeof completeMilestoneInput>) {
  const data = validate(completeMilestoneInput, input);
  return inTransaction(db, async (tx) => {
    const number = parseNumberRef("milestone", data.milestone, "M");
    const milestone = await tx.milestone.findFirst({
      where: { organizationId: actor.organizationId, number },
      include: { project: true },
    });
    if (!milestone) throw new NotFoundError("milestone", data.milestone);
    await requireAccount(tx, actor, "account.write", milestone.project.accountId);
    if (milestone.status !== "OPEN") throw new ConflictError("error.alreadyDone", { milestone: milestone.number });
    const done = await tx.milestone.update({
      where: { id: milestone.id },
      data: { status: "DONE", doneAt: actor.now, version: { increment: 1 } },
      include: { project: { include: { account: true } }, owner: true },
    });
    await auditChange(tx, actor, "milestone.done", "Milestone", milestone.id, done.version, diffFields(milestone, done, ["status", "doneAt"]), { number });
    return done;
  });
}

export const listMilestonesInput = z.object({
  project: limits.reference.optional(),
  account: limits.reference.optional(),
  scope: z.enum(["open", "all"]).default("open"),
});

/** Milestones by due date, optionally of one project or one account. */
export async function listMilestones(db: PrismaClient, actor: Actor, input: z.input<typeof listMilestonesInput> = {}) {
  const data = validate(listMilestonesInput, input);
  return inTransaction(db, async (tx) => {
    const project = data.project ? await resolveProject(tx, actor.organizationId, data.project) : null;
    const account = data.account ? await resolveAccount(tx, actor.organizationId, data.account) : null;
    return tx.milestone.findMany({
      where: {
        organizationId: actor.organizationId,
        ...(project ? { projectId: project.id } : {}),
        ...(account ? { project: { accountId: account.id } } : {}),
        ...(data.scope === "open" ? { status: "OPEN" as const } : {}),
      },
      include: { project: { include: { account: true } }, owner: true },
      orderBy: [{ dueOn: "asc" }, { number: "asc" }],
      take: 200,
    });
  });
}

export const listDeadlinesInput = z.object({
  account: limits.reference.optional(),
  withinDays: z.number().int().min(1).max(365).default(14),
  today: limits.isoDay,
});

/** Open projects and milestones due on or before today + withinDays (overdue ones included), by due date. */
export async function listDeadlines(db: PrismaClient, actor: Actor, input: z.input<typeof listDeadlinesInput>) {
  const data = validate(listDeadlinesInput, input);
  const until = new Date(limits.dayToDate(data.today).getTime() + data.withinDays * DAY_MS);
  return inTransaction(db, async (tx) => {
    const account = data.account ? await resolveAccount(tx, actor.organizationId, data.account) : null;
    const projects = await tx.project.findMany({
      where: {
        organizationId: actor.organizationId,
        status: "OPEN",
        dueOn: { lte: until },
        ...(account ? { accountId: account.id } : {}),
      },
      include: { account: true, owner: true },
      orderBy: [{ dueOn: "asc" }, { number: "asc" }],
    });
    const milestones = await tx.milestone.findMany({
      where: {
        organizationId: actor.organizationId,
        status: "OPEN",
        dueOn: { lte: until },
        project: { status: "OPEN", ...(account ? { accountId: account.id } : {}) },
      },
      include: { project: { include: { account: true } }, owner: true },
      orderBy: [{ dueOn: "asc" }, { number: "asc" }],
    });
    return { projects, milestones };
  });
}
