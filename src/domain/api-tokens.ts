import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { ApiToken, PrismaClient } from "../generated/prisma/client.ts";
import type { Actor } from "./actor.ts";
import { ConflictError, NotFoundError } from "./errors.ts";
import { requireOrg } from "./permissions.ts";
import { audit, inTransaction } from "./tx.ts";
import { validate } from "./validate.ts";
import { equalsIgnoringCase } from "./ignoring-case.ts";

/**
 * Organization tokens for the HTTP API (src/adapters/api). A token is `kam_` and 32 random bytes
 * (base64url); kam keeps only its sha-256. A slow password hash (bcrypt, scrypt) buys nothing here:
 * it protects guessable secrets, and 256 random bits cannot be guessed; it would cost every API
 * request tens of milliseconds and forbid finding the token by its hash in a unique index.
 */
export const TOKEN_PREFIX = "kam_";
const SHOWN_CHARACTERS = 8;
/** lastUsedAt is written at most once a minute per token, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const tokenName = z.string().trim().min(1).max(60).regex(/^[\p{L}\p{N}][\p{L}\p{N} ._\-]*$/u);

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface TokenView {
  name: string;
  /** The first characters of the token, followed by an ellipsis: enough to tell tokens apart. */
  prefix: string;
  createdAt: Date;
  createdById: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

function view(row: ApiToken): TokenView {
  return { name: row.name, prefix: row.prefix, createdAt: row.createdAt, createdById: row.createdById, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}

/** Creates a token; the returned `token` is the only time it exists in clear. Admins only. */
export async function createApiToken(db: PrismaClient, actor: Actor, input: { name: string }): Promise<TokenView & { token: string }> {
  const name = validate(tokenName, input.name);
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const prefix = `${token.slice(0, TOKEN_PREFIX.length + SHOWN_CHARACTERS)}…`;
  return inTransaction(db, async (tx) => {
    await requireOrg(tx, actor, "token.manage");
    const clash = await tx.apiToken.findFirst({ where: { organizationId: actor.organizationId, name: equalsIgnoringCase(name) } });
    if (clash) throw new ConflictError("error.tokenExists", { name: clash.name });
    const row = await tx.apiToken.create({
      data: { organizationId: actor.organizationId, name, hash: hashApiToken(token), prefix, createdById: actor.memberId, createdAt: actor.now },
    });
    // Never the token itself, nor its hash: the audit trail is readable by more people than admins.
    await audit(tx, actor, "token.create", "ApiToken", row.id, { name, prefix });
    return { ...view(row), token };
  });
}

export async function listApiTokens(db: PrismaClient, actor: Actor): Promise<TokenView[]> {
  return inTransaction(db, async (tx) => {
    await requireOrg(tx, actor, "token.manage");
    const rows = await tx.apiToken.findMany({ where: { organizationId: actor.organizationId }, orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { name: "asc" }] });
    return rows.map(view);
  });
}

/** Revokes a token by name: from this moment every request with it gets 401. Admins only. */
export async function revokeApiToken(db: PrismaClient, actor: Actor, input: { name: string }): Promise<TokenView> {
  const name = validate(tokenName, input.name);
  return inTransaction(db, async (tx) => {
    await requireOrg(tx, actor, "token.manage");
    const row = await tx.apiToken.findFirst({ where: { organizationId: actor.organizationId, name: equalsIgnoringCase(name) } });
    if (!row) throw new NotFoundError("token", name);
    if (row.revokedAt) throw new ConflictError("error.tokenRevoked", { name: row.name });
    const revoked = await tx.apiToken.update({ where: { id: row.id }, data: { revokedAt: actor.now } });
    await audit(tx, actor, "token.revoke", "ApiToken", row.id, { name: row.name, prefix: row.prefix });
    return view(revoked);
  });
}

export interface ApiCaller {
  organizationId: string;
  tokenId: string;
  tokenName: string;
}

/**
 * The organization a bearer token stands for, or null for an unknown or revoked token. The token
 * is found by its hash; the stored hash is compared in constant time all the same.
 */
export async function authenticateApiToken(db: PrismaClient, token: string, now: Date): Promise<ApiCaller | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const hash = hashApiToken(token);
  const row = await db.apiToken.findUnique({ where: { hash } });
  if (!row || row.revokedAt) return null;
  if (!timingSafeEqual(Buffer.from(row.hash, "hex"), Buffer.from(hash, "hex"))) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db.apiToken.updateMany({ where: { id: row.id, revokedAt: null }, data: { lastUsedAt: now } });
  }
  return { organizationId: row.organizationId, tokenId: row.id, tokenName: row.name };
}
