import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { CasePriority } from "../generated/prisma/enums.ts";
import type { Actor } from "./actor.ts";
import { auditChange, diffFields } from "./changes.ts";
import { ConflictError, NotFoundError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { recordNumber, resolveAccount, resolveMember } from "./references.ts";
import { audit, inTransaction, nextNumber } from "./tx.ts";
import { validate } from "./validate.ts";

export const CASE_PRIORITIES = ["LOW", "NORMAL", "HIGH", "URGENT"] as const;
/** Hours until a case of each priority must be answered. */
export const SLA_HOURS: Record<CasePriority, number> = { URGENT: 4, HIGH: 24, NORMAL: 72, LOW: 120 };

export const openCaseInput = z.object({
  account: limits.reference,
  subject: limits.shortText,
  priority: z.enum(CASE_PRIORITIES).default("NORMAL"),
  assignee: limits.reference.optional(),
  now: z.date().optional(),
});
export type OpenCaseInput = z.input<typeof openCaseInput>;

export async function openCase(db: PrismaClient, actor: Actor, input: OpenCaseInput) {
  const data = validate(openCaseInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "account.write", account.id);
    const assignee = data.assignee ? await resolveMember(tx, actor.organizationId, data.assignee) : null;
    const openedAt = data.now ?? actor.now;
    const number = await nextNumber(tx, actor.organizationId, "case");
    const opened = await tx.case.create({
      data: {
        organizationId: actor.organizationId,
        number,
        accountId: account.id,
        subject: data.subject,
        priority: data.priority,
        openedAt,
        slaDueAt: new Date(openedAt.getTime() + SLA_HOURS[data.priority] * 3_600_000),
        assigneeId: assignee?.id ?? null,
      },
      include: { account: true, assignee: true },
    });
    await audit(tx, actor, "case.open", "Case", opened.id, {
      number,
      account: account.id,
      subject: data.subject,
      priority: data.priority,
      assignee: assignee?.id,
    });
    return opened;
  });
}

export async function closeCase(db: PrismaClient, actor: Actor, input: { case: string }) {
  const data = validate(z.object({ case: limits.reference }), input);
  return inTransaction(db, async (tx) => {
    const number = await recordNumber(tx, "case", actor.organizationId, data.case);
    const found = await tx.case.findFirst({ where: { organizationId: actor.organizationId, number } });
    if (!found) throw new NotFoundError("case", data.case);
    await requireAccount(tx, actor, "account.write", found.accountId);
    if (found.status === "CLOSED") throw new ConflictError("error.alreadyClosed", { case: found.number });
    const closed = await tx.case.update({
      where: { id: found.id },
      data: { status: "CLOSED", closedAt: actor.now, version: { increment: 1 } },
      include: { account: true, assignee: true },
    });
    await auditChange(tx, actor, "case.close", "Case", found.id, closed.version, diffFields(found, closed, ["status", "closedAt"]), { number });
    return closed;
  });
}

export const listCasesInput = z.object({
  account: limits.reference.optional(),
  scope: z.enum(["open", "all"]).default("open"),
});

/** Cases by SLA due time (most urgent first), optionally of one account. */
export async function listCases(db: PrismaClient, actor: Actor, input: z.input<typeof listCasesInput> = {}) {
  const data = validate(listCasesInput, input);
  return inTransaction(db, async (tx) => {
    const account = data.account ? await resolveAccount(tx, actor.organizationId, data.account) : null;
    return tx.case.findMany({
      where: {
        organizationId: actor.organizationId,
        ...(account ? { accountId: account.id } : {}),
        ...(data.scope === "open" ? { status: "OPEN" as const } : {}),
      },
      include: { account: true, assignee: true },
      orderBy: [{ slaDueAt: "asc" }, { number: "asc" }],
      take: 200,
    });
  });
}
