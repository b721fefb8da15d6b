import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { createPostgresDatabase, TEST_DATABASE_URL } from "../support/databases.ts";
import { FakeSlack } from "../support/fake-slack.ts";
import { burst, seed, settled, startReplica, tally, type Replica } from "../support/slack-chaos.ts";
import { seededRandom } from "../support/seeded-random.ts";

const COMMANDS = 400;
const SEED = Number(process.env.CHAOS_SEED ?? 20261202);
const SWEEP_MS = 1_000;

/**
 * Two `kam serve` replicas on one PostgreSQL database take a burst of `/kam order log` commands;
 * one is SIGKILLed mid-burst and never comes back. The commands it acknowledged and did not run are
 * run by the survivor's periodic sweep (KAM_DEFERRED_SWEEP_MS), not left until some replica starts.
 */
describe.skipIf(!TEST_DATABASE_URL)("Slack commands acknowledged by a replica that dies for good [postgres]", () => {
  let pg: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  const fake = new FakeSlack();
  const replicas: Replica[] = [];
  afterAll(async () => {
    for (const r of replicas) r.child.process.kill("SIGKILL");
    await Promise.all(replicas.map((r) => r.child.exited));
    await fake.stop();
    await pg?.drop();
  });

  it("runs them on the replica that is left, exactly once", { timeout: 240_000 }, async () => {
    await fake.start();
    pg = await createPostgresDatabase();
    const options = { kind: "postgres" as const, url: pg.url };
    await seed(options, fake);
    const env = { DATABASE_URL: pg.url, KAM_DEFERRED_SWEEP_MS: String(SWEEP_MS) };
    replicas.push(...(await Promise.all([startReplica(fake, env), startReplica(fake, env)])));
    const all = [...replicas];
    const result = await burst(fake, replicas, { commands: COMMANDS, concurrency: 40, perSecond: 40, kills: 1, keepAlive: 1, restart: null, random: seededRandom(SEED) });
    await settled(fake);
    // Nobody restarts: only the survivor's sweep can run what the dead one acknowledged.
    const db = await openDatabase(options);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await db.prisma.deferredCommand.count()) > 0) await new Promise((r) => setTimeout(r, 250));
    await db.close();
    const outcome = await tally(options, result);
    const swept = all.map((r) => [...r.child.output().matchAll(/"ran":(\d+).*another replica acknowledged/g)].reduce((n, m) => n + Number(m[1]), 0)).reduce((a, b) => a + b, 0);
    console.log(
      `slack chaos [postgres, 2 replicas, one killed for good, seed ${SEED}]: ${result.commands} commands, ${result.tries} tries, ` +
        `${result.acked.size} acknowledged, ${outcome.written} written, ${outcome.duplicated.length} duplicated, ${outcome.lost.length} lost, ` +
        `${outcome.notesLeft.length} notes left, ${swept} run by the survivor's sweep`,
    );
    expect(result.kills).toBe(1);
    expect({ lost: outcome.lost, duplicated: outcome.duplicated, notesLeft: outcome.notesLeft }).toEqual({ lost: [], duplicated: [], notesLeft: [] });
  });
});
