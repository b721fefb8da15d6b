import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { createPostgresDatabase, TEST_DATABASE_URL } from "../support/databases.ts";
import { FakeSlack } from "../support/fake-slack.ts";
import { CHAOS_SECRET, commandPayload, seed, startReplica, tally, type Replica } from "../support/slack-chaos.ts";
import { postSigned, signedRequest } from "../support/slack-signing.ts";

const COMMANDS = 60;
const SWEEP_MS = 1_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Two `kam serve` replicas on one PostgreSQL database. While a test transaction holds a lock on the
 * orders, every `/kam order log` waits past Slack's budget, so both replicas acknowledge their
 * commands before running them (each noted in DeferredCommand). Then one replica is SIGKILLed and
 * never comes back, and the lock is released. The commands the dead one acknowledged are run by the
 * survivor's periodic sweep (KAM_DEFERRED_SWEEP_MS), not left until some replica starts again.
 */
describe.skipIf(!TEST_DATABASE_URL)("Slack commands acknowledged by a replica that dies for good [postgres]", () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  const fake = new FakeSlack();
  const replicas: Replica[] = [];
  afterAll(async () => {
    for (const r of replicas) r.child.process.kill("SIGKILL");
    await Promise.all(replicas.map((r) => r.child.exited));
    await fake.stop();
    await database?.drop();
  });

  it("runs them on the replica that is left, exactly once", { timeout: 180_000 }, async () => {
    await fake.start();
    database = await createPostgresDatabase();
    const options = { kind: "postgres" as const, url: database.url };
    await seed(options, fake);
    const env = { DATABASE_URL: database.url, KAM_DEFERRED_SWEEP_MS: String(SWEEP_MS) };
    replicas.push(...(await Promise.all([startReplica(fake, env), startReplica(fake, env)])));
    const [victim, survivor] = replicas as [Replica, Replica];

    const lock = new pg.Client({ connectionString: database.url });
    await lock.connect();
    await lock.query(`BEGIN; LOCK TABLE "Order" IN EXCLUSIVE MODE`);
    const acked = new Map<string, Replica>();
    await Promise.all(
      Array.from({ length: COMMANDS }, async (_, i) => {
        const id = `CHAOS-${String(i + 1).padStart(5, "0")}`;
        const target = i % 2 === 0 ? victim : survivor;
        const res = await postSigned(target.url, signedRequest(CHAOS_SECRET, commandPayload(fake, id), "form"));
        if (res.status === 200) acked.set(id, target);
      }),
    );
    const db = await openDatabase(options);
    const noted = await db.prisma.deferredCommand.count();
    victim.child.process.kill("SIGKILL");
    await victim.child.exited;
    await lock.query("COMMIT");
    await lock.end();

    // Nobody restarts: only the survivor's sweep can run what the dead one acknowledged.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (await db.prisma.deferredCommand.count()) > 0) await sleep(250);
    await db.close();
    const outcome = await tally(options, { commands: COMMANDS, tries: COMMANDS, acked: new Set(acked.keys()), kills: 1, answers: {} });
    const swept = [...survivor.child.output().matchAll(/"ran":(\d+).*another replica acknowledged/g)].reduce((n, m) => n + Number(m[1]), 0);
    const byVictim = [...acked.values()].filter((r) => r === victim).length;
    console.log(
      `slack chaos [postgres, 2 replicas, one killed for good]: ${COMMANDS} commands, ${acked.size} acknowledged (${byVictim} by the one killed), ` +
        `${noted} noted before the kill, ${outcome.written} written, ${outcome.duplicated.length} duplicated, ${outcome.lost.length} lost, ` +
        `${outcome.notesLeft.length} notes left, ${swept} run by the survivor's sweep`,
    );
    // The lock made every acknowledgement come before its command ran: the dead replica left notes.
    expect(acked.size).toBe(COMMANDS);
    expect(noted).toBe(COMMANDS);
    expect(swept).toBeGreaterThanOrEqual(byVictim);
    expect({ lost: outcome.lost, duplicated: outcome.duplicated, notesLeft: outcome.notesLeft }).toEqual({ lost: [], duplicated: [], notesLeft: [] });
  });
});
