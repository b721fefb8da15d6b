import { afterAll, describe, expect, it } from "vitest";
import { createPostgresDatabase, TEST_DATABASE_URL } from "../support/databases.ts";
import { FakeSlack } from "../support/fake-slack.ts";
import { burst, notesDone, seed, settled, startReplica, tally, type Replica } from "../support/slack-chaos.ts";
import { seededRandom } from "../support/seeded-random.ts";

const COMMANDS = 1_000;
const SEED = Number(process.env.CHAOS_SEED ?? 20261201);

/**
 * Three `kam serve` replicas on one PostgreSQL database take 1,000 `/kam order log` commands
 * (up to 40 in flight) while replicas are SIGKILLed at random moments and restarted; Slack
 * retries what got no 200 in 3 s. Every command Slack got a 200 for is written exactly once, no
 * command is written twice, and no note of an acknowledged command is left unrun.
 */
describe.skipIf(!TEST_DATABASE_URL)("Slack commands acknowledged while replicas are killed [postgres]", () => {
  let pg: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  const fake = new FakeSlack();
  const replicas: Replica[] = [];
  afterAll(async () => {
    for (const r of replicas) r.child.process.kill("SIGKILL");
    await Promise.all(replicas.map((r) => r.child.exited));
    await fake.stop();
    await pg?.drop();
  });

  it("writes every acknowledged command exactly once", { timeout: 480_000 }, async () => {
    await fake.start();
    pg = await createPostgresDatabase();
    const options = { kind: "postgres" as const, url: pg.url };
    await seed(options, fake);
    const env = { DATABASE_URL: pg.url };
    replicas.push(...(await Promise.all([startReplica(fake, env), startReplica(fake, env), startReplica(fake, env)])));
    const result = await burst(fake, replicas, {
      commands: COMMANDS,
      concurrency: 40,
      perSecond: 28,
      kills: 5,
      keepAlive: 1,
      restart: () => startReplica(fake, env),
      random: seededRandom(SEED),
    });
    await settled(fake);
    await notesDone(options);
    const outcome = await tally(options, result);
    console.log(
      `slack chaos [postgres, 3 replicas, seed ${SEED}]: ${result.commands} commands, ${result.tries} tries (${JSON.stringify(result.answers)}), ` +
        `${result.kills} kills, ${result.acked.size} acknowledged, ${outcome.written} written, ${outcome.duplicated.length} duplicated, ` +
        `${outcome.lost.length} lost, ${outcome.notesLeft.length} notes left`,
    );
    expect(result.kills).toBeGreaterThanOrEqual(3);
    expect(result.acked.size).toBeGreaterThanOrEqual(COMMANDS * 0.9);
    expect({ lost: outcome.lost, duplicated: outcome.duplicated, notesLeft: outcome.notesLeft }).toEqual({ lost: [], duplicated: [], notesLeft: [] });
  });
});
