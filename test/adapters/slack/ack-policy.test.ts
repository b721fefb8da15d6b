import { describe, expect, it } from "vitest";
import { AckPolicy } from "../../../src/adapters/slack/ack-policy.ts";

describe("AckPolicy", () => {
  it("waits for the write when nothing is ahead, acknowledges first when commands are queued", async () => {
    const policy = new AckPolicy(1000, 1);
    expect(policy.budget()).toBe(1000);
    let release!: () => void;
    const first = policy.track(() => new Promise<string>((r) => (release = () => r("first"))));
    expect(policy.budget()).toBe(0);
    const order: string[] = [];
    const second = policy.track(async () => (order.push("second ran"), "second"));
    expect(policy.load).toEqual({ running: 1, queued: 1 });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]); // one at a time
    release();
    expect(await first).toBe("first");
    expect(await second).toBe("second");
    expect(policy.budget()).toBe(1000);
  });

  it("starts each run on a later turn of the event loop, never synchronously", async () => {
    const policy = new AckPolicy(1000, 1);
    const seen: string[] = [];
    const run = policy.track(async () => void seen.push("run"));
    seen.push("caller continues");
    await run;
    expect(seen).toEqual(["caller continues", "run"]);
  });
});
