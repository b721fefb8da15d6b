import { expect, it } from "vitest";
import { pruneBookkeeping } from "../../src/scheduler/housekeeping.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { scene } from "../support/scheduler-fixtures.ts";

describeEachDatabase("pruning bookkeeping rows", (get) => {
  it("removes old sent messages, job runs, handled events and expired link codes, and nothing else", async () => {
    const db = get().prisma;
    const s = await scene(db);
    const now = new Date("2026-06-15T10:00:00Z");
    const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
    const message = (key: string, status: "SENT" | "FAILED" | "PENDING", sentAt: Date | null) =>
      db.notification.create({ data: { organizationId: s.organizationId, dedupeKey: key, platform: "SLACK", target: s.channelId, payload: {}, status, sentAt } });
    await message("old-sent", "SENT", daysAgo(40));
    await message("recent-sent", "SENT", daysAgo(10));
    await message("old-failed", "FAILED", null);
    await message("old-pending", "PENDING", null);
    const run = (key: string, job: string, days: number) => db.jobRun.create({ data: { key, job, fireAt: daysAgo(days), startedAt: daysAgo(days), owner: "test" } });
    await run("a-60", "checks:a", 60);
    await run("a-40", "checks:a", 40); // the latest of its job: kept however old
    await run("b-90", "digest:b", 90);
    await run("c-2", "checks:c", 2);
    await db.processedEvent.create({ data: { key: "old-event", createdAt: daysAgo(10) } });
    await db.processedEvent.create({ data: { key: "new-event", createdAt: daysAgo(1) } });
    await db.linkCode.create({ data: { organizationId: s.organizationId, codeHash: "expired", expiresAt: daysAgo(2) } });
    await db.linkCode.create({ data: { organizationId: s.organizationId, codeHash: "valid", expiresAt: new Date(now.getTime() + 600_000) } });

    const member = await db.member.create({ data: { organizationId: s.organizationId, displayName: "Terminal Tess" } });
    const inbox = (id: string, readAt: Date | null) =>
      db.inboxMessage.create({ data: { id, memberId: member.id, summary: id, reply: {}, createdAt: daysAgo(60), readAt } });
    await inbox("read-long-ago", daysAgo(40));
    await inbox("read-lately", daysAgo(5));
    await inbox("never-read", null);
    const pace = (target: string, holder: string | null, nextAt: Date) => db.channelPace.create({ data: { platform: "SLACK", target, holder, heldAt: holder ? now : null, nextAt } });
    await pace("C-idle", null, daysAgo(3));
    await pace("C-recent", null, new Date(now.getTime() - 60_000));
    await pace("C-held", "dispatcher-1", daysAgo(3));
    await db.apiRequest.create({ data: { organizationId: s.organizationId, key: "old-key", fingerprint: "f", status: 201, response: {}, createdAt: daysAgo(8) } });
    await db.apiRequest.create({ data: { organizationId: s.organizationId, key: "new-key", fingerprint: "f", status: 201, response: {}, createdAt: daysAgo(1) } });

    const preview = (id: string, organizationId: string, createdAt: Date) =>
      db.importPreview.create({ data: { id, organizationId, memberId: member.id, fileName: "f.csv", kind: "invoices", content: "x", summary: {}, createdAt } });
    await preview("old-preview", s.organizationId, daysAgo(3));
    await preview("new-preview", s.organizationId, daysAgo(1));
    await preview("orphan-preview", "an-organization-that-is-gone", daysAgo(1));

    expect(await pruneBookkeeping(db, now)).toEqual({ notifications: 1, jobRuns: 1, processedEvents: 1, linkCodes: 1, inboxMessages: 1, channelPaces: 1, apiRequests: 1, importPreviews: 2 });
    expect((await db.notification.findMany({ orderBy: { dedupeKey: "asc" } })).map((n) => n.dedupeKey)).toEqual(["old-failed", "old-pending", "recent-sent"]);
    expect((await db.jobRun.findMany({ orderBy: { key: "asc" } })).map((r) => r.key)).toEqual(["a-40", "b-90", "c-2"]);
    expect((await db.processedEvent.findMany()).map((e) => e.key)).toEqual(["new-event"]);
    expect((await db.linkCode.findMany()).map((c) => c.codeHash)).toEqual(["valid"]);
    expect((await db.inboxMessage.findMany({ orderBy: { id: "asc" } })).map((m) => m.id)).toEqual(["never-read", "read-lately"]);
    expect((await db.channelPace.findMany({ orderBy: { target: "asc" } })).map((p) => p.target)).toEqual(["C-held", "C-recent"]);
    expect((await db.apiRequest.findMany()).map((r) => r.key)).toEqual(["new-key"]);
    expect((await db.importPreview.findMany()).map((p) => p.id)).toEqual(["new-preview"]);
    // Again: nothing more to remove.
    expect(await pruneBookkeeping(db, now)).toEqual({ notifications: 0, jobRuns: 0, processedEvents: 0, linkCodes: 0, inboxMessages: 0, channelPaces: 0, apiRequests: 0, importPreviews: 0 });
  });
});
