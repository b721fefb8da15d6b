import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JOURNAL_FILE, pendingIn, type JournalNote } from "../../src/adapters/slack/deferred-journal.ts";
import { handle } from "../../src/core/handler.ts";
import type { ChatRequest } from "../../src/core/request.ts";
import { createLogger } from "../../src/logger.ts";
import { startSlackKam, type SlackKam } from "../adapters/slack/harness.ts";
import { TEST_NOW } from "../support/clock.ts";

const logger = createLogger({ level: "silent", pretty: false, destination: 2 });

/**
 * On PGlite the notes of commands acknowledged before they ran are kept in a journal file in the
 * data directory (src/adapters/slack/deferred-journal.ts). A restart runs, once, what a killed
 * process left there, and skips what had committed.
 */
describe("Slack commands noted in the PGlite journal", () => {
  const dir = mkdtempSync(join(tmpdir(), "kam-journal-e2e-"));
  const started: SlackKam[] = [];
  afterAll(async () => {
    for (const s of started) await s.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs at the next start the journal's commands that had not run, once; skips those that had; ignores a torn line", async () => {
    const dataDir = join(dir, "a");
    const first = await startSlackKam({ DATA_DIR: dataDir });
    const db = first.kam.db.prisma;
    const orders = await db.order.count();
    const request = (key: string, text: string): ChatRequest => ({
      organizationId: first.actor.organizationId, memberId: first.actor.memberId!, platform: "SLACK", channelId: "C0ACMEORD", text, idempotencyKey: key,
    });
    const note = (r: ChatRequest, id: string): JournalNote => ({ key: r.idempotencyKey!, request: r, responseUrl: first.fake.responseUrl(id), direct: false, createdAt: new Date().toISOString() }); // the response_url takes answers for 30 minutes of real time
    // As a killed process left it: one command never run, one run (committed) but not marked done, one torn mid-write.
    const lost = request("slack:command:T:lost", "order log ACME 7 BOLT-10");
    const ran = request("slack:command:T:ran", "order log ACME 3 BOLT-10");
    await handle({ db, logger, now: () => TEST_NOW }, ran);
    expect(await db.order.count()).toBe(orders + 1);
    await first.kam.stop(); // the fake Slack keeps taking answers
    const journal = join(dataDir, JOURNAL_FILE);
    const torn = JSON.stringify({ note: note(request("slack:command:T:torn", "order log ACME 9 BOLT-10"), "torn") });
    appendFileSync(journal, [lost, ran].map((r, i) => JSON.stringify({ note: note(r, ["lost", "ran"][i]!) }) + "\n").join("") + torn.slice(0, 80));

    const second = await startSlackKam({ DATA_DIR: dataDir });
    started.push(second);
    const restarted = second.kam.db.prisma;
    for (let i = 0; i < 100 && first.fake.callsOf("response_url").length < 1; i++) await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 50 && (await restarted.deferredCommand.count()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await restarted.deferredCommand.count()).toBe(0);
    expect(await restarted.order.count()).toBe(orders + 2); // the lost one ran; the one that had run did not run again
    expect(first.fake.callsOf("response_url").map((c) => c.args.id)).toEqual(["lost"]);
    expect(pendingIn(readFileSync(journal, "utf8"))).toEqual([]);
    await first.fake.stop();
  });
});
