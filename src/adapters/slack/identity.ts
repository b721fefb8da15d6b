import type { WebClient } from "@slack/web-api";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { memberForIdentity, refreshProfile, type MemberProfile } from "../../domain/members.ts";
import { organizationForWorkspace } from "../../domain/organizations.ts";
import type { Logger } from "../../logger.ts";
import type { Clock } from "../../core/clock.ts";

/** Who sent a Slack request, in kam's terms. */
export interface SlackIdentity {
  organizationId: string;
  memberId: string;
  /** The Slack user's locale ("de-DE"), when users.info gave one. */
  locale?: string;
  displayName: string;
}

interface CachedMember extends SlackIdentity {
  fetchedAt: number;
}

/**
 * Maps Slack workspaces to organizations and Slack users to members, with the profile from
 * `users.info` (name, email, time zone, locale) cached for `ttlMs`. Concurrent lookups of the same
 * user share one request; a stale entry is served while it is refreshed in the background.
 *
 * Which organization the workspace belongs to and which member the user is are read from the
 * database on every request (one indexed query), never cached: `link` moves a workspace into
 * another organization and merges its members, on whichever replica it ran, and the very next
 * request must act as the member the user is now.
 */
export class IdentityMapper {
  private members = new Map<string, CachedMember>();
  private inflight = new Map<string, Promise<CachedMember>>();

  constructor(
    private db: PrismaClient,
    private logger: Logger,
    private now: Clock,
    private ttlMs = 60 * 60 * 1000,
  ) {}

  /** The workspace's organization and the user's member in it, as the database has them now. */
  private async current(teamId: string, userId: string): Promise<{ organizationId: string; memberId: string | null } | null> {
    const rows = await this.db.$queryRaw<{ organizationId: string; memberId: string | null }[]>`
      SELECT w."organizationId", i."memberId" FROM "Workspace" w
      LEFT JOIN "MemberIdentity" i ON i."organizationId" = w."organizationId" AND i.platform = 'SLACK' AND i."externalId" = ${userId}
      WHERE w.platform = 'SLACK' AND w."externalId" = ${teamId}`;
    return rows[0] ?? null;
  }

  async organization(teamId: string, teamName?: string): Promise<string> {
    return (await organizationForWorkspace(this.db, "SLACK", teamId, teamName, this.now())).id;
  }

  async resolve(client: WebClient, teamId: string, userId: string, hints: { teamName?: string; userName?: string } = {}): Promise<SlackIdentity> {
    const current = await this.current(teamId, userId);
    const organizationId = current?.organizationId ?? (await this.organization(teamId, hints.teamName));
    const key = `${organizationId}:${userId}`;
    const cached = this.members.get(key);
    if (cached && cached.memberId === current?.memberId) {
      if (this.now().getTime() - cached.fetchedAt > this.ttlMs && !this.inflight.has(key)) {
        void this.load(client, key, organizationId, userId, hints.userName).catch((error: unknown) =>
          this.logger.warn({ err: error, userId }, "slack profile refresh failed"),
        );
      }
      return cached;
    }
    // New here, or the user's member changed (linked, merged, removed): look them up again.
    if (cached) this.members.delete(key);
    return this.load(client, key, organizationId, userId, hints.userName);
  }

  private load(client: WebClient, key: string, organizationId: string, userId: string, userName?: string): Promise<CachedMember> {
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.fetch(client, organizationId, userId, userName).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async fetch(client: WebClient, organizationId: string, userId: string, userName?: string): Promise<CachedMember> {
    const profile = await this.profile(client, userId);
    const member = await memberForIdentity(this.db, organizationId, "SLACK", userId, profile ?? { displayName: userName ?? userId }, this.now());
    let current = member;
    if (
      profile &&
      (member.displayName !== profile.displayName.slice(0, 120) ||
        (profile.email && member.email !== profile.email.toLowerCase()) ||
        (profile.timeZone && member.timeZone !== profile.timeZone) ||
        (profile.locale && member.locale !== profile.locale))
    ) {
      current = await refreshProfile(this.db, member.id, profile);
    }
    const entry: CachedMember = {
      organizationId,
      memberId: current.id,
      displayName: current.displayName,
      fetchedAt: this.now().getTime(),
      ...(profile?.locale ? { locale: profile.locale } : {}),
    };
    this.members.set(`${organizationId}:${userId}`, entry);
    return entry;
  }

  /** The Slack profile, or null when users.info is not available (missing scope, API down). */
  private async profile(client: WebClient, userId: string): Promise<MemberProfile | null> {
    try {
      const result = await client.users.info({ user: userId, include_locale: true });
      const user = result.user;
      if (!user) return null;
      const displayName = user.profile?.real_name || user.real_name || user.profile?.display_name || user.name || userId;
      return {
        displayName,
        email: user.profile?.email ?? null,
        timeZone: user.tz ?? null,
        locale: user.locale ?? null,
      };
    } catch (error) {
      this.logger.warn({ err: error, userId }, "users.info failed; using what the payload says");
      return null;
    }
  }

  /** Slack user ids of members (for mentions). */
  async slackUsers(organizationId: string, memberIds: string[]): Promise<Map<string, string>> {
    if (memberIds.length === 0) return new Map();
    const rows = await this.db.memberIdentity.findMany({
      where: { organizationId, platform: "SLACK", memberId: { in: memberIds } },
      select: { memberId: true, externalId: true },
    });
    return new Map(rows.map((r) => [r.memberId, r.externalId]));
  }
}
