import { expect, it } from "vitest";
import { createLinkCode, LINK_CODE_TTL_MS, LinkError, redeemLinkCode } from "../../../src/domain/linking.ts";
import { memberForIdentity } from "../../../src/domain/members.ts";
import { organizationForWorkspace } from "../../../src/domain/organizations.ts";
import { addAccount } from "../../../src/domain/accounts.ts";
import { ForbiddenError } from "../../../src/domain/errors.ts";
import { describeEachDatabase } from "../../support/databases.ts";
import { newMember, newOrganization, uniqueId } from "../../support/fixtures.ts";
import { TEST_NOW } from "../../support/clock.ts";

/** Link codes and the join of a Teams tenant's organization into a Slack workspace's. */
describeEachDatabase("linking", (get) => {
  async function teamsTenant(email?: string) {
    const db = get().prisma;
    const org = await organizationForWorkspace(db, "TEAMS", uniqueId("tenant-"), "Contoso tenant", TEST_NOW);
    const admin = await memberForIdentity(db, org.id, "TEAMS", uniqueId("aad-"), { displayName: "Tina Teams", email: email ?? null, mentionId: `29:${uniqueId("")}` }, TEST_NOW);
    return { org, admin, actor: { organizationId: org.id, memberId: admin.id, platform: "TEAMS" as const, now: TEST_NOW } };
  }

  it("stores only a hash of the code, valid for 15 minutes", async () => {
    const db = get().prisma;
    const slack = await newOrganization(db);
    const now = new Date("2026-11-26T10:00:00Z");
    const { code, expiresAt } = await createLinkCode(db, { ...slack.actor, now });
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(expiresAt.getTime() - now.getTime()).toBe(LINK_CODE_TTL_MS);
    const row = await db.linkCode.findFirstOrThrow({ where: { organizationId: slack.org.id } });
    expect(row.codeHash).not.toContain(code.replace("-", ""));
    expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("lets only admins make and enter codes", async () => {
    const db = get().prisma;
    const slack = await newOrganization(db);
    const plain = await newMember(db, slack.org.id, "Pat Plain");
    await expect(createLinkCode(db, plain.actor)).rejects.toBeInstanceOf(ForbiddenError);
    const { code } = await createLinkCode(db, slack.actor);
    const teams = await teamsTenant();
    const teamsPlain = await memberForIdentity(db, teams.org.id, "TEAMS", uniqueId("aad-"), { displayName: "Tom" }, TEST_NOW);
    await expect(redeemLinkCode(db, { organizationId: teams.org.id, memberId: teamsPlain.id, platform: "TEAMS", now: TEST_NOW }, code)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("moves the workspace, merges members by email, moves the rest as members, and is used once", async () => {
    const db = get().prisma;
    const slack = await newOrganization(db);
    const email = `${uniqueId("maria")}@example.com`;
    const maria = await memberForIdentity(db, slack.org.id, "SLACK", uniqueId("U"), { displayName: "Maria", email }, TEST_NOW);
    const { code } = await createLinkCode(db, slack.actor);
    const teams = await teamsTenant(email.toUpperCase());
    const other = await memberForIdentity(db, teams.org.id, "TEAMS", uniqueId("aad-"), { displayName: "Olaf", email: "olaf@example.com" }, TEST_NOW);
    await db.conversation.create({ data: { organizationId: teams.org.id, platform: "TEAMS", conversationId: uniqueId("a:"), kind: "personal", memberId: teams.admin.id } });

    const result = await redeemLinkCode(db, teams.actor, code.toLowerCase().replace("-", " "));
    expect(result).toMatchObject({ organizationId: slack.org.id, workspaces: 1, moved: 1, merged: 1, conversations: 1 });
    expect(await db.organization.findUnique({ where: { id: teams.org.id } })).toBeNull();
    const identities = await db.memberIdentity.findMany({ where: { memberId: maria.id } });
    expect(identities.map((i) => i.platform).sort()).toEqual(["SLACK", "TEAMS"]);
    expect(identities.every((i) => i.organizationId === slack.org.id)).toBe(true);
    expect(await db.member.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ organizationId: slack.org.id, orgRole: "MEMBER" });
    expect(await db.conversation.findFirstOrThrow({ where: { memberId: maria.id } })).toMatchObject({ organizationId: slack.org.id });
    // The tenant now resolves to the Slack workspace's organization.
    const tenant = await db.workspace.findFirstOrThrow({ where: { platform: "TEAMS", organizationId: slack.org.id } });
    expect((await organizationForWorkspace(db, "TEAMS", tenant.externalId, undefined, TEST_NOW)).id).toBe(slack.org.id);

    const again = await teamsTenant();
    await expect(redeemLinkCode(db, again.actor, code)).rejects.toMatchObject({ reason: "used" });
  });

  it("refuses expired, unknown and same-organization codes, and an organization that has accounts, changing nothing", async () => {
    const db = get().prisma;
    const slack = await newOrganization(db);
    const teams = await teamsTenant();
    const old = await createLinkCode(db, { ...slack.actor, now: new Date(TEST_NOW.getTime() - LINK_CODE_TTL_MS - 1000) });
    await expect(redeemLinkCode(db, teams.actor, old.code)).rejects.toMatchObject({ reason: "expired" });
    await expect(redeemLinkCode(db, teams.actor, "ABCD-EFGH")).rejects.toBeInstanceOf(LinkError);
    const own = await createLinkCode(db, teams.actor);
    await expect(redeemLinkCode(db, teams.actor, own.code)).rejects.toMatchObject({ reason: "sameOrganization" });

    await addAccount(db, teams.actor, { name: "Initech" });
    const { code } = await createLinkCode(db, slack.actor);
    await expect(redeemLinkCode(db, teams.actor, code)).rejects.toMatchObject({ reason: "hasAccounts", params: { count: 1 } });
    expect(await db.workspace.count({ where: { organizationId: teams.org.id } })).toBe(1);
    expect((await db.linkCode.findFirstOrThrow({ where: { organizationId: slack.org.id, expiresAt: { gt: TEST_NOW } } })).usedAt).toBeNull();
  });

  it("lets exactly one of two concurrent redemptions win", async () => {
    const db = get().prisma;
    const slack = await newOrganization(db);
    const { code } = await createLinkCode(db, slack.actor);
    const a = await teamsTenant();
    const b = await teamsTenant();
    const results = await Promise.allSettled([redeemLinkCode(db, a.actor, code), redeemLinkCode(db, b.actor, code)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(failed.reason).toMatchObject({ reason: "used" });
  });
});
