import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addAccount } from "../../src/domain/accounts.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { createLinkCode } from "../../src/domain/linking.ts";
import { memberForIdentity } from "../../src/domain/members.ts";
import { organizationForWorkspace } from "../../src/domain/organizations.ts";
import { startSlackKam, type SlackKam } from "../adapters/slack/harness.ts";
import { slashCommand } from "../adapters/slack/payloads.ts";
import { createPostgresDatabase, TEST_DATABASE_URL } from "../support/databases.ts";
import { TEST_NOW } from "../support/clock.ts";

/**
 * `/kam link <code>` joins the Slack workspace into a Teams tenant's organization. The user's very
 * next command, on the replica that ran the link and on any other one, acts in the joined
 * organization: no cached organization or member from before the link answers "I don't know you".
 */
function linkSuite(kind: "pglite" | "postgres") {
  let pg: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  let a: SlackKam;
  let b: SlackKam;
  let n = 0;

  beforeAll(async () => {
    pg = kind === "postgres" ? await createPostgresDatabase() : undefined;
    const env: Record<string, string> = pg ? { DATABASE_URL: pg.url } : {};
    a = await startSlackKam(env, undefined, { seed: false });
    // On PGlite (one process per data directory) the "other replica" is the same one.
    b = pg ? await startSlackKam(env, undefined, { seed: false }) : a;
  });
  afterAll(async () => {
    await a?.stop();
    if (b !== a) await b?.stop();
    await pg?.drop();
  });

  async function say(s: SlackKam, text: string): Promise<string> {
    const id = `cmd${++n}`;
    const res = await s.send(slashCommand(s.who, text, { responseUrl: s.fake.responseUrl(id) }), "form");
    expect(res.status).toBe(200);
    const [answer] = await s.fake.waitFor(`response:${id}`);
    return `${String(answer!.args.text)} ${JSON.stringify(answer!.args.blocks ?? [])}`;
  }

  it("lets the Slack user work in the joined organization from the next command on, on every replica", async () => {
    const db = a.kam.db.prisma;
    const tenant = await organizationForWorkspace(db, "TEAMS", "tenant-link-test", "Teams Org", TEST_NOW);
    const tom = await memberForIdentity(db, tenant.id, "TEAMS", "29:tom", { displayName: "Tom Teams" }, TEST_NOW);
    const teamsAdmin: Actor = { organizationId: tenant.id, memberId: tom.id, platform: "TEAMS", now: TEST_NOW };
    await addAccount(db, teamsAdmin, { name: "Globex Teams AG", region: "DACH" });
    // kam serve redeems on its own clock; the code must still be valid then (15 minutes, any day).
    const { code } = await createLinkCode(db, { ...teamsAdmin, now: new Date() });

    // Both replicas know the user in the Slack workspace's own organization (and cache that).
    for (const s of [a, b]) expect(await say(s, "account list")).not.toMatch(/Globex/);

    expect(await say(a, `link ${code}`)).toMatch(/Linked: this workspace now belongs to Teams Org/);

    for (const s of [b, a]) {
      const answer = await say(s, "account list");
      expect(answer).not.toMatch(/don't know you/);
      expect(answer).toMatch(/Globex Teams AG/);
    }
    const workspace = await db.workspace.findFirstOrThrow({ where: { platform: "SLACK", externalId: a.who.teamId } });
    expect(workspace.organizationId).toBe(tenant.id);
  }, 60_000);
}

describe("Slack link, then the next command [pglite]", () => linkSuite("pglite"));
describe.skipIf(!TEST_DATABASE_URL)("Slack link, then the next command on another replica [postgres]", () => linkSuite("postgres"));
