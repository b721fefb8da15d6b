import { expect, it } from "vitest";
import { importFile } from "../../../src/domain/exchange/import-file.ts";
import { describeEachDatabase } from "../../support/databases.ts";
import { chat, replyText } from "../../support/chat.ts";
import { accountWithProducts } from "../../support/fixtures.ts";
import { FILES } from "./fixtures.ts";

describeEachDatabase("ERP numbers name imported records", (get) => {
  it("orders, contracts and cases are shown with their ERP number and found by it wherever a reference is read", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    for (const kind of ["orders", "contracts", "cases"] as const) {
      expect((await importFile(db, actor, FILES[kind].en, { dryRun: false })).errors).toEqual([]);
    }
    const say = chat(db, actor).say;
    const shown = await say("order show SO-2");
    expect(shown.ok).toBe(true);
    expect(replyText(shown)).toMatch(/O-2/);
    expect(replyText(shown)).toMatch(/ERP number: SO-2/);
    expect(replyText(await say("order list acme all"))).toMatch(/O-1 · SO-1/);
    expect((await say("order status SO-2 confirmed")).ok).toBe(true);
    expect((await db.order.findFirstOrThrow({ where: { organizationId: actor.organizationId, externalRef: "SO-2" } })).status).toBe("CONFIRMED");
    expect((await say("invoice add acme RE-77 25 order SO-2 issued 2026-11-20")).ok).toBe(true);
    const invoice = await db.invoice.findFirstOrThrow({ where: { organizationId: actor.organizationId, number: "RE-77" }, include: { order: true } });
    expect(invoice.order?.externalRef).toBe("SO-2");

    const contract = await say("contract show RV-7");
    expect(contract.ok).toBe(true);
    expect(replyText(contract)).toMatch(/K-1/);
    expect(replyText(contract)).toMatch(/ERP number: RV-7/);
    expect(replyText(await say("case list acme"))).toMatch(/C-1 · T-100/);
    expect((await say("case close T-100")).ok).toBe(true);
    expect((await db.case.findFirstOrThrow({ where: { organizationId: actor.organizationId, externalRef: "T-100" } })).status).toBe("CLOSED");
    // kam's own references still come first.
    expect(replyText(await say("order show O-1"))).toMatch(/ERP number: SO-1/);
    expect((await say("order show SO-404")).ok).toBe(false);
  });
});

describeEachDatabase("an invoice in another currency than its order", (get) => {
  it("is accepted on import and flagged by the checks", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const { runChecks } = await import("../../../src/domain/checks.ts");
    await importFile(db, actor, FILES.orders.en, { dryRun: false });
    const result = await importFile(db, actor, "account,number,amount,currency,issued_on,order\nACME Holding GmbH,RE-5,25,USD,2026-11-21,SO-2\n", { dryRun: false });
    expect(result).toMatchObject({ created: 1, errors: [] });
    await runChecks(db, actor.organizationId, { now: actor.now });
    const flags = await db.flag.findMany({ where: { organizationId: actor.organizationId, rule: { contains: "invoice" } } });
    const invoice = await db.invoice.findFirstOrThrow({ where: { organizationId: actor.organizationId, number: "RE-5" } });
    const flag = flags.find((f) => f.subjectId === invoice.id && (f.params as Record<string, unknown>).invoiceCurrency === "USD");
    expect(flag).toBeDefined();
    expect(flag!.params).toMatchObject({ invoiceCurrency: "USD", orderCurrency: "EUR" });
  });
});
