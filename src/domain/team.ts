import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { NotFoundError } from "./errors.ts";
import * as limits from "./limits.ts";
import { requireAccount } from "./permissions.ts";
import { resolveAccount, resolveMember } from "./references.ts";
import { audit, inTransaction } from "./tx.ts";
import { validate } from "./validate.ts";

export const TEAM_ROLES = ["ACCOUNT_MANAGER", "PROJECT_MANAGER", "CUSTOMER_SERVICE", "SALES", "VIEWER"] as const;

export const teamChangeInput = z.object({
  account: limits.reference,
  member: limits.reference,
  role: z.enum(TEAM_ROLES).default("SALES"),
});

export async function addToTeam(db: PrismaClient, actor: Actor, input: z.input<typeof teamChangeInput>) {
  const data = validate(teamChangeInput, input);
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, data.account);
    await requireAccount(tx, actor, "team.change", account.id);
    const member = await resolveMember(tx, actor.organizationId, data.member);
    const membership = await tx.accountTeamMember.upsert({
      where: { accountId_memberId: { accountId: account.id, memberId: member.id } },
      create: { accountId: account.id, memberId: member.id, role: data.role },
      update: { role: data.role },
    });
    await audit(tx, actor, "team.add", "Account", account.id, { memberId: member.id, role: data.role });
    return { account, member, membership };
  });
}

export async function removeFromTeam(db: PrismaClient, actor: Actor, input: { account: string; member: string }) {
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, input.account);
    await requireAccount(tx, actor, "team.change", account.id);
    const member = await resolveMember(tx, actor.organizationId, input.member);
    const removed = await tx.accountTeamMember.deleteMany({ where: { accountId: account.id, memberId: member.id } });
    if (removed.count === 0) throw new NotFoundError("teamMember", member.displayName);
    await audit(tx, actor, "team.remove", "Account", account.id, { memberId: member.id });
    return { account, member };
  });
}

export async function listTeam(db: PrismaClient, actor: Actor, accountRef: string) {
  return inTransaction(db, async (tx) => {
    const account = await resolveAccount(tx, actor.organizationId, accountRef);
    const team = await tx.accountTeamMember.findMany({
      where: { accountId: account.id },
      include: { member: { include: { identities: true } } },
      orderBy: [{ role: "asc" }, { createdAt: "asc" }],
    });
    return { account, team };
  });
}
