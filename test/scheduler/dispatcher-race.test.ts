import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackNotifier } from "../../src/adapters/slack/notifier.ts";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { Dispatcher } from "../../src/scheduler/dispatcher.ts";
import { createPostgresDatabase, TEST_DATABASE_URL } from "../support/databases.ts";
import { FakeSlack } from "../support/fake-slack.ts";

/**
 * Dispatchers racing for one outbox (no crash needed): each with its own database pool, all
 * draining at once, several rounds. Under READ COMMITTED a claim that tested the row's state only
 * in its snapshot claimed rows another dispatcher had just claimed; counted at the fake Slack,
 * every row must arrive exactly once.
 */
(TEST_DATABASE_URL ? describe : describe.skip)("dispatchers racing on one PostgreSQL outbox", () => {
  let drop: () => Promise<void>;
  const dbs: Database[] = [];
  let fake: FakeSlack;
  beforeAll(async () => {
    const pg = await createPostgresDatabase();
    drop = pg.drop;
    for (let i = 0; i < 6; i++) dbs.push(await openDatabase({ kind: "postgres", url: pg.url, poolSize: 4 }));
    await dbs[0]!.migrate();
    fake = await new FakeSlack().start();
  });
  afterAll(async () => {
    await fake?.stop();
    for (const db of dbs) await db.close();
    await drop?.();
  });

  async function enqueueRound(tag: string, rows: number, channels: number): Promise<void> {
    const sql = dbs[0]!.prisma;
    await sql.$executeRawUnsafe(`INSERT INTO "Organization" (id, name) VALUES ('org-race', 'Race') ON CONFLICT DO NOTHING`);
    await sql.$executeRawUnsafe(`
      INSERT INTO "Notification" (id, "organizationId", "dedupeKey", platform, target, payload, "nextAttemptAt", "createdAt")
      SELECT '${tag}-' || g, 'org-race', '${tag}:' || g, 'SLACK', 'C${tag.toUpperCase()}' || (g % ${channels}),
             json_build_object('organizationId', 'org-race', 'platform', 'SLACK', 'target', 'C${tag.toUpperCase()}' || (g % ${channels}), 'mentions', '[]'::json,
                               'reply', json_build_object('ok', true, 'visibility', 'channel', 'summary', 'message ' || g, 'blocks', '[]'::json)),
             now() - interval '1 minute', now() - interval '1 minute' + g * interval '1 millisecond'
      FROM generate_series(0, ${rows - 1}) g`);
  }

  async function race(n: number, options: { rounds: number; rows: number; channels: number; paced: boolean }) {
    const tag = `r${n}${options.paced ? "p" : "u"}`;
    const dispatchers = dbs.slice(0, n).map(
      (db, i) =>
        new Dispatcher({
          db: db.prisma,
          notifiers: [new SlackNotifier({ token: fake.token, slackApiUrl: fake.apiUrl })],
          owner: `${tag}-d${i}`,
          channelIntervalMs: options.paced ? 1_000 : 0,
          batchSize: 100,
        }),
    );
    const keys: string[] = [];
    for (let round = 0; round < options.rounds; round++) {
      await enqueueRound(`${tag}x${round}`, options.rows, options.channels);
      for (let g = 0; g < options.rows; g++) keys.push(`${tag}x${round}-${g}`);
      await Promise.all(dispatchers.map((d) => d.drain()));
    }
    // Whatever a drain left (a channel paced for a second) goes out in a last settling round.
    await Promise.all(dispatchers.map((d) => d.drain({ settle: true })));
    const counts = fake.postsByKey();
    const duplicated = keys.filter((k) => (counts.get(k) ?? 0) > 1).length;
    const lost = keys.filter((k) => !counts.has(k)).length;
    const statuses = await dbs[0]!.prisma.notification.groupBy({ by: ["status"], where: { id: { startsWith: `${tag}x` } }, _count: true });
    console.log(`${n} dispatchers (${options.paced ? "paced" : "unpaced"}): ${keys.length} rows in ${options.rounds} rounds; duplicated ${duplicated}, lost ${lost}`);
    expect({ duplicated, lost }).toEqual({ duplicated: 0, lost: 0 });
    expect(statuses.map((s) => [s.status, s._count])).toEqual([["SENT", keys.length]]);
  }

  it("3 dispatchers deliver each of 3,000 rows exactly once (unpaced claims)", async () => {
    await race(3, { rounds: 3, rows: 1_000, channels: 200, paced: false });
  });

  it("6 dispatchers deliver each of 3,000 rows exactly once (unpaced claims)", async () => {
    await race(6, { rounds: 3, rows: 1_000, channels: 200, paced: false });
  });

  it("3 and 6 dispatchers deliver each row exactly once when claims take targets' holds", async () => {
    await race(3, { rounds: 3, rows: 500, channels: 500, paced: true });
    await race(6, { rounds: 3, rows: 500, channels: 500, paced: true });
  });
});
