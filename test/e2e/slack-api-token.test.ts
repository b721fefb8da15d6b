import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSlackKam, type SlackKam } from "../adapters/slack/harness.ts";
import { slashCommand } from "../adapters/slack/payloads.ts";
import { createPostgresDatabase, TEST_DATABASE_URL } from "../support/databases.ts";

/**
 * An admin creates an API token with `/kam token create` in a Slack channel: only they see it
 * (ephemeral), the ERP system uses it on the same kam's /api/v1, and `/kam token revoke` shuts it out.
 */
function tokenSuite(kind: "pglite" | "postgres") {
  let pg: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  let s: SlackKam;
  let n = 0;
  beforeAll(async () => {
    pg = kind === "postgres" ? await createPostgresDatabase() : undefined;
    s = await startSlackKam(pg ? { DATABASE_URL: pg.url } : {});
  });
  afterAll(async () => {
    await s?.stop();
    await pg?.drop();
  });

  async function say(text: string) {
    const id = `token${++n}`;
    const res = await s.send(slashCommand(s.who, text, { responseUrl: s.fake.responseUrl(id) }), "form");
    expect(res.status).toBe(200);
    const [answer] = await s.fake.waitFor(`response:${id}`);
    return { type: answer!.args.response_type, text: `${String(answer!.args.text)} ${JSON.stringify(answer!.args.blocks ?? [])}` };
  }
  const api = (token: string, path = "/accounts") => fetch(`${s.kam.http.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });

  it("shows the token to the admin alone, lets the ERP in with it, and shuts it out once revoked", async () => {
    const created = await say("token create erp-prod");
    expect(created.type).toBe("ephemeral");
    const token = /kam_[A-Za-z0-9_-]{43}/.exec(created.text)?.[0];
    expect(token, created.text).toBeDefined();
    // Nothing about the token was posted to the channel.
    expect(s.fake.calls.filter((c) => c.method === "chat.postMessage" && JSON.stringify(c.args).includes(token!))).toEqual([]);

    // Nor kept for Slack's retries: no idempotency record or deferred note holds it.
    const db = s.kam.db.prisma;
    expect(JSON.stringify([await db.processedEvent.findMany(), await db.deferredCommand.findMany()])).not.toContain(token!.slice(4));
    const res = await api(token!);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { name: string }[] }).data.map((a) => a.name)).toEqual(["ACME Holding GmbH"]);

    const listed = await say("token list");
    expect(listed.text).toContain(token!.slice(0, 12));
    expect(listed.text).not.toContain(token!);

    expect((await say("token revoke erp-prod")).text).toMatch(/revoked/);
    expect((await api(token!)).status).toBe(401);
  });
}

describe("API tokens from Slack [pglite]", () => tokenSuite("pglite"));
(TEST_DATABASE_URL ? describe : describe.skip)("API tokens from Slack [postgres]", () => tokenSuite("postgres"));
