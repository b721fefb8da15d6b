import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Platform, DeliveryPreference } from "../generated/prisma/enums.ts";
import { z } from "zod";
import type { Actor } from "./actor.ts";
import { assertVersion, auditChange, diffFields } from "./changes.ts";
import { ConflictError } from "./errors.ts";
import * as limits from "./limits.ts";
import { resolveMember } from "./references.ts";
import { validate } from "./validate.ts";
import { requireOrg } from "./permissions.ts";
import { audit, inTransaction } from "./tx.ts";

export interface MemberProfile {
  displayName: string;
  email?: string | null;
  timeZone?: string | null;
  locale?: string | null;
  mentionId?: string | null;
}

/**
 * The member behind a platform user id, created on first contact. The first member of an
 * organization becomes its admin so that a fresh workspace works at once. A member already
 * known on another platform with the same email is reused (cross-platform matching).
 */
export async function memberForIdentity(
  db: PrismaClient,
  organizationId: string,
  platform: Platform,
  externalId: string,
  profile: MemberProfile,
  now: Date,
) {
  const identity = await db.memberIdentity.findUnique({
    where: { organizationId_platform_externalId: { organizationId, platform, externalId } },
    include: { member: true },
  });
  if (identity) return identity.member;
  try {
    return await inTransaction(db, async (tx) => {
      // Serialize first contacts per organization so exactly one member becomes the first admin.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${organizationId}))`;
      const again = await tx.memberIdentity.findUnique({
        where: { organizationId_platform_externalId: { organizationId, platform, externalId } },
        include: { member: true },
      });
      if (again) return again.member;
      const email = profile.email?.trim().toLowerCase() || null;
      const sameEmail = email ? await tx.member.findFirst({ where: { organizationId, email } }) : null;
      const count = sameEmail ? 1 : await tx.member.count({ where: { organizationId } });
      const member =
        sameEmail ??
        (await tx.member.create({
          data: {
            organizationId,
            displayName: profile.displayName.slice(0, 120) || externalId,
            email,
            timeZone: profile.timeZone ?? null,
            locale: profile.locale ?? null,
            orgRole: count === 0 ? "ADMIN" : "MEMBER",
          },
        }));
      await tx.memberIdentity.create({
        data: { organizationId, memberId: member.id, platform, externalId, mentionId: profile.mentionId ?? null },
      });
      await audit(tx, { organizationId, memberId: member.id, platform, now }, sameEmail ? "member.link" : "member.create", "Member", member.id, {
        platform,
        externalId,
        orgRole: member.orgRole,
      });
      return member;
    });
  } catch (error) {
    const again = await db.memberIdentity.findUnique({
      where: { organizationId_platform_externalId: { organizationId, platform, externalId } },
      include: { member: true },
    });
    if (again) return again.member;
    throw error;
  }
}

/** Refreshes what the platform says of a member (name, email, time zone, locale). */
export async function refreshProfile(db: PrismaClient, memberId: string, profile: MemberProfile) {
  return db.member.update({
    where: { id: memberId },
    data: {
      displayName: profile.displayName.slice(0, 120),
      ...(profile.email ? { email: profile.email.toLowerCase() } : {}),
      ...(profile.timeZone ? { timeZone: profile.timeZone } : {}),
      ...(profile.locale ? { locale: profile.locale } : {}),
    },
  });
}

export async function setMemberPreferences(
  db: PrismaClient,
  actor: Actor,
  prefs: { locale?: string; timeZone?: string; deliverVia?: DeliveryPreference },
) {
  return inTransaction(db, async (tx) => {
    const member = await tx.member.update({ where: { id: actor.memberId!, organizationId: actor.organizationId }, data: prefs });
    await audit(tx, actor, "member.preferences", "Member", member.id, prefs);
    return member;
  });
}

export async function setOrgRole(db: PrismaClient, actor: Actor, memberId: string, orgRole: "ADMIN" | "MANAGER" | "MEMBER") {
  return inTransaction(db, async (tx) => {
    await requireOrg(tx, actor, "settings.change");
    const member = await tx.member.update({ where: { id: memberId, organizationId: actor.organizationId }, data: { orgRole } });
    await audit(tx, actor, "member.role", "Member", member.id, { orgRole });
    return member;
  });
}

export const ORG_ROLES = ["ADMIN", "MANAGER", "MEMBER"] as const;

/**
 * An organization role, set by an admin. The last admin cannot be demoted (nobody could change
 * settings or roles any more); role changes of one organization are serialized so that two admins
 * demoting each other at once cannot leave it without one.
 */
export async function changeMemberRole(
  db: PrismaClient,
  actor: Actor,
  input: { member: string; role: (typeof ORG_ROLES)[number]; expectedVersion?: number },
) {
  const data = validate(z.object({ member: limits.reference, role: z.enum(ORG_ROLES), expectedVersion: z.number().int().min(1).optional() }), input);
  return inTransaction(db, async (tx) => {
    await requireOrg(tx, actor, "settings.change");
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`member.role:${actor.organizationId}`}))`;
    const member = await resolveMember(tx, actor.organizationId, data.member);
    await assertVersion(tx, actor.organizationId, member, member.displayName, data.expectedVersion);
    if (member.orgRole === data.role) throw new ConflictError("lifecycle.unchanged", { ref: member.displayName });
    if (member.orgRole === "ADMIN") {
      const admins = await tx.member.count({ where: { organizationId: actor.organizationId, orgRole: "ADMIN" } });
      if (admins <= 1) throw new ConflictError("lifecycle.lastAdmin", { member: member.displayName });
    }
    const updated = await tx.member.update({ where: { id: member.id }, data: { orgRole: data.role, version: { increment: 1 } } });
    await auditChange(tx, actor, "member.role", "Member", member.id, updated.version, diffFields(member, updated, ["orgRole"]));
    return updated;
  });
}
