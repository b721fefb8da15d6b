import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL } from "../support/databases.ts";
import type { Child } from "../support/processes.ts";
import { outboxCluster, type OutboxCluster } from "./outbox-harness.ts";

/**
 * The window between "Slack accepted the post" and "SENT is written": a `kam serve` replica is
 * SIGKILLed while the fake Slack holds its answer to a post it has already stored. After a
 * restart, each notification must be in its channel exactly once: the restarted replica finds the
 * interrupted posts by their metadata key in the channel's history instead of posting them again.
 */
describe.skipIf(!TEST_DATABASE_URL)("outbox: SIGKILL after Slack accepted a post [postgres]", () => {
  let cluster: OutboxCluster;
  beforeAll(async () => {
    cluster = await outboxCluster();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it("after a restart, every notification is in its channel exactly once", async () => {
    const tries = 3;
    const ids: string[] = [];
    let recovered = 0;
    for (let t = 0; t < tries; t++) {
      const targets = Array.from({ length: 6 }, (_, i) => `C0CRASH${t}${i}`);
      const batch = await cluster.queue(`crash${t}`, targets, 3);
      ids.push(...batch);
      let victim: Child | null = null;
      let killed = false;
      // The first post of this try is stored by the fake; before it is answered, its sender dies.
      cluster.fake.onPost = async () => {
        if (killed || !victim) return;
        killed = true;
        victim.process.kill("SIGKILL");
        await victim.exited;
      };
      victim = await cluster.start(`victim-${t}`);
      for (let i = 0; i < 200 && !killed; i++) await new Promise((r) => setTimeout(r, 50));
      expect(killed).toBe(true);
      await victim.exited;
      cluster.fake.onPost = null;
      const survivor = await cluster.start(`survivor-${t}`);
      expect(await cluster.settle(batch, 60_000)).toBe(0);
      recovered += (survivor.output().match(/already posted by an earlier attempt/g) ?? []).length;
      survivor.process.kill("SIGTERM");
      await survivor.exited;
    }
    const { duplicated, lost, posts } = cluster.count(ids);
    console.log(`crash after post: ${tries} tries, ${ids.length} notifications, ${posts} posts; duplicates ${duplicated}, lost ${lost}; found already posted ${recovered}`);
    expect(recovered).toBeGreaterThanOrEqual(tries);
    expect({ duplicated, lost }).toEqual({ duplicated: 0, lost: 0 });
  }, 150_000);
});
