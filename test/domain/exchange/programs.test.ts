import { expect, it } from "vitest";
import { readCsv, templateCsv, writeCsv } from "../../../src/domain/exchange/csv.ts";
import { exportColumns, exportRows } from "../../../src/domain/exchange/export.ts";
import { importRows } from "../../../src/domain/exchange/import.ts";
import { describeEachDatabase } from "../../support/databases.ts";
import { chat, replyText } from "../../support/chat.ts";
import { accountWithProducts } from "../../support/fixtures.ts";
import { TEST_NOW } from "../../support/clock.ts";

describeEachDatabase("programs as CSV", (get) => {
  it("programs entered in chat export with kam's MP-n and import back unchanged; status ended ends a running program", async () => {
    const db = get().prisma;
    const { actor, org } = await accountWithProducts(db);
    expect(templateCsv("programs")).toBe("account,program,name,starts_on,ends_on,products,budget,currency,status\n");
    const { say } = chat(db, actor, { now: TEST_NOW });
    await say("program add acme Winter from 2026-11-20 to 2026-12-31 products NUT-10 BOLT-10 budget 2.500,50 €");
    await say("program add acme Summer from 2026-06-01 to 2026-06-30");
    await say("program add acme Next from 2027-01-01 to 2027-01-31 budget USD 99");

    const rows = await exportRows(db, actor, "programs", {});
    expect(rows).toEqual([
      { account: "ACME Holding GmbH", program: "MP-2", name: "Summer", starts_on: "2026-06-01", ends_on: "2026-06-30", products: null, budget: null, currency: "EUR", status: "ended" },
      { account: "ACME Holding GmbH", program: "MP-1", name: "Winter", starts_on: "2026-11-20", ends_on: "2026-12-31", products: "BOLT-10 NUT-10", budget: 2500.5, currency: "EUR", status: "running" },
      { account: "ACME Holding GmbH", program: "MP-3", name: "Next", starts_on: "2027-01-01", ends_on: "2027-01-31", products: null, budget: 99, currency: "USD", status: "planned" },
    ]);
    expect((await exportRows(db, actor, "programs", { since: "2026-12-01" })).map((r) => r.program)).toEqual(["MP-1", "MP-3"]);
    const csv = writeCsv(exportColumns("programs"), rows);
    const file = readCsv(csv);
    expect(file).toMatchObject({ kind: "programs", errors: [] });
    expect(await importRows(db, actor, "programs", file.rows, { dryRun: false })).toMatchObject({ created: 0, changed: 0, unchanged: 3, errors: [] });

    // The same file saying MP-1 ended: it is ended now (its days as the file says); again: unchanged.
    const ending = readCsv(csv.replace("BOLT-10 NUT-10,2500.5,EUR,running", "BOLT-10 NUT-10,2500.5,EUR,ended"));
    expect(await importRows(db, actor, "programs", ending.rows, { dryRun: false })).toMatchObject({ created: 0, changed: 1, unchanged: 2 });
    const ended = await db.marketingProgram.findFirstOrThrow({ where: { organizationId: org.id, number: 1 } });
    expect(ended.endedAt).toEqual(TEST_NOW);
    expect(ended.version).toBe(2);
    expect(await importRows(db, actor, "programs", ending.rows, { dryRun: false })).toMatchObject({ changed: 0, unchanged: 3 });
    expect(replyText(await say("program show MP-1"))).toMatch(/Status: ended/);
    expect(replyText(await say("history MP-1"))).toMatch(/program imported/);
    // Scalar changes of an import are undone like any change.
    expect(replyText(await say("undo"))).toMatch(/Undone: .* MP-1/);
    expect(replyText(await say("program show MP-1"))).toMatch(/Status: running/);

    // A change of products is audited and final for undo (import again to correct it).
    const fewer = readCsv(csv.replace("BOLT-10 NUT-10,2500.5", "NUT-10,2500.5"));
    expect(await importRows(db, actor, "programs", fewer.rows, { dryRun: false })).toMatchObject({ changed: 1, unchanged: 2 });
    expect(replyText(await say("program show MP-1"))).toMatch(/Products: NUT-10\n/);
    expect(replyText(await say("undo"))).toMatch(/cannot be undone: an import is corrected by importing the file again/);

    // A reference kam never gave, and an unknown account, are errors on their lines; nothing is written.
    const bad = readCsv("account,program,name,starts_on,ends_on\nACME Holding GmbH,MP-77,Ghost,2026-12-01,2026-12-02\nNobody AG,X-1,Nobody,2026-12-01,2026-12-02\n");
    const refused = await importRows(db, actor, "programs", bad.rows, { dryRun: false });
    expect(refused.errors.map((e) => [e.line, e.field, e.key])).toEqual([[2, "program", "error.notFound"], [3, "account", "error.notFound"]]);
    expect(await db.marketingProgram.count({ where: { organizationId: org.id } })).toBe(3);
  });
});
