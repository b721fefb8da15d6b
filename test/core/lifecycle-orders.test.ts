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
    expect(replyText(de)).toMatch(/Auftrag O-1 für ACME Holding GmbH geändert: Summe 84,00\s€/);
    const missing = await chat(db, actor, { now: NOW }).say("order edit O-1 zeile 9 menge 4");
    expect(missing.ok).toBe(false);
    expect(replyText(missing)).toMatch(/Auftrag O-1 hat keine Zeile 9/);
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
    // The order alone opens its form (the Edit button): nothing is written.
    const audit = await db.auditEvent.count({ where: { organizationId: actor.organizationId } });
    expect((await say("order edit O-2")).blocks.some((b) => b.kind === "form")).toBe(true);
    expect(await db.auditEvent.count({ where: { organizationId: actor.organizationId } })).toBe(audit);
    for (const bad of ["order edit O-2 line x qty 2", "order edit O-2 line 1 qty -3", "order edit O-2 frobnicate", "order edit O-2 remove line 1"]) {
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

describeEachDatabase("edit forms and buttons", (get) => {
  it("order show carries Edit and Cancel (with confirmation) on the order's version; the form is prefilled; a stale form comes back on the current values", async () => {
    const db = get().prisma;
    const { actor, service } = await twoOrganizations(db);
    const ada = chat(db, actor, { now: NOW });
    await ada.say("order log acme 10 BOLT-10 po A-1");
    const shown = await ada.say("order show O-1");
    const buttons = shown.blocks.flatMap((b) => (b.kind === "actions" ? b.buttons : []));
    expect(buttons.map((b) => b.command)).toEqual(["order edit O-1 version 1", "order cancel O-1 version 1"]);
    expect(buttons[1]!.confirm).toMatchObject({ title: "Cancel O-1?", yes: "Yes, cancel it" });

    const opened = await ada.say(buttons[0]!.command);
    const form = opened.blocks.find((b) => b.kind === "form")!;
    if (form.kind !== "form") throw new Error("no form");
    const field = (name: string) => form.form.fields.find((f) => f.name === name);
    expect([field("order")?.type, field("order")?.value, field("version")?.value]).toEqual(["hidden", "O-1", "1"]);
    expect([field("quantity1")?.value, field("price1")?.value, field("poRef")?.value]).toEqual(["10", "2.50", "A-1"]);

    // Cem changes the order while Ada's form is open.
    await chat(db, service.actor, { now: new Date(NOW.getTime() + 60_000) }).say("order edit O-1 line 1 qty 12");
    const stale = await ada.submit("order.edit", { order: "O-1", version: "1", quantity1: "20", price1: "2.50", poRef: "A-1" });
    expect(stale.ok).toBe(false);
    const again = stale.blocks.find((b) => b.kind === "form")!;
    if (again.kind !== "form") throw new Error("no form");
    expect(Object.values(again.form.errors).join(" ")).toMatch(/O-1 was changed by Cem Service at 26 Nov 2026, 10:01/);
    expect(again.form.fields.find((f) => f.name === "quantity1")?.value).toBe("12");
    expect(again.form.fields.find((f) => f.name === "version")?.value).toBe("2");
    expect(Number((await db.order.findFirstOrThrow({ where: { organizationId: actor.organizationId, number: 1 } })).totalMinor)).toBe(3000);

    const saved = await ada.submit("order.edit", { order: "O-1", version: "2", quantity1: "20", price1: "2.50", poRef: "B-2", addProduct: "NUT-10", addQuantity: "5" });
    expect(replyText(saved)).toMatch(/Order O-1 for ACME Holding GmbH changed: total €54.00/);
    expect((await ada.say("order cancel O-1 version 2")).ok).toBe(false);
    expect((await ada.say("order cancel O-1 version 3")).ok).toBe(true);
  });

  it("invoice show carries Edit and Void; contract show carries Renew; their forms save", async () => {
    const db = get().prisma;
    const { actor } = await twoOrganizations(db);
    const ada = chat(db, actor, { now: NOW });
    await ada.say("invoice add acme RE-1 30.00 issued 2026-11-01 due 2026-12-01");
    const shown = await ada.say("invoice show I-1");
    const buttons = shown.blocks.flatMap((b) => (b.kind === "actions" ? b.buttons : []));
    expect(buttons.map((b) => b.command)).toEqual(["invoice paid I-1", "invoice edit I-1 version 1", "invoice void I-1 version 1"]);
    expect(buttons[2]!.confirm?.text).toMatch(/no longer be owed/);
    expect(replyText(await ada.say("invoice edit I-1 version 1"))).toMatch(/Change invoice I-1 · RE-1/);
    const saved = await ada.submit("invoice.edit", { invoice: "I-1", version: "1", amount: "25.00", issuedOn: "2026-11-01", dueOn: "2026-12-15", order: "" });
    expect(replyText(saved)).toMatch(/Invoice I-1 · RE-1 of ACME Holding GmbH changed/);

    await ada.say("contract add acme Frame from 2026-01-01 to 2026-12-31");
    const contract = await ada.say("contract show K-1");
    expect(contract.blocks.flatMap((b) => (b.kind === "actions" ? b.buttons : [])).map((b) => b.command)).toEqual(["contract renew K-1 version 1"]);
    expect(replyText(await ada.say("contract renew K-1 version 1"))).toMatch(/Renew contract K-1 Frame/);
    expect(replyText(await ada.submit("contract.renew", { contract: "K-1", version: "1", endsOn: "2027-12-31" }))).toMatch(/renewed until 31 Dec 2027/);
    expect(replyText(await ada.submit("contract.renew", { contract: "K-1", version: "1", endsOn: "2028-12-31" }))).toMatch(/K-1 was changed by Ada Admin/);
  });
});
