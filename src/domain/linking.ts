import { createHash, randomInt } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { DomainError } from "./errors.ts";
import { requireOrg } from "./permissions.ts";
import { audit, inTransaction } from "./tx.ts";

/**
 * Joining a Slack workspace and a Teams tenant into one organization: an admin of the organization
 * that keeps its data runs `link` and gets a one-time code (valid 15 minutes, stored only as a
 * hash); an admin on the other platform enters it, and that side's workspace, members and
 * conversations move into the code's organization.
 */
export const LINK_CODE_TTL_MS = 15 * 60 * 1000;

// No 0/O, 1/I/L: codes are read aloud and typed from another screen.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LENGTH = 8;

export function normalizeLinkCode(code: string): string {
  return code.toUpperCase().replace(/[^0-9A-Z]/g, "");
}

function hashCode(code: string): string {
  return createHash("sha256").update(`kam-link:${normalizeLinkCode(code)}`).digest("hex");
}

export class LinkError extends DomainError {
  constructor(reason: "invalid" | "expired" | "used" | "sameOrganization" | "hasAccounts", params: Record<string, string | number> = {}) {
    // The messages live with the linking strings in the "teams" catalog namespace.
    super(`teams:link.${reason}`, params);
    this.reason = reason;
  }
  readonly reason: string;
}

export interface LinkCode {
  /** Shown once, as XXXX-XXXX. */
  code: string;
  expiresAt: Date;
}

export async function createLinkCode(db: PrismaClient, actor: Actor): Promise<LinkCode> {
  const now = actor.now;
  let raw = "";
  for (let i = 0; i < CODE_LENGTH; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
  const code = `${raw.slice(0, 4)}-${raw.slice(4)}`;
  const expiresAt = new Date(now.getTime() + LINK_CODE_TTL_MS);
  await inTransaction(db, async (tx) => {
    await requireOrg(tx, actor, "workspace.link");
    const row = await tx.linkCode.create({
      data: { organizationId: actor.organizationId, codeHash: hashCode(code), createdById: actor.memberId, expiresAt },
    });
    await audit(tx, actor, "link.code", "LinkCode", row.id, { expiresAt: expiresAt.toISOString() });
  });
  return { code, expiresAt };
}

export interface LinkResult {
  organizationId: string;
  organizationName: string;
  /** Workspaces (Slack workspace, Teams tenant) moved into the organization. */
  workspaces: number;
  /** Members who moved over as new members. */
  moved: number;
  /** Members matched by email whose identities joined an existing member. */
  merged: number;
  conversations: number;
}

/**
 * Joins the actor's organization (its workspaces, members, conversations) into the organization
 * that created the code, in one transaction. The joining organization must hold no accounts or
 * products yet (its data would have to be merged, which kam does not guess at).
 */
export async function redeemLinkCode(db: PrismaClient, actor: Actor, code: string): Promise<LinkResult> {
  const now = actor.now;
  const codeHash = hashCode(code);
  return inTransaction(db, async (tx) => {
    await requireOrg(tx, actor, "workspace.link");
    const row = await tx.linkCode.findUnique({ where: { codeHash } });
    if (!row || normalizeLinkCode(code).length !== CODE_LENGTH) throw new LinkError("invalid");
    if (row.usedAt) throw new LinkError("used");
    if (row.expiresAt.getTime() <= now.getTime()) throw new LinkError("expired");
    if (row.organizationId === actor.organizationId) throw new LinkError("sameOrganization");
    // Atomic: of two concurrent redemptions exactly one sees count 1.
    const claimed = await tx.linkCode.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now } });
    if (claimed.count !== 1) throw new LinkError("used");

    const from = actor.organizationId;
    const into = row.organizationId;
    const [accounts, products] = await Promise.all([
      tx.account.count({ where: { organizationId: from } }),
      tx.product.count({ where: { organizationId: from } }),
    ]);
    if (accounts + products > 0) throw new LinkError("hasAccounts", { count: accounts });

    const workspaces = await tx.workspace.updateMany({ where: { organizationId: from }, data: { organizationId: into } });

    let moved = 0;
    let merged = 0;
    const joining = await tx.member.findMany({ where: { organizationId: from }, orderBy: { createdAt: "asc" } });
    for (const member of joining) {
      const match = member.email
        ? await tx.member.findFirst({ where: { organizationId: into, email: member.email }, orderBy: { createdAt: "asc" } })
        : null;
      if (match) {
        await tx.memberIdentity.updateMany({ where: { memberId: member.id }, data: { memberId: match.id, organizationId: into } });
        await tx.conversation.updateMany({ where: { memberId: member.id }, data: { memberId: match.id } });
        await tx.member.delete({ where: { id: member.id } });
        merged++;
      } else {
        // Newcomers join as plain members; the organization's admins grant more.
        await tx.member.update({ where: { id: member.id }, data: { organizationId: into, orgRole: "MEMBER" } });
        await tx.memberIdentity.updateMany({ where: { memberId: member.id }, data: { organizationId: into } });
        moved++;
      }
    }
    const conversations = await tx.conversation.updateMany({ where: { organizationId: from }, data: { organizationId: into } });
    // Bindings without an account (the managers' digest channel) come along unless one exists already.
    const bindings = await tx.channelBinding.findMany({ where: { organizationId: from } });
    for (const b of bindings) {
      const clash = await tx.channelBinding.findFirst({
        where: { organizationId: into, platform: b.platform, channelId: b.channelId, purpose: b.purpose },
      });
      if (!clash) await tx.channelBinding.update({ where: { id: b.id }, data: { organizationId: into } });
    }
    // Keep the history of the joining side with the organization it joined.
    await tx.auditEvent.updateMany({ where: { organizationId: from }, data: { organizationId: into } });
    const target = await tx.organization.findUniqueOrThrow({ where: { id: into } });
    await tx.organization.delete({ where: { id: from } });
    const result: LinkResult = {
      organizationId: into,
      organizationName: target.name,
      workspaces: workspaces.count,
      moved,
      merged,
      conversations: conversations.count,
    };
    await audit(tx, { ...actor, organizationId: into }, "organization.link", "Organization", into, {
      joined: from,
      linkCodeId: row.id,
      ...result,
    });
    return result;
  });
}
