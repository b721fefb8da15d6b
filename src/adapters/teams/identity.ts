import { TeamsInfo, type TurnContext } from "botbuilder";
import { toLocale } from "../../core/i18n/index.ts";
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
 * Maps the tenant to an organization and the sender (Azure AD object id) to a member. On first
 * contact the member's email is asked of Teams (one connector call) so that a person already known
 * from Slack is recognised; later messages cost two indexed reads.
 */
export async function identify(db: PrismaClient, context: TurnContext, logger: Logger): Promise<TeamsIdentity> {
  const activity = context.activity;
  const tenantId = tenantOf(context);
  const team = (activity.channelData as { team?: { name?: string } } | undefined)?.team?.name;
  const organization = await organizationForWorkspace(db, "TEAMS", tenantId, team ?? `Teams tenant ${tenantId}`);
  const from = activity.from;
  const externalId = from.aadObjectId || from.id;
  const identity = await db.memberIdentity.findUnique({
    where: { organizationId_platform_externalId: { organizationId: organization.id, platform: "TEAMS", externalId } },
    select: { memberId: true, mentionId: true, id: true },
  });
  if (identity) {
    if (identity.mentionId !== from.id) {
      await db.memberIdentity.update({ where: { id: identity.id }, data: { mentionId: from.id, refreshedAt: new Date() } });
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
    locale: toLocale(activity.locale) ?? null,
    mentionId: from.id,
  });
  return { organizationId: organization.id, memberId: member.id };
}
