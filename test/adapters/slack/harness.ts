import { loadConfig } from "../../../src/config.ts";
import { addAccount } from "../../../src/domain/accounts.ts";
import type { Actor } from "../../../src/domain/actor.ts";
import { memberForIdentity } from "../../../src/domain/members.ts";
import { organizationForWorkspace } from "../../../src/domain/organizations.ts";
import { addProduct } from "../../../src/domain/products.ts";
import { addToTeam } from "../../../src/domain/team.ts";
import { createLogger } from "../../../src/logger.ts";
import { startKam, type Kam } from "../../../src/runtime.ts";
import { FakeSlack } from "../../support/fake-slack.ts";
import { postSigned, signedRequest, type Encoding } from "../../support/slack-signing.ts";
import { TEST_NOW } from "../../support/clock.ts";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

export interface SlackKam {
  fake: FakeSlack;
  kam: Kam;
  eventsUrl: string;
  actor: Actor;
  who: { teamId: string; userId: string; channelId: string };
  send(data: Record<string, unknown>, encoding: Encoding, options?: { retryNum?: number; timestamp?: number }): ReturnType<typeof postSigned>;
  stop(): Promise<void>;
}

/**
 * kam serve as in production (startKam: one HTTP server, PORT 0, in-memory PGlite, no scheduler)
 * against a fake Slack Web API; the Slack team's organization is seeded with an account "ACME
 * Holding GmbH" and a product BOLT-10 at 2.50; the admin (U0ANNA001) is its account manager
 * (`seed: false`: the organization and its admin only).
 */
export async function startSlackKam(
  env: Record<string, string> = {},
  beforeStart?: (fake: FakeSlack) => void,
  options: { seed?: boolean } = {},
): Promise<SlackKam> {
  const fake = await new FakeSlack().start();
  beforeStart?.(fake);
  const config = loadConfig({
    PORT: "0",
    DATA_DIR: "memory",
    SLACK_BOT_TOKEN: fake.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    KAM_SCHEDULER: "off",
    KAM_TEAMS: "off",
    LOG_LEVEL: process.env.KAM_TEST_LOG ?? "silent",
    NODE_ENV: "test",
    ...env,
  });
  const kam = await startKam(config, createLogger({ level: config.LOG_LEVEL, pretty: false, destination: 2 }));
  const db = kam.db.prisma;
  const userId = "U0ANNA001";
  fake.users.set(userId, { id: userId, name: "anna", realName: "Anna Admin", email: "anna@example.com", tz: "Europe/Berlin", locale: "en-US" });
  const org = await organizationForWorkspace(db, "SLACK", fake.teamId, "Kam Test", TEST_NOW);
  const admin = await memberForIdentity(db, org.id, "SLACK", userId, { displayName: "Anna Admin", email: "anna@example.com" }, TEST_NOW);
  const actor: Actor = { organizationId: org.id, memberId: admin.id, platform: "SLACK", now: TEST_NOW };
  // Idempotent, so that a second replica on the same database finds the seed in place.
  if (options.seed !== false && !(await db.account.findFirst({ where: { organizationId: org.id, name: "ACME Holding GmbH" } }))) {
    await addAccount(db, actor, { name: "ACME Holding GmbH", region: "DACH" });
    await addProduct(db, actor, { sku: "BOLT-10", name: "Bolt M10", listPrice: { minor: 250 } });
    await addToTeam(db, actor, { account: "ACME Holding GmbH", member: userId, role: "ACCOUNT_MANAGER" });
  }
  const eventsUrl = `${kam.http.url}/slack/events`;
  return {
    fake,
    kam,
    eventsUrl,
    actor,
    who: { teamId: fake.teamId, userId, channelId: "C0ACMEORD" },
    send: (data, encoding, options = {}) => postSigned(eventsUrl, signedRequest(SIGNING_SECRET, data, encoding, options)),
    async stop() {
      await kam.stop();
      await fake.stop();
    },
  };
}
