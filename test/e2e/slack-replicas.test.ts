import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase, TEST_DATABASE_URL } from "../support/databases.ts";
import { startSlackKam, type SlackKam } from "../adapters/slack/harness.ts";
import { slashCommand } from "../adapters/slack/payloads.ts";

/**
 * Two replicas of kam serve on one PostgreSQL database: a Slack retry that reaches the other
 * replica (even while the first attempt still runs) must not log the order twice. Only the core's
 * atomic claim of the idempotency key can stop it there.
 */
describe.skipIf(!TEST_DATABASE_URL)("Slack retries across replicas [postgres]", () => {
  let pg: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let a: SlackKam;
  let b: SlackKam;

  beforeAll(async () => {
    pg = await createPostgresDatabase();
    a = await startSlackKam({ DATABASE_URL: pg.url });
    // The second replica shares the database (the seed is already there: same workspace, same names).
    b = await startSlackKam({ DATABASE_URL: pg.url });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await pg?.drop();
  });

  it("logs one order when the same command reaches both replicas at once and again later", async () => {
    const db = a.kam.db.prisma;
    const before = await db.order.count();
    const payload = slashCommand(a.who, "order log ACME 10 BOLT-10", { responseUrl: a.fake.responseUrl("twice") });
    const [first, retry] = await Promise.all([a.send(payload, "form"), b.send(payload, "form", { retryNum: 1 })]);
    expect([first.status, retry.status]).toEqual([200, 200]);
    const late = await b.send(payload, "form", { retryNum: 2 });
    expect(late.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await db.order.count()).toBe(before + 1);
  });
});
