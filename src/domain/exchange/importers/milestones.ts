import { auditChange, diffFields } from "../../changes.ts";
import { InvalidInputError } from "../../errors.ts";
import * as limits from "../../limits.ts";
import { resolveMember } from "../../references.ts";
import { audit, nextNumber } from "../../tx.ts";
import { inField, onLine, record, type ImportContext, type Row } from "../context.ts";
import { instantOfDay } from "../instants.ts";
import type { CanonicalRow } from "../kinds.ts";
import { AccountLookup } from "../lookups.ts";

const PROJECT_FIELDS = ["dueOn"] as const;
const MILESTONE_FIELDS = ["dueOn", "ownerId", "status", "doneAt"] as const;

/**
 * Milestones by account, project name and milestone name (any case); a project named for the first
 * time is created with `project_due`. A `done_on` marks the milestone done.
 */
export async function importMilestones(ctx: ImportContext, rows: Row<CanonicalRow<"milestones">>[]): Promise<void> {
  const { tx, actor } = ctx;
  const organizationId = actor.organizationId;
  const accounts = new AccountLookup(ctx);
  await accounts.preload(rows.map((r) => r.values.account));
  const projects = await tx.project.findMany({ where: { organizationId }, include: { milestones: true } });
  const projectKey = (accountId: string, name: string) => `${accountId}\u0000${name.toLowerCase()}`;
  const byName = new Map(projects.map((p) => [projectKey(p.accountId, p.name), p]));
  const projectDue = new Map<string, { line: number; due: string }>();
  const seen = new Map<string, number>();
  const owners = new Map<string, string>();
  for (const { line, values } of rows) {
    await onLine(ctx, line, undefined, async () => {
      const account = await inField("account", accounts.resolve(values.account));
      const pKey = projectKey(account.id, values.project);
      const mKey = `${pKey}\u0000${values.milestone.toLowerCase()}`;
      const first = seen.get(mKey);
      if (first !== undefined) throw new InvalidInputError("milestone", "import.duplicateRow", { first });
      seen.set(mKey, line);
      const due = projectDue.get(pKey);
      if (due && due.due !== values.project_due) throw new InvalidInputError("project_due", "import.projectDueDiffers", { project: values.project, first: due.line });
      let project = byName.get(pKey);
      if (!project) {
        const number = await nextNumber(tx, organizationId, "project");
        const created = await tx.project.create({ data: { organizationId, number, accountId: account.id, name: values.project, dueOn: limits.dayToDate(values.project_due) } });
        await audit(tx, actor, "project.import", "Project", created.id, { number, account: account.id, name: values.project, dueOn: values.project_due });
        project = { ...created, milestones: [] };
        byName.set(pKey, project);
      } else if (!due) {
        const changes = diffFields(project, { dueOn: limits.dayToDate(values.project_due) }, PROJECT_FIELDS);
        if (Object.keys(changes).length) {
          const updated = await tx.project.update({ where: { id: project.id }, data: { dueOn: limits.dayToDate(values.project_due), version: { increment: 1 } } });
          await auditChange(tx, actor, "project.import", "Project", project.id, updated.version, changes);
          project = { ...project, ...updated };
          byName.set(pKey, project);
        }
      }
      projectDue.set(pKey, due ?? { line, due: values.project_due });
      const found = project.milestones.find((m) => m.name.toLowerCase() === values.milestone.toLowerCase());
      // Columns the file does not have (owner, done_on) leave an existing milestone's as they are.
      let ownerId: string | null = values.owner === undefined ? (found?.ownerId ?? null) : null;
      if (values.owner) {
        ownerId = owners.get(values.owner) ?? (await inField("owner", resolveMember(tx, organizationId, values.owner))).id;
        owners.set(values.owner, ownerId);
      }
      const doneAt = values.done_on === undefined ? (found?.doneAt ?? null) : values.done_on ? instantOfDay(values.done_on, ctx.org.timeZone, found?.doneAt) : null;
      const wanted = {
        name: values.milestone,
        dueOn: limits.dayToDate(values.due_on),
        ownerId,
        status: values.done_on === undefined ? (found?.status ?? "OPEN") : values.done_on ? ("DONE" as const) : ("OPEN" as const),
        doneAt,
      };
      if (!found) {
        const number = await nextNumber(tx, organizationId, "milestone");
        const created = await tx.milestone.create({ data: { organizationId, number, projectId: project.id, ...wanted } });
        await audit(tx, actor, "milestone.import", "Milestone", created.id, { number, project: project.id, ...wanted });
        project.milestones.push(created);
        record(ctx, line, `M-${number}`, "created");
        return;
      }
      const changes = diffFields(found, wanted, MILESTONE_FIELDS);
      if (Object.keys(changes).length === 0) {
        record(ctx, line, `M-${found.number}`, "unchanged");
        return;
      }
      const updated = await tx.milestone.update({ where: { id: found.id }, data: { ...wanted, version: { increment: 1 } } });
      await auditChange(tx, actor, "milestone.import", "Milestone", found.id, updated.version, changes);
      record(ctx, line, `M-${found.number}`, "changed");
    });
  }
}
