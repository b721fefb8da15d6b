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

/**
 * `requireAccount` for many accounts at once (an import of a history that names hundreds): three
 * queries whatever their number. Returns the refusal of each account refused; the others may be written.
 */
export async function accountRefusals(tx: Tx, actor: Actor, action: AccountAction, accountIds: string[]): Promise<Map<string, ConflictError | ForbiddenError>> {
  const refusals = new Map<string, ConflictError | ForbiddenError>();
  if (accountIds.length === 0) return refusals;
  const role = await orgRole(tx, actor);
  const archived = await tx.account.findMany({ where: { id: { in: accountIds }, archivedAt: { not: null } }, select: { id: true, name: true } });
  for (const a of archived) refusals.set(a.id, new ConflictError("lifecycle.accountArchived", { account: a.name }));
  if (role === "SYSTEM" || role === "ADMIN" || role === "MANAGER") return refusals;
  const memberships = await tx.accountTeamMember.findMany({ where: { accountId: { in: accountIds }, memberId: actor.memberId! }, select: { accountId: true, role: true } });
  const roles = new Map(memberships.map((m) => [m.accountId, m.role]));
  for (const id of accountIds) {
    if (refusals.has(id)) continue;
    const memberRole = roles.get(id);
    if (!memberRole || memberRole === "VIEWER" || (action === "team.change" && memberRole !== "ACCOUNT_MANAGER")) refusals.set(id, new ForbiddenError(action));
  }
  return refusals;
}
