import { expect, it } from "vitest";
import { authenticateApiToken, createApiToken, hashApiToken, listApiTokens, revokeApiToken } from "../../src/domain/api-tokens.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../../src/domain/errors.ts";
import { chat, replyText } from "../support/chat.ts";
import { TEST_NOW } from "../support/clock.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { rejects, twoOrganizations } from "../support/domain-fixtures.ts";
import { newMember } from "../support/fixtures.ts";

describeEachDatabase("API tokens", (get) => {
  it("shows a token once, keeps only its sha-256, and lets it in until it is revoked", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const created = await createApiToken(db, a.actor, { name: "erp" });
    expect(created.token).toMatch(/^kam_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(`${created.token.slice(0, 12)}…`);

    const row = await db.apiToken.findFirstOrThrow({ where: { organizationId: a.org.id, name: "erp" } });
    expect(row.hash).toBe(hashApiToken(created.token));
    // The token is nowhere in the database: not in the token row, not in the audit trail.
    const audit = await db.auditEvent.findMany({ where: { organizationId: a.org.id, entityType: "ApiToken" } });
    expect(audit.map((e) => e.action)).toEqual(["token.create"]);
    expect(JSON.stringify([row, audit])).not.toContain(created.token.slice(4));

    const later = new Date(TEST_NOW.getTime() + 3_600_000);
    expect(await authenticateApiToken(db, created.token, later)).toEqual({ organizationId: a.org.id, tokenId: row.id, tokenName: "erp" });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: row.id } })).lastUsedAt).toEqual(later);
    expect(await authenticateApiToken(db, `${created.token.slice(0, -1)}x`, later)).toBeNull();
    expect(await authenticateApiToken(db, "", later)).toBeNull();

    await revokeApiToken(db, a.actor, { name: "ERP" });
    expect(await authenticateApiToken(db, created.token, later)).toBeNull();
    const [listed] = await listApiTokens(db, a.actor);
    expect(listed).toMatchObject({ name: "erp", prefix: created.prefix, revokedAt: TEST_NOW, lastUsedAt: later });
    await rejects(revokeApiToken(db, a.actor, { name: "erp" }), ConflictError, "error.tokenRevoked");
    // A revoked token keeps its name.
    await rejects(createApiToken(db, a.actor, { name: "Erp" }), ConflictError, "error.tokenExists");
  });

  it("is for admins only, and one organization never sees or revokes another's tokens", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    await createApiToken(db, a.actor, { name: "erp" });
    const manager = await newMember(db, a.org.id, "Mia Manager");
    await db.member.update({ where: { id: manager.member.id }, data: { orgRole: "MANAGER" } });
    for (const actor of [a.viewer.actor, a.outsider.actor, manager.actor]) {
      await rejects(createApiToken(db, actor, { name: "mine" }), ForbiddenError);
      await rejects(listApiTokens(db, actor), ForbiddenError);
      await rejects(revokeApiToken(db, actor, { name: "erp" }), ForbiddenError);
    }
    expect(await listApiTokens(db, a.b.actor)).toEqual([]);
    await rejects(revokeApiToken(db, a.b.actor, { name: "erp" }), NotFoundError);
    // B may use the same name for its own token.
    await createApiToken(db, a.b.actor, { name: "erp" });
    expect(await db.apiToken.count({ where: { name: "erp", revokedAt: null } })).toBeGreaterThanOrEqual(2);
  });

  it("answers token create|list|revoke in chat, keeping the new token with the caller and out of the retry store", async () => {
    const db = get().prisma;
    const a = await twoOrganizations(db);
    const admin = chat(db, a.actor, { channelId: "C-API-TOKENS" });
    const created = await admin.say("token create erp-prod", { idempotencyKey: "token-create-1" });
    expect(created.ok).toBe(true);
    // Although the command writes, its reply is never announced to the channel.
    expect(created.visibility).toBe("caller");
    const token = /kam_[A-Za-z0-9_-]{43}/.exec(replyText(created))?.[0];
    expect(token).toBeDefined();
    expect(replyText(created)).toMatch(/shown only this once/);
    expect(await db.processedEvent.count({ where: { key: "SLACK:token-create-1" } })).toBe(0);
    expect(JSON.stringify(await db.processedEvent.findMany())).not.toContain(token!.slice(4));
    expect(await authenticateApiToken(db, token!, TEST_NOW)).toMatchObject({ organizationId: a.org.id });

    const listed = replyText(await admin.say("token list"));
    expect(listed).toMatch(/erp-prod/);
    expect(listed).toContain(token!.slice(0, 12));
    expect(listed).not.toContain(token!.slice(12));

    const revoked = await admin.say("token revoke erp-prod");
    expect(replyText(revoked)).toMatch(/revoked/);
    expect(await authenticateApiToken(db, token!, TEST_NOW)).toBeNull();

    // A Teams channel has no answers for one person alone: the token is not made there.
    const inChannel = await chat(db, { ...a.actor, platform: "TEAMS" }).say("token create teams-channel", { privateReplies: false });
    expect(inChannel.ok).toBe(false);
    expect(replyText(inChannel)).toMatch(/personal chat/);
    expect(await db.apiToken.count({ where: { organizationId: a.org.id, name: "teams-channel" } })).toBe(0);

    const viewer = await chat(db, a.viewer.actor).say("token create mine");
    expect(viewer.ok).toBe(false);
    expect(replyText(viewer)).toMatch(/Only an organization admin can manage API tokens/);
    expect(await db.apiToken.count({ where: { organizationId: a.org.id, name: "mine" } })).toBe(0);

    await db.member.update({ where: { id: a.admin.id }, data: { locale: "de" } });
    const german = await chat(db, a.actor).say("token create");
    expect(german.ok).toBe(false);
    expect(replyText(german)).toMatch(/token create <name>/);
    expect(replyText(await chat(db, a.actor).say("token list"))).toMatch(/widerrufen am/);
    expect(replyText(await chat(db, a.actor).say("help tokens"))).toMatch(/token revoke <name>/);
  });
});
