import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AckPolicy } from "../../src/adapters/slack/ack-policy.ts";
import { handleThenAck, recentKeys, type SlackContext } from "../../src/adapters/slack/context.ts";
import type { Reply } from "../../src/core/reply.ts";
import type { ChatRequest } from "../../src/core/request.ts";
import { handle } from "../../src/core/handler.ts";
import { createLogger } from "../../src/logger.ts";
import { startSlackKam, type SlackKam } from "../adapters/slack/harness.ts";
import { TEST_NOW } from "../support/clock.ts";

const logger = createLogger({ level: "silent", pretty: false, destination: 2 });

/**
 * Under load kam acknowledges a Slack command before running it. A process that dies in between
 * must not lose it: the command is noted as Slack is answered and before it runs, crossed out once
 * run, and a restart runs what is left, once, answering on its response_url.
 */
describe("Slack commands acknowledged before they ran", () => {
  const dir = mkdtempSync(join(tmpdir(), "kam-deferred-"));
  const started: SlackKam[] = [];
  afterAll(async () => {
    for (const s of started) await s.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it("under load acknowledges once the command is noted, before it runs, and crosses it out once run", async () => {
    const s = await startSlackKam({ DATA_DIR: join(dir, "a") });
    started.push(s);
    const db = s.kam.db.prisma;
    const seen: string[] = [];
    const ctx = {
      db,
      logger,
      ack: new AckPolicy(0, 1), // no budget: acknowledge first, as under load
      ...recentKeys(),
      handle: async (request: ChatRequest): Promise<Reply> => {
        seen.push(`core runs; noted: ${await db.deferredCommand.count({ where: { key: request.idempotencyKey! } })}`);
        return { ok: true, visibility: "caller", summary: "done", blocks: [] };
      },
    } as unknown as SlackContext;
    const request: ChatRequest = { organizationId: s.actor.organizationId, memberId: s.actor.memberId!, platform: "SLACK", channelId: "C1", text: "help", idempotencyKey: "slack:command:T:1" };
    // The note is committed before Slack hears "ok": a 200 stands for a command that will run.
    const ack = async () => void seen.push(`ack; noted: ${await db.deferredCommand.count({ where: { key: request.idempotencyKey! } })}`);
    const reply = await handleThenAck(ctx, request, ack, { responseUrl: s.fake.responseUrl("x"), direct: false });
    expect(reply.summary).toBe("done");
    expect(seen).toEqual(["ack; noted: 1", "core runs; noted: 1"]);
    expect(await db.deferredCommand.count()).toBe(0);
  });

  it("runs at the next start what a dead process had acknowledged, once, and answers it", async () => {
    const first = await startSlackKam({ DATA_DIR: join(dir, "b") });
    const db = first.kam.db.prisma;
    const orders = await db.order.count();
    // As the dying process left them: one command never run, one run (its idempotency record kept) but not crossed out.
    const request = (key: string, text: string): ChatRequest => ({
      organizationId: first.actor.organizationId, memberId: first.actor.memberId!, platform: "SLACK", channelId: "C0ACMEORD", text, idempotencyKey: key,
    });
    await db.deferredCommand.create({ data: { key: "slack:command:T:lost", request: request("slack:command:T:lost", "order log ACME 7 BOLT-10") as object, responseUrl: first.fake.responseUrl("lost"), direct: false } });
    const ran = request("slack:command:T:ran", "order log ACME 3 BOLT-10");
    await handle({ db, logger, now: () => TEST_NOW }, ran);
    await db.deferredCommand.create({ data: { key: "slack:command:T:ran", request: ran as object, responseUrl: first.fake.responseUrl("ran"), direct: false } });
    expect(await db.order.count()).toBe(orders + 1);
    await first.kam.stop(); // the fake Slack keeps taking answers

    const second = await startSlackKam({ DATA_DIR: join(dir, "b") });
    started.push(second);
    const restarted = second.kam.db.prisma;
    for (let i = 0; i < 50 && (await restarted.deferredCommand.count()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await restarted.deferredCommand.count()).toBe(0);
    expect(await restarted.order.count()).toBe(orders + 2); // the lost one ran; the other did not run again
    for (let i = 0; i < 50 && first.fake.callsOf("response_url").length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    const answers = first.fake.callsOf("response_url").map((c) => c.args.id).sort();
    expect(answers).toEqual(["lost", "ran"]);
    await first.fake.stop();
  });
  it("runs a command whose claim was left without a reply, and answers a second attempt from the first one's record", async () => {
    const s = await startSlackKam({ DATA_DIR: join(dir, "c") });
    started.push(s);
    const db = s.kam.db.prisma;
    const orders = await db.order.count();
    const request: ChatRequest = {
      organizationId: s.actor.organizationId, memberId: s.actor.memberId!, platform: "SLACK", channelId: "C0ACMEORD", text: "order log ACME 2 BOLT-10", idempotencyKey: "slack:command:T:left",
    };
    // A claim committed without its reply, as a kam that claimed outside the command's transaction left it when it died.
    await db.processedEvent.create({ data: { key: "SLACK:slack:command:T:left", organizationId: s.actor.organizationId } });
    const first = await handle({ db, logger, now: () => TEST_NOW }, request);
    const again = await handle({ db, logger, now: () => TEST_NOW }, request);
    expect(first.ok).toBe(true);
    expect(again).toEqual(first);
    expect(await db.order.count()).toBe(orders + 1);
  });
});
