import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FakeSlack } from "../support/fake-slack.ts";
import { burst, seed, settled, startReplica, stopReplica, tally, type Replica } from "../support/slack-chaos.ts";
import { seededRandom } from "../support/seeded-random.ts";

const COMMANDS = 1_000;
const SEED = Number(process.env.CHAOS_SEED ?? 20261202);

/**
 * One `kam serve` on an embedded (PGlite) data directory takes 1,000 `/kam order log` commands
 * (up to 40 in flight) while it is SIGKILLed at random moments and restarted on the same
 * directory; Slack retries what got no 200 in 3 s. Every command Slack got a 200 for is written
 * exactly once, no command is written twice, and no note of an acknowledged command is left.
 */
describe("Slack commands acknowledged while kam is killed [pglite]", () => {
  const dir = mkdtempSync(join(tmpdir(), "kam-chaos-slack-"));
  const fake = new FakeSlack();
  const replicas: Replica[] = [];
  afterAll(async () => {
    for (const r of replicas) r.child.process.kill("SIGKILL");
    await Promise.all(replicas.map((r) => r.child.exited));
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes every acknowledged command exactly once", { timeout: 600_000 }, async () => {
    await fake.start();
    const options = { kind: "pglite" as const, dataDir: join(dir, "data") };
    await seed(options, fake);
    const env = { DATA_DIR: options.dataDir };
    replicas.push(await startReplica(fake, env));
    const result = await burst(fake, replicas, {
      commands: COMMANDS,
      concurrency: 40,
      perSecond: 30,
      kills: 3,
      keepAlive: 0,
      restart: () => startReplica(fake, env),
      random: seededRandom(SEED),
    });
    await settled(fake);
    await Promise.all(replicas.map(stopReplica)); // PGlite: one process at a time on a data directory
    const outcome = await tally(options, result);
    console.log(
      `slack chaos [pglite, seed ${SEED}]: ${result.commands} commands, ${result.tries} tries (${JSON.stringify(result.answers)}), ` +
        `${result.kills} kills, ${result.acked.size} acknowledged, ${outcome.written} written, ${outcome.duplicated.length} duplicated, ` +
        `${outcome.lost.length} lost, ${outcome.notesLeft.length} notes left`,
    );
    expect(result.kills).toBeGreaterThanOrEqual(3);
    expect(result.acked.size).toBeGreaterThanOrEqual(COMMANDS * 0.8);
    expect({ lost: outcome.lost, duplicated: outcome.duplicated, notesLeft: outcome.notesLeft }).toEqual({ lost: [], duplicated: [], notesLeft: [] });
  });
});
