import { expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.ts";
import { chat, replyText } from "../support/chat.ts";
import { twoOrganizations } from "../support/domain-fixtures.ts";
import { TEST_NOW } from "../support/clock.ts";

const NOW = TEST_NOW;
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

describeEachDatabase("order edit and cancel", (get) => {
  it("changes lines, adds and removes them, moves the due day and PO, recomputes the total, in English and German", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    const { say } = chat(db, actor, { now: NOW });
    expect(replyText(await say("order log acme 10 BOLT-10, 5 NUT-10 po A-1"))).toMatch(/Order O-1 .*€29.00/);
    const edited = await say("order edit O-1 line 1 qty 40 price 2.00, add 3 NUT-10 @ 1.00, remove line 2 due 2026-12-15 po 4711");
    expect(edited.ok).toBe(true);
    // 40 × 2.00 + 3 × 1.00
    expect(replyText(edited)).toMatch(/Order O-1 for ACME Holding GmbH changed: total €83.00/);
    const order = await db.order.findFirstOrThrow({ where: { organizationId: actor.organizationId, number: 1 }, include: { lines: { orderBy: { lineNo: "asc" } } } });
    expect(order.version).toBe(2);
    expect(order.poRef).toBe("4711");
    expect(order.requestedOn?.toISOString().slice(0, 10)).toBe("2026-12-15");
    expect(order.lines.map((l) => [l.lineNo, Number(l.quantity), Number(l.unitPriceMinor)])).toEqual([[1, 40, 200], [3, 3, 100]]);

    await chat(db, actor, { now: NOW }).say("settings language de");
    const de = await chat(db, actor, { now: NOW }).say("order edit O-1 zeile 3 menge 4 po none");
    expect(replyText(de)).toMatch(/Bestellung O-1 für ACME Holding GmbH geändert: Summe 84,00\s€/);
    const missing = await chat(db, actor, { now: NOW }).say("order edit O-1 zeile 9 menge 4");
    expect(missing.ok).toBe(false);
    expect(replyText(missing)).toMatch(/Bestellung O-1 hat keine Zeile 9/);
    expect((await db.order.findFirstOrThrow({ where: { id: order.id } })).version).toBe(3);
  });

  it("cancels with a reason under the status rules, and refuses bad input and other people's orders", async () => {
    const db = get().prisma;
    const { actor, viewer, b } = await twoOrganizations(db);
    const { say } = chat(db, actor, { now: NOW });
    await say("order log acme 10 BOLT-10");
    await say("order log acme 1 BOLT-10");
    expect(replyText(await chat(db, viewer.actor, { now: NOW }).say("order cancel O-1"))).toMatch(/not allowed/);
    expect(replyText(await chat(db, b.actor, { now: NOW }).say("order cancel O-1"))).toMatch(/not found|No order/i);
    expect(replyText(await chat(db, b.actor, { now: NOW }).say("order edit O-1 line 1 qty 2"))).toMatch(/not found|No order/i);
    const cancelled = await say("order cancel O-1 customer withdrew");
    expect(replyText(cancelled)).toMatch(/Order O-1 for ACME Holding GmbH cancelled/);
    const event = await db.auditEvent.findFirstOrThrow({ where: { organizationId: actor.organizationId, action: "order.cancel" } });
    expect(event.data).toMatchObject({ changes: { status: { before: "RECEIVED", after: "CANCELLED" } }, version: 2, reason: "customer withdrew" });
    expect(replyText(await say("order edit O-1 line 1 qty 2"))).toMatch(/cancelled and can no longer be changed/);
    await say("order status O-2 delivered");
    expect((await say("order cancel O-2")).ok).toBe(false);
    for (const bad of ["order edit O-2", "order edit O-2 line x qty 2", "order edit O-2 line 1 qty -3", "order edit O-2 frobnicate", "order edit O-2 remove line 1"]) {
      const before = await db.auditEvent.count({ where: { organizationId: actor.organizationId } });
      const r = await say(bad);
      expect(r.ok, bad).toBe(false);
      expect(await db.auditEvent.count({ where: { organizationId: actor.organizationId } })).toBe(before);
    }
  });

  it("refuses an edit built on an older version, naming who changed it and when, with the current values", async () => {
    const db = get().prisma;
    const { actor, service } = await twoOrganizations(db);
    await chat(db, actor, { now: NOW }).say("order log acme 10 BOLT-10");
    await chat(db, service.actor, { now: later(1) }).say("order edit O-1 line 1 qty 12");
    const stale = await chat(db, actor, { now: later(2) }).say("order edit O-1 line 1 qty 20 version 1");
    expect(stale.ok).toBe(false);
    const shown = replyText(stale);
    expect(shown).toMatch(/O-1 was changed by Cem Service at 26 Nov 2026, 10:01 after you opened it/);
    expect(shown).toMatch(/12 pcs \| BOLT-10/);
    expect(Number((await db.order.findFirstOrThrow({ where: { organizationId: actor.organizationId, number: 1 } })).totalMinor)).toBe(3000);
    const fresh = await chat(db, actor, { now: later(2) }).say("order edit O-1 line 1 qty 20 version 2");
    expect(fresh.ok).toBe(true);
  });
});
