import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL } from "../support/databases.ts";
import type { Child } from "../support/processes.ts";
import { outboxCluster, type OutboxCluster } from "./outbox-harness.ts";
import { seededRandom } from "../support/seeded-random.ts";

/**
 * A burst of notifications delivered by three `kam serve` replicas on one PostgreSQL database,
 * while replicas are SIGKILLed at random moments (some while the fake Slack holds the answer to a
 * post it has stored) and restarted. Counted at the fake: nothing lost, nothing twice; and no two
 * messages to one channel less than a second apart, whichever replicas sent them.
 */
describe.skipIf(!TEST_DATABASE_URL)("outbox: three replicas killed at random during a burst [postgres]", () => {
  let cluster: OutboxCluster;
  beforeAll(async () => {
    cluster = await outboxCluster();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it("delivers each of 300 notifications exactly once", async () => {
    const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    const replicas: (Child | null)[] = await Promise.all([0, 1, 2].map((i) => cluster.start(`r${i}`)));
    const targets = Array.from({ length: 20 }, (_, i) => `C0BURST${String(i).padStart(2, "0")}`);
    const MAX_KILLS = 12;
    let kills = 0;
    let killing = true;
    const restart = (i: number) => {
      // Restarted a moment later, as an orchestrator would.
      setTimeout(() => {
        cluster
          .start(`r${i}`)
          .then((c) => void (replicas[i] = c))
          .catch(() => killing && restart(i));
      }, 200 + random() * 800);
    };
    /** Kills a random running replica (or `i`, when it runs). */
    const kill = async (i?: number) => {
      const running = [0, 1, 2].filter((j) => replicas[j]);
      const victim = i !== undefined && replicas[i] ? i : running[Math.floor(random() * running.length)];
      if (victim === undefined || kills >= MAX_KILLS) return;
      const child = replicas[victim]!;
      replicas[victim] = null;
      kills++;
      child.process.kill("SIGKILL");
      await child.exited;
      restart(victim);
    };
    // One post in ten: a random replica dies before the fake answers (one time in three the poster).
    cluster.fake.onPost = async () => {
      if (killing && random() < 1 / 10) await kill(Math.floor(random() * 3));
    };
    const ids = await cluster.queue("burst", targets, 15);
    // And kills at random moments, every 0.4 to 2 s, while the burst lasts.
    const started = Date.now();
    while (Date.now() - started < 40_000 && kills < MAX_KILLS && (await cluster.settle(ids, 0)) > 0) {
      await new Promise((r) => setTimeout(r, 400 + random() * 1_600));
      await kill();
    }
    killing = false;
    cluster.fake.onPost = null;
    const open = await cluster.settle(ids, 60_000);
    const { duplicated, lost, posts } = cluster.count(ids);
    let gaps = 0;
    for (const target of targets) {
      const times = cluster.fake.posted(target).map((m) => Number(m.ts) * 1000).sort((a, b) => a - b);
      for (let i = 1; i < times.length; i++) if (times[i]! - times[i - 1]! < 1_000) gaps++;
    }
    console.log(`random kills (seed ${seed}): ${kills} kills, ${ids.length} notifications, ${posts} posts; duplicates ${duplicated}, lost ${lost}, still open ${open}; sub-second gaps in a channel ${gaps}`);
    expect(kills).toBeGreaterThanOrEqual(6);
    expect({ duplicated, lost, open, gaps }).toEqual({ duplicated: 0, lost: 0, open: 0, gaps: 0 });
  }, 150_000);
});
