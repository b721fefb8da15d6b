import type { Actor } from "./actor.ts";
import { ConflictError, ForbiddenError } from "./errors.ts";
import type { Tx } from "./tx.ts";

/**
 * Who may do what. Enforced here, inside the domain services, rather than in the chat layer:
 * every write of every entry point (Slack, Teams, terminal, jobs) passes through these services.
 *
 * - org admins: everything, and they alone change organization settings, link workspaces and manage API tokens;
 * - org managers: everything on every account, but not settings;
 * - members: read everything; write an account's data (orders, projects, invoices, contracts,
 *   cases, flags) when they are on its team in a role other than viewer.
 */
export type OrgAction = "settings.change" | "account.create" | "product.write" | "workspace.link" | "digest.bind" | "token.manage";
export type AccountAction = "account.write" | "team.change";

async function orgRole(tx: Tx, actor: Actor) {
  if (actor.memberId === null) return "SYSTEM" as const;
  const member = await tx.member.findFirst({
    where: { id: actor.memberId, organizationId: actor.organizationId },
    select: { orgRole: true },
  });
  if (!member) throw new ForbiddenError("unknown-member");
  return member.orgRole;
}

export async function requireOrg(tx: Tx, actor: Actor, action: OrgAction): Promise<void> {
  const role = await orgRole(tx, actor);
  if (role === "SYSTEM" || role === "ADMIN") return;
  if (role === "MANAGER" && action !== "settings.change" && action !== "workspace.link" && action !== "token.manage") return;
  throw new ForbiddenError(action);
}

/**
 * An archived account takes no writes (say `account unarchive`), except archiving and unarchiving
 * themselves (`options.archived`).
 */
export async function requireAccount(tx: Tx, actor: Actor, action: AccountAction, accountId: string, options: { archived?: boolean } = {}): Promise<void> {
  const role = await orgRole(tx, actor);
  if (!options.archived) {
    const account = await tx.account.findUnique({ where: { id: accountId }, select: { name: true, archivedAt: true } });
    if (account?.archivedAt) throw new ConflictError("lifecycle.accountArchived", { account: account.name });
  }
  if (role === "SYSTEM" || role === "ADMIN" || role === "MANAGER") return;
  const membership = await tx.accountTeamMember.findUnique({
    where: { accountId_memberId: { accountId, memberId: actor.memberId! } },
    select: { role: true },
  });
  if (!membership || membership.role === "VIEWER") throw new ForbiddenError(action);
  if (action === "team.change" && membership.role !== "ACCOUNT_MANAGER") throw new ForbiddenError(action);
}
