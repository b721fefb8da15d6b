import { TeamsInfo, type TurnContext } from "botbuilder";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { memberForIdentity } from "../../domain/members.ts";
import { organizationForWorkspace } from "../../domain/organizations.ts";
import type { Logger } from "../../logger.ts";

export interface TeamsIdentity {
  organizationId: string;
  memberId: string;
}

/** The tenant an activity comes from (Teams puts it in channelData; the conversation has it too). */
export function tenantOf(context: TurnContext): string {
  const activity = context.activity;
  const channelData = activity.channelData as { tenant?: { id?: string } } | undefined;
  return channelData?.tenant?.id ?? activity.conversation?.tenantId ?? "unknown-tenant";
}

/**
 * Who is who, remembered for a minute in this process: tenant → organization, Azure AD object id
 * → member. It saves two database reads on every message; a minute bounds how long another
 * replica's link (which moves a tenant into another organization) can go unnoticed here, and
 * this process forgets everything at once when it ran a link itself.
 */
export class IdentityCache {
  private readonly entries = new Map<string, { value: string; until: number }>();
  constructor(private readonly ttlMs = 60_000, private readonly max = 50_000) {}
  get(key: string): string | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }
  set(key: string, value: string): void {
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(key, { value, until: Date.now() + this.ttlMs });
  }
  clear(): void {
    this.entries.clear();
  }
}

/**
 * Maps the tenant to an organization and the sender (Azure AD object id) to a member. On first
 * contact the member's email is asked of Teams (one connector call) so that a person already known
 * from Slack is recognised; later messages cost two indexed reads, or none while cached.
 */
export async function identify(db: PrismaClient, context: TurnContext, logger: Logger, now: Date, cache?: IdentityCache): Promise<TeamsIdentity> {
  const activity = context.activity;
  const tenantId = tenantOf(context);
  const from = activity.from;
  const externalId = from.aadObjectId || from.id;
  const cachedOrg = cache?.get(`tenant|${tenantId}`);
  if (cachedOrg) {
    const cachedMember = cache?.get(`member|${cachedOrg}|${externalId}|${from.id}`);
    if (cachedMember) return { organizationId: cachedOrg, memberId: cachedMember };
  }
  const who = await lookup(db, context, logger, tenantId, externalId, now);
  cache?.set(`tenant|${tenantId}`, who.organizationId);
  cache?.set(`member|${who.organizationId}|${externalId}|${from.id}`, who.memberId);
  return who;
}

async function lookup(db: PrismaClient, context: TurnContext, logger: Logger, tenantId: string, externalId: string, now: Date): Promise<TeamsIdentity> {
  const activity = context.activity;
  const team = (activity.channelData as { team?: { name?: string } } | undefined)?.team?.name;
  const organization = await organizationForWorkspace(db, "TEAMS", tenantId, team ?? `Teams tenant ${tenantId}`, now);
  const from = activity.from;
  const identity = await db.memberIdentity.findUnique({
    where: { organizationId_platform_externalId: { organizationId: organization.id, platform: "TEAMS", externalId } },
    select: { memberId: true, mentionId: true, id: true },
  });
  if (identity) {
    if (identity.mentionId !== from.id) {
      await db.memberIdentity.update({ where: { id: identity.id }, data: { mentionId: from.id, refreshedAt: now } });
    }
    return { organizationId: organization.id, memberId: identity.memberId };
  }
  let email: string | undefined;
  let displayName = from.name || externalId;
  try {
    const account = await TeamsInfo.getMember(context, from.id);
    email = account.email || (account.userPrincipalName?.includes("@") ? account.userPrincipalName : undefined);
    displayName = account.name || displayName;
  } catch (error) {
    logger.debug({ err: (error as Error).message }, "teams: member profile not available");
  }
  const member = await memberForIdentity(db, organization.id, "TEAMS", externalId, {
    displayName,
    email: email ?? null,
    // No locale: the Teams client's language comes with every activity (ChatRequest.locale) and
    // should follow the client; a member's own locale is what they choose in kam's settings.
    mentionId: from.id,
  }, now);
  return { organizationId: organization.id, memberId: member.id };
}
