import { expect, it } from "vitest";
import type { PrismaClient } from "../../../src/generated/prisma/client.ts";
import type { Actor } from "../../../src/domain/actor.ts";
import { decodeCsv, readCsv, writeCsv } from "../../../src/domain/exchange/csv.ts";
import { exportColumns, exportRows } from "../../../src/domain/exchange/export.ts";
import { importRows } from "../../../src/domain/exchange/import.ts";
import { importFile } from "../../../src/domain/exchange/import-file.ts";
import { importReport } from "../../../src/core/messages/exchange.ts";
import { translator } from "../../../src/core/i18n/index.ts";
import { closeCase, openCase, SLA_HOURS } from "../../../src/domain/cases.ts";
import { amendContract, endContract } from "../../../src/domain/contract-changes.ts";
import { reopenCase } from "../../../src/domain/case-changes.ts";
import { contractPrice, logOrder } from "../../../src/domain/orders.ts";
import { addProduct } from "../../../src/domain/products.ts";
import { EXCHANGE_KINDS, REQUIRED_COLUMNS, type ExchangeKind } from "../../../src/domain/exchange/kinds.ts";
import { describeEachDatabase } from "../../support/databases.ts";
import { parse as readCsvCells } from "csv-parse/sync";
import { stringify as stringifyCsv } from "csv-stringify/sync";
import { accountWithProducts, newMember } from "../../support/fixtures.ts";
import { everything, FILES } from "./fixtures.ts";

async function importCsv(db: PrismaClient, actor: Actor, text: string, dryRun = false, kind?: ExchangeKind) {
  const file = readCsv(text, kind ? { kind } : {});
  expect(file.errors).toEqual([]);
  return importRows(db, actor, file.kind!, file.rows, { dryRun });
}

async function organization(db: PrismaClient, kind: ExchangeKind) {
  const base = await accountWithProducts(db);
  await FILES[kind].setup?.(db, base.actor);
  return base;
}

/** The export without what differs between two organizations by construction (the owner's email). */
async function exported(db: PrismaClient, actor: Actor, kind: ExchangeKind) {
  const rows = await exportRows(db, actor, kind, {});
  return rows.map((r) => ("owner" in r && r.owner !== null ? { ...r, owner: "someone" } : "trainer" in r && r.trainer !== null ? { ...r, trainer: "someone" } : r));
}

describeEachDatabase("import and export", (get, kind) => {
  it("refuses the rows of accounts the member may not write (not on the team, a viewer, archived) on their lines, writing nothing", async () => {
    const db = get().prisma;
    const { org, account } = await accountWithProducts(db);
    const { member, actor } = await newMember(db, org.id, "Mia Member");
    const viewed = await db.account.create({ data: { organizationId: org.id, name: "Viewed AG", currency: "EUR" } });
    const archived = await db.account.create({ data: { organizationId: org.id, name: "Old GmbH", currency: "EUR", archivedAt: actor.now } });
    await db.accountTeamMember.create({ data: { accountId: account.id, memberId: member.id, role: "SALES" } });
    await db.accountTeamMember.create({ data: { accountId: viewed.id, memberId: member.id, role: "VIEWER" } });
    await db.accountTeamMember.create({ data: { accountId: archived.id, memberId: member.id, role: "SALES" } });
    await db.account.create({ data: { organizationId: org.id, name: "Elsewhere KG", currency: "EUR" } });
    const file = [
      "account,number,amount,issued_on",
      `${account.name},R-1,10.00,2026-11-01`,
      "Viewed AG,R-2,10.00,2026-11-01",
      "Old GmbH,R-3,10.00,2026-11-01",
      "Elsewhere KG,R-4,10.00,2026-11-01",
    ].join("\n");
    const result = await importFile(db, actor, file, { dryRun: false });
    expect(result.errors.map((e) => [e.line, e.field, e.key])).toEqual([
      [3, "account", "error.forbidden"],
      [4, "account", "lifecycle.accountArchived"],
      [5, "account", "error.forbidden"],
    ]);
    expect(await db.invoice.count({ where: { organizationId: org.id } })).toBe(0);
  });

  it("orders: a line without unit_price takes the contract price in force on the day ordered, as an order logged in chat does", async () => {
    const db = get().prisma;
    const { org, actor, account, bolts } = await accountWithProducts(db);
    const contract = (number: number, startsOn: string, endsOn: string) => db.contract.create({
      data: { organizationId: org.id, number, accountId: account.id, name: `Frame ${number}`, startsOn: new Date(startsOn), endsOn: new Date(endsOn), currency: "EUR" },
    });
    const frame = await contract(1, "2026-01-01", "2026-12-31");
    const next = await contract(2, "2026-10-01", "2027-09-30");
    await db.contractPrice.createMany({
      data: [
        { contractId: frame.id, productId: bolts.id, priceMinor: 200n, validTo: new Date("2026-06-30") },
        { contractId: frame.id, productId: bolts.id, priceMinor: 210n, validFrom: new Date("2026-07-01") },
        { contractId: next.id, productId: bolts.id, priceMinor: 190n },
      ],
    });
    // Before both contracts, the frame's first and amended price, the later-starting contract, after both.
    const days = ["2025-12-15", "2026-03-01", "2026-06-30", "2026-07-01", "2026-09-30", "2026-10-01", "2027-10-01"];
    const file = ["account,order,ordered_on,sku,quantity", ...days.map((d, i) => `${account.name},SO-${i},${d},BOLT-10,1`)].join("\n");
    expect(await importFile(db, actor, file, { dryRun: false })).toMatchObject({ created: days.length, errors: [] });
    const orders = await db.order.findMany({ where: { organizationId: org.id }, include: { lines: true }, orderBy: { number: "asc" } });
    expect(orders.map((o) => Number(o.lines[0]!.unitPriceMinor))).toEqual([250, 200, 200, 210, 210, 190, 250]);
    expect(orders.map((o) => o.orderedAt.toISOString().slice(0, 10))).toEqual(days);
    for (const [i, order] of orders.entries()) {
      const inForce = await contractPrice(db, account.id, bolts.id, new Date(days[i]!));
      expect(order.lines[0]!.unitPriceMinor).toBe(inForce ?? bolts.listPriceMinor);
    }
  });

  it("cases: times without a zone are the organization's wall clock, kept to the minute with the SLA from them, as a case opened in chat", async () => {
    const db = get().prisma;
    const { org, actor } = await accountWithProducts(db);
    await db.organization.update({ where: { id: org.id }, data: { timeZone: "Europe/Berlin" } });
    const file = "account,case,subject,priority,opened_at,closed_at\nACME Holding GmbH,T-1,Late,high,2026-11-02 10:30,2026-11-03 12:00\nACME Holding GmbH,T-2,Open,normal,2026-07-01T09:00:00Z,\n";
    expect(await importFile(db, actor, file, { dryRun: false })).toMatchObject({ created: 2, errors: [] });
    const cases = await db.case.findMany({ where: { organizationId: org.id }, orderBy: { number: "asc" } });
    const at = (d: Date | null) => d?.toISOString() ?? null;
    expect(cases.map((c) => [c.externalRef, c.status, at(c.openedAt), at(c.closedAt), (c.slaDueAt.getTime() - c.openedAt.getTime()) / 3_600_000])).toEqual([
      ["T-1", "CLOSED", "2026-11-02T09:30:00.000Z", "2026-11-03T11:00:00.000Z", SLA_HOURS.HIGH],
      ["T-2", "OPEN", "2026-07-01T09:00:00.000Z", null, SLA_HOURS.NORMAL],
    ]);
  });

  it("a file of new, unchanged and changed records answers in file order, with kam's reference for each", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const file = "sku,name,unit,list_price\nNEW-1,New one,pcs,1.00\nBOLT-10,Bolt M10,pcs,2.50\nNEW-2,New two,kg,3.00\nNUT-10,Nut M10 (zinc),pcs,0.80\n";
    const result = await importFile(db, actor, file, { dryRun: false });
    expect(result.refs.map((r) => [r.line, r.ref, r.outcome])).toEqual([
      [2, "NEW-1", "created"], [3, "BOLT-10", "unchanged"], [4, "NEW-2", "created"], [5, "NUT-10", "changed"],
    ]);
  });

  it("the rows of one order or contract must agree on its own columns: the error names the column and both lines, and nothing is written", async () => {
    const db = get().prisma;
    const { actor, org } = await accountWithProducts(db);
    const orders = "account,order,ordered_on,sku,quantity\nACME Holding GmbH,SO-1,2026-10-15,BOLT-10,1\nACME Holding GmbH,SO-1,2026-10-16,NUT-10,1\n";
    const contracts = "account,contract,name,starts_on,ends_on,sku,price\nACME Holding GmbH,FV-1,Frame,2026-01-01,2026-12-31,BOLT-10,2\nACME Holding GmbH,FV-1,Frame,2026-01-01,2027-12-31,NUT-10,1\n";
    for (const [file, key, field] of [[orders, "import.orderRowsDiffer", "ordered_on"], [contracts, "import.contractRowsDiffer", "ends_on"]] as const) {
      const result = await importFile(db, actor, file, { dryRun: false });
      expect(result.errors).toEqual([{ line: 2, field, key, params: expect.objectContaining({ column: field, first: 2, line: 3 }) }]);
    }
    expect(await db.order.count({ where: { organizationId: org.id } })).toBe(0);
    expect(await db.contract.count({ where: { organizationId: org.id } })).toBe(0);
  });

  it("orders entered in chat export with kam's O-n and import back unchanged; a changed line rewrites that order; an unknown O-n is an error", async () => {
    const db = get().prisma;
    const { actor, org } = await accountWithProducts(db);
    // One logged now (at the request's time of day), one dated.
    await logOrder(db, actor, { account: "ACME", lines: [{ product: "BOLT-10", quantity: 10 }] });
    await logOrder(db, actor, { account: "ACME", lines: [{ product: "BOLT-10", quantity: 5 }, { product: "NUT-10", quantity: 20 }], orderedOn: "2026-10-02" });
    const csv = writeCsv(exportColumns("orders"), await exportRows(db, actor, "orders", {}));
    expect(csv).toMatch(/,O-1,/);
    expect(await importCsv(db, actor, csv, false, "orders")).toMatchObject({ created: 0, changed: 0, unchanged: 2, errors: [] });
    const changed = csv.replace(/(,O-2,[^\n]*NUT-10,)20(,)/, "$125$2");
    expect(changed).not.toBe(csv);
    const result = await importCsv(db, actor, changed, false, "orders");
    expect(result).toMatchObject({ created: 0, changed: 1, unchanged: 1, errors: [] });
    const o2 = await db.order.findFirstOrThrow({ where: { organizationId: org.id, number: 2 }, include: { lines: { orderBy: { lineNo: "asc" } } } });
    expect([o2.version, o2.lines.map((l) => Number(l.quantity))]).toEqual([2, [5, 25]]);
    const unknown = await importFile(db, actor, "account,order,ordered_on,sku,quantity\nACME Holding GmbH,O-99,2026-10-15,BOLT-10,1\n", { dryRun: false });
    expect(unknown.errors.map((e) => [e.line, e.field, e.key])).toEqual([[2, "order", "error.notFound"]]);
  });

  for (const [kind, field] of [["orders", "order"], ["contracts", "contract"], ["cases", "case"], ["trainings", "training"], ["programs", "program"]] as const) {
    it(`${kind}: a row that names another account's record by its ERP number needs the right to write that account too (else nothing changes)`, async () => {
      const db = get().prisma;
      const { actor, org } = await organization(db, kind);
      await importCsv(db, actor, FILES[kind].en);
      const other = await db.account.create({ data: { organizationId: org.id, name: "Other AG", currency: "EUR" } });
      const { member, actor: sales } = await newMember(db, org.id, "Sam Sales");
      await db.accountTeamMember.create({ data: { accountId: other.id, memberId: member.id, role: "SALES" } });
      const before = await everything(db, org.id);
      // The same records, moved to the account Sam may write: ACME's are not Sam's to change.
      const moved = FILES[kind].en.replaceAll("ACME Holding GmbH", "Other AG");
      const result = await importFile(db, sales, moved, { dryRun: false });
      expect(result.errors.length).toBe(FILES[kind].records);
      for (const e of result.errors) expect([e.field, e.key, e.params.account]).toEqual([field, "import.otherAccountRecord", "ACME Holding GmbH"]);
      expect(await everything(db, org.id)).toEqual(before);
      // On both teams, Sam may move them.
      const acme = await db.account.findFirstOrThrow({ where: { organizationId: org.id, name: "ACME Holding GmbH" } });
      await db.accountTeamMember.create({ data: { accountId: acme.id, memberId: member.id, role: "SALES" } });
      expect(await importFile(db, sales, moved, { dryRun: false })).toMatchObject({ errors: [], changed: FILES[kind].records });
    });
  }

  it("cases opened and reopened in chat export and import back unchanged: their instants to the millisecond, their SLA as it is", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const at = (iso: string) => ({ ...actor, now: new Date(iso) });
    const kase = await openCase(db, at("2026-11-20T09:15:42.123Z"), { account: "ACME", subject: "Late pallet" });
    await closeCase(db, at("2026-11-21T10:00:00.456Z"), { case: `C-${kase.number}` });
    await reopenCase(db, at("2026-11-22T11:30:00.789Z"), { case: `C-${kase.number}` });
    await openCase(db, at("2026-11-23T08:00:00.001Z"), { account: "ACME", subject: "Wrong invoice" });
    const before = await db.case.findMany({ where: { organizationId: actor.organizationId }, orderBy: { number: "asc" } });
    const csv = writeCsv(exportColumns("cases"), await exportRows(db, actor, "cases", {}));
    expect(await importCsv(db, actor, csv, false, "cases")).toMatchObject({ created: 0, changed: 0, unchanged: 2, errors: [] });
    expect(await db.case.findMany({ where: { organizationId: actor.organizationId }, orderBy: { number: "asc" } })).toEqual(before);
  });

  it("invoices: a number in other letter case is the same invoice; a bare number in the order column is the ERP's, never kam's O-n", async () => {
    const db = get().prisma;
    const { actor, org } = await accountWithProducts(db);
    await logOrder(db, actor, { account: "ACME", lines: [{ product: "BOLT-10", quantity: 10 }] });
    await importFile(db, actor, "account,number,amount,issued_on\nACME Holding GmbH,R-100,25,2026-10-20\n", { dryRun: false });
    expect(await importFile(db, actor, "account,number,amount,issued_on\nACME Holding GmbH,r-100,25,2026-10-20\n", { dryRun: false }))
      .toMatchObject({ created: 0, unchanged: 1, errors: [] });
    expect(await db.invoice.count({ where: { organizationId: org.id } })).toBe(1);
    const bare = await importFile(db, actor, "account,number,amount,issued_on,order\nACME Holding GmbH,R-101,25,2026-10-20,1\nACME Holding GmbH,R-102,25,2026-10-20,#1\n", { dryRun: false });
    expect(bare.errors.map((e) => [e.line, e.field, e.key])).toEqual([[2, "order", "error.notFound"], [3, "order", "error.notFound"]]);
    expect(await importFile(db, actor, "account,number,amount,issued_on,order\nACME Holding GmbH,R-101,25,2026-10-20,O-1\n", { dryRun: false }))
      .toMatchObject({ created: 1, errors: [] });
  });

  it("an empty cell (null in the API) clears an optional field, a column left out keeps it: paid_on, order, closed_at", async () => {
    const db = get().prisma;
    const { actor, org } = await accountWithProducts(db);
    await logOrder(db, actor, { account: "ACME", lines: [{ product: "BOLT-10", quantity: 10 }], orderedOn: "2026-10-01" });
    await importFile(db, actor, "account,number,amount,currency,issued_on,due_on,paid_on,order\nACME Holding GmbH,RE-1,25,USD,2026-10-20,2026-12-01,2026-11-10,O-1\n", { dryRun: false });
    const invoice = () => db.invoice.findFirstOrThrow({ where: { organizationId: org.id, number: "RE-1" } });
    const paid = await invoice();
    // The ERP's list of payments knows nothing of orders or terms: those stay.
    const payments = await importFile(db, actor, "account,number,amount,issued_on,paid_on\nACME Holding GmbH,RE-1,25,2026-10-20,\n", { dryRun: false });
    expect(payments).toMatchObject({ changed: 1, errors: [], kept: ["currency", "due_on", "order"] });
    expect(importReport(translator("en"), payments)).toContain("Not in the file, so left as they are on the record it matches: currency, due_on, order.");
    expect(await invoice()).toMatchObject({ paidOn: null, dueOn: paid.dueOn, orderId: paid.orderId, currency: "USD", version: 2 });
    // The same through the API's rows: a field left out keeps, null clears.
    const api = (values: Record<string, unknown>) => importRows(db, actor, "invoices", [{ line: 1, values }], { dryRun: false });
    expect(await api({ account: "ACME Holding GmbH", number: "RE-1", amount: 25, issued_on: "2026-10-20", paid_on: "2026-11-12" })).toMatchObject({ changed: 1, errors: [] });
    expect(await invoice()).toMatchObject({ paidOn: new Date("2026-11-12"), orderId: paid.orderId });
    expect(await api({ account: "ACME Holding GmbH", number: "RE-1", amount: 25, issued_on: "2026-10-20", order: null })).toMatchObject({ changed: 1, errors: [] });
    expect(await invoice()).toMatchObject({ paidOn: new Date("2026-11-12"), orderId: null, dueOn: paid.dueOn });

    await importFile(db, actor, "account,case,subject,opened_at,closed_at\nACME Holding GmbH,HD-1,Leak,2026-11-02 09:00,2026-11-03 10:00\n", { dryRun: false });
    const kase = () => db.case.findFirstOrThrow({ where: { organizationId: org.id, externalRef: "HD-1" } });
    expect(await importFile(db, actor, "account,case,subject,opened_at\nACME Holding GmbH,HD-1,Leak,2026-11-02 09:00\n", { dryRun: false }))
      .toMatchObject({ unchanged: 1, errors: [] });
    expect(await kase()).toMatchObject({ status: "CLOSED" });
    expect(await importFile(db, actor, "account,case,subject,opened_at,closed_at\nACME Holding GmbH,HD-1,Leak,2026-11-02 09:00,\n", { dryRun: false }))
      .toMatchObject({ changed: 1, errors: [] });
    expect(await kase()).toMatchObject({ status: "OPEN", closedAt: null });
  });

  it("kam's references in any spelling name one record: an order's rows as O-1 and o-01 are one order; a case as C-1 and c-1 repeats", async () => {
    const db = get().prisma;
    const { actor, org } = await accountWithProducts(db);
    const order = await logOrder(db, actor, { account: "ACME", lines: [{ product: "BOLT-10", quantity: 10 }], orderedOn: "2026-10-01" });
    const file = "account,order,ordered_on,sku,quantity,unit_price\nACME Holding GmbH,O-1,2026-10-01,BOLT-10,5,2.50\nACME Holding GmbH,o-01,2026-10-01,NUT-10,3,0.80\n";
    expect(await importFile(db, actor, file, { dryRun: false })).toMatchObject({ changed: 1, errors: [] });
    const after = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { lines: { include: { product: true }, orderBy: { lineNo: "asc" } } } });
    expect([after.version, after.lines.map((l) => [l.product.sku, Number(l.quantity)])]).toEqual([2, [["BOLT-10", 5], ["NUT-10", 3]]]);
    const kase = await openCase(db, actor, { account: "ACME", subject: "Late pallet" });
    const cases = `account,case,subject,priority,opened_at\nACME Holding GmbH,C-${kase.number},Late pallet,normal,2026-11-26T10:00:00Z\nACME Holding GmbH,c-${kase.number},Late pallet,high,2026-11-26T10:00:00Z\n`;
    const repeated = await importFile(db, actor, cases, { dryRun: false });
    expect(repeated.errors.map((e) => [e.line, e.field, e.key])).toEqual([[3, "case", "import.duplicateRow"]]);
    expect(await db.order.count({ where: { organizationId: org.id } })).toBe(1);
  });

  it("an amount with more decimals than its currency has is refused on its line, not rounded (1234.56 JPY)", async () => {
    const db = get().prisma;
    const { actor, org } = await accountWithProducts(db);
    const file = "account,number,amount,currency,issued_on\nACME Holding GmbH,R-1,1234.56,JPY,2026-10-20\nACME Holding GmbH,R-2,1234,JPY,2026-10-20\n";
    const result = await importFile(db, actor, file, { dryRun: false });
    expect(result.errors).toEqual([{ line: 2, field: "amount", key: "usage.amountDecimals", params: expect.objectContaining({ text: "1234.56", currency: "JPY", decimals: 0 }) }]);
    expect(await db.invoice.count({ where: { organizationId: org.id } })).toBe(0);
    expect(await importFile(db, actor, file.split("\n").filter((l) => !l.includes("R-1,")).join("\n"), { dryRun: false })).toMatchObject({ created: 1, errors: [] });
  });

  it("a file saved by Excel as plain CSV (Windows-1252) reads as a UTF-8 one does: Südhafen stays Südhafen", async () => {
    const db = get().prisma;
    const { actor, org } = await accountWithProducts(db);
    const text = "name,currency\nSüdhafen Logistik GmbH,EUR\nCafé Crème SARL,EUR\n";
    const cp1252 = Uint8Array.from([...text].map((c) => c.charCodeAt(0)));
    expect(cp1252.includes(0xfc)).toBe(true);
    expect(await importFile(db, actor, decodeCsv(cp1252), { dryRun: false })).toMatchObject({ created: 2, errors: [] });
    const utf8 = new TextEncoder().encode(`\uFEFF${text.replace("Südhafen", "Nordhafen").replace("Café", "Thé")}`);
    expect(await importFile(db, actor, decodeCsv(utf8), { dryRun: false })).toMatchObject({ created: 2, errors: [] });
    const names = (await db.account.findMany({ where: { organizationId: org.id }, orderBy: { name: "asc" } })).map((a) => a.name);
    expect(names).toEqual(["ACME Holding GmbH", "Café Crème SARL", "Nordhafen Logistik GmbH", "Südhafen Logistik GmbH", "Thé Crème SARL"]);
  });

  it("accounts: a file changes no currency already priced in, no archived account and no ERP number an account has", async () => {
    const db = get().prisma;
    const { actor, org } = await accountWithProducts(db);
    await logOrder(db, actor, { account: "ACME", lines: [{ product: "BOLT-10", quantity: 1 }] });
    await importFile(db, actor, "name,currency,external_id\nMüller GmbH,EUR,100\nOld AG,EUR,\n", { dryRun: false });
    await db.account.updateMany({ where: { organizationId: org.id, name: "Old AG" }, data: { archivedAt: actor.now } });
    const before = await everything(db, org.id);
    const file = "name,currency,external_id\nACME Holding GmbH,USD,\nMüller GmbH,EUR,200\nOld AG,EUR,300\n";
    const result = await importFile(db, actor, file, { dryRun: false });
    expect(result.errors.map((e) => [e.line, e.field, e.key])).toEqual([
      [2, "currency", "lifecycle.currencyInUse"],
      [3, "external_id", "import.externalIdTaken"],
      [4, "name", "lifecycle.accountArchived"],
    ]);
    expect(await everything(db, org.id)).toEqual(before);
    // Unchanged, an archived account imports back as exported.
    expect(await importFile(db, actor, "name,currency\nOld AG,EUR\n", { dryRun: false })).toMatchObject({ unchanged: 1, errors: [] });
  });

  it("contracts: one ended on its first day in chat exports and imports back unchanged; a new one must run a day", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const file = "account,contract,name,starts_on,ends_on\nACME Holding GmbH,RV-1,Frame,2026-01-01,2026-12-31\n";
    await importFile(db, actor, file, { dryRun: false });
    const contract = await db.contract.findFirstOrThrow({ where: { organizationId: actor.organizationId, externalRef: "RV-1" } });
    await endContract(db, actor, { contract: `K-${contract.number}`, endsOn: "2026-01-01" });
    const csv = writeCsv(exportColumns("contracts"), await exportRows(db, actor, "contracts", {}));
    expect(await importCsv(db, actor, csv, false, "contracts")).toMatchObject({ changed: 0, unchanged: 1, errors: [] });
    const oneDay = await importFile(db, actor, "account,contract,name,starts_on,ends_on\nACME Holding GmbH,RV-2,Frame,2026-01-01,2026-01-01\n", { dryRun: false });
    expect(oneDay.errors.map((e) => [e.line, e.field, e.key])).toEqual([[2, "ends_on", "error.dateTooEarly"]]);
  });

  it("contracts: a price changed during the term (price_from) exports and imports back unchanged, and a file can give one", async () => {
    const db = get().prisma;
    const { actor, account, bolts } = await accountWithProducts(db);
    await importFile(db, actor, "account,contract,name,starts_on,ends_on,sku,price\nACME Holding GmbH,RV-1,Frame,2026-01-01,2026-12-31,BOLT-10,2.00\n", { dryRun: false });
    await amendContract(db, actor, { contract: "RV-1", price: { product: "BOLT-10", minor: 210, from: "2026-07-01" } });
    await amendContract(db, actor, { contract: "RV-1", price: { product: "BOLT-10", minor: 220, from: "2026-10-01" } });
    const rows = await exportRows(db, actor, "contracts", {});
    expect(rows.map((r) => [r.price, r.price_from])).toEqual([[2, null], [2.1, "2026-07-01"], [2.2, "2026-10-01"]]);
    // A file with prices and no price_from gives whole-term prices: the report does not call that column kept.
    const wholeTerm = await importFile(db, actor, "account,contract,name,starts_on,ends_on,sku,price\nACME Holding GmbH,RV-1,Frame,2026-01-01,2026-12-31,BOLT-10,2.00\n", { dryRun: true });
    expect(wholeTerm).toMatchObject({ changed: 1, errors: [] });
    expect(wholeTerm.kept).not.toContain("price_from");
    const csv = writeCsv(exportColumns("contracts"), rows);
    expect(await importCsv(db, actor, csv, false, "contracts")).toMatchObject({ changed: 0, unchanged: 1, errors: [] });

    // The same chain from a file, on a new contract: each price in force up to the day before the next.
    const file = csv.replaceAll("RV-1", "RV-2").replace("2026-01-01,2026-12-31", "2026-01-01,2026-12-31");
    expect(await importCsv(db, actor, file, false, "contracts")).toMatchObject({ created: 1, errors: [] });
    const price = async (day: string) => Number(await contractPrice(db, account.id, bolts.id, new Date(day)));
    expect(await Promise.all(["2026-03-01", "2026-06-30", "2026-07-01", "2026-09-30", "2026-10-01", "2026-12-31"].map(price))).toEqual([200, 200, 210, 210, 220, 220]);
    const [, v2] = await db.contract.findMany({ where: { organizationId: actor.organizationId }, orderBy: { number: "asc" }, include: { prices: { orderBy: { priceMinor: "asc" } } } });
    expect(v2!.prices.map((p) => [p.validFrom, p.validTo])).toEqual([
      [null, new Date("2026-06-30")], [new Date("2026-07-01"), new Date("2026-09-30")], [new Date("2026-10-01"), null],
    ]);

    const bad = await importFile(db, actor, [
      "account,contract,name,starts_on,ends_on,sku,price,price_from",
      "ACME Holding GmbH,RV-3,Frame,2026-01-01,2026-12-31,BOLT-10,2.00,2026-05-01",
      "ACME Holding GmbH,RV-3,Frame,2026-01-01,2026-12-31,BOLT-10,2.10,2026-05-01",
      "ACME Holding GmbH,RV-3,Frame,2026-01-01,2026-12-31,BOLT-10,2.20,2027-02-01",
      "ACME Holding GmbH,RV-3,Frame,2026-01-01,2026-12-31,NUT-10,,2026-03-01",
    ].join("\n"), { dryRun: false });
    expect(bad.errors.map((e) => [e.line, e.field, e.key])).toEqual([
      [3, "price_from", "import.samePriceFrom"], [4, "price_from", "error.endAfterTerm"], [5, "price_from", "import.priceFromNeedsPrice"],
    ]);
  });

  it("columns left out keep what they mean, not just their value: an order line's price per line and currency, a commitment's period, prices on a moved term", async () => {
    const db = get().prisma;
    const { actor, org } = await accountWithProducts(db);
    const orders = "account,order,ordered_on,sku,quantity,unit_price\nACME Holding GmbH,SO-1,2026-10-01,BOLT-10,10,2.00\nACME Holding GmbH,SO-1,2026-10-01,BOLT-10,2,0\n";
    expect(await importFile(db, actor, orders, { dryRun: false })).toMatchObject({ created: 1, errors: [] });
    // Without unit_price: the paid line and the free one keep their own prices.
    const slim = "account,order,ordered_on,sku,quantity\nACME Holding GmbH,SO-1,2026-10-01,BOLT-10,10\nACME Holding GmbH,SO-1,2026-10-01,BOLT-10,2\n";
    expect(await importFile(db, actor, slim, { dryRun: false })).toMatchObject({ unchanged: 1, errors: [] });
    // In another currency, a euro price is no yen price: the line needs one.
    const yen = await importFile(db, actor, "account,order,ordered_on,sku,quantity,currency\nACME Holding GmbH,SO-1,2026-10-01,BOLT-10,10,JPY\nACME Holding GmbH,SO-1,2026-10-01,BOLT-10,2,JPY\n", { dryRun: false });
    expect(yen.errors.map((e) => [e.line, e.field, e.key])).toEqual([[2, "unit_price", "import.priceNeeded"], [3, "unit_price", "import.priceNeeded"]]);
    // API rows of one order: a field one leaves out and another clears disagree.
    const api = await importRows(db, actor, "orders", [
      { line: 1, values: { account: "ACME Holding GmbH", order: "SO-1", ordered_on: "2026-10-01", sku: "BOLT-10", quantity: 10 } },
      { line: 2, values: { account: "ACME Holding GmbH", order: "SO-1", ordered_on: "2026-10-01", sku: "BOLT-10", quantity: 2, po: null } },
    ], { dryRun: false });
    expect(api.errors.map((e) => [e.line, e.field, e.key])).toEqual([[1, "po", "import.orderRowsDiffer"]]);

    const contract = "account,contract,name,starts_on,ends_on,sku,price,commit_quantity,commit_period\nACME Holding GmbH,RV-1,Frame,2026-01-01,2026-12-31,BOLT-10,2.00,100,quarter\n";
    expect(await importFile(db, actor, contract, { dryRun: false })).toMatchObject({ created: 1, errors: [] });
    expect(await importFile(db, actor, "account,contract,name,starts_on,ends_on,sku,commit_quantity\nACME Holding GmbH,RV-1,Frame,2026-01-01,2026-12-31,BOLT-10,100\n", { dryRun: false }))
      .toMatchObject({ unchanged: 1, errors: [] });
    // Amended, then ended before the amendment: its export imports back as it is.
    await amendContract(db, actor, { contract: "RV-1", price: { product: "BOLT-10", minor: 210, from: "2026-10-01" } });
    await endContract(db, actor, { contract: "RV-1", endsOn: "2026-09-15" });
    const roundTrip = async () => importCsv(db, actor, writeCsv(exportColumns("contracts"), await exportRows(db, actor, "contracts", {})), false, "contracts");
    expect(await roundTrip()).toMatchObject({ changed: 0, unchanged: 1, errors: [] });
    // A terms-only file that moves the start past a price change: the change's price is the whole term's now.
    await amendContract(db, actor, { contract: "RV-1", price: { product: "BOLT-10", minor: 205, from: "2026-07-01" } });
    expect(await importFile(db, actor, "account,contract,name,starts_on,ends_on\nACME Holding GmbH,RV-1,Frame,2026-08-01,2026-09-15\n", { dryRun: false }))
      .toMatchObject({ changed: 1, errors: [] });
    const prices = await db.contractPrice.findMany({ where: { contract: { organizationId: org.id, externalRef: "RV-1" } }, orderBy: { priceMinor: "asc" } });
    // (The change from 1 July replaced the later one, as amend does; the price before it ended on 30 June, before the new start.)
    expect(prices.map((p) => [Number(p.priceMinor), p.validFrom, p.validTo])).toEqual([[205, null, null]]);
    expect(await roundTrip()).toMatchObject({ changed: 0, errors: [] });
  });

  it("a dry run (a chat preview) does not wait for the organization's import in progress", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const file = "account,number,amount,issued_on\nACME Holding GmbH,RE-LOCK,10,2026-10-01\n";
    // Another import holds the organization's turn (on PGlite, one connection: the turn is the connection's).
    const preview = await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`kam:import:${actor.organizationId}`}, 0))`;
      return kind === "postgres" ? importFile(db, actor, file, { dryRun: true }) : null;
    });
    if (preview) expect(preview).toMatchObject({ created: 1, errors: [], dryRun: true });
    expect(await importFile(db, actor, file, { dryRun: false })).toMatchObject({ created: 1, errors: [] });
  });

  it("a text a spreadsheet would run as a formula is exported behind an apostrophe, and imported back as it was", async () => {
    const db = get().prisma;
    const { actor } = await accountWithProducts(db);
    const names = ['=HYPERLINK("https://example.invalid","Open")', "+49 89 1234", "-20% promo", "@SUM(A1)", "'=already quoted", "Plain 'quote'", "x=y"];
    // As chat or the API take them: a product's name is anything.
    for (const [i, name] of names.entries()) await addProduct(db, actor, { sku: `P-${i}`, name, listPrice: { minor: 100 } });
    const csv = writeCsv(exportColumns("products"), await exportRows(db, actor, "products", {}));
    const cells = readCsvCells(csv).filter((r) => r[0]!.startsWith("P-")).map((r) => r[1]);
    expect(cells).toEqual([`'${names[0]}`, `'${names[1]}`, `'${names[2]}`, `'${names[3]}`, `''=already quoted`, "Plain 'quote'", "x=y"]);
    expect(await importCsv(db, actor, csv, false, "products")).toMatchObject({ created: 0, changed: 0, errors: [] });
    const stored = await db.product.findMany({ where: { organizationId: actor.organizationId, sku: { startsWith: "P-" } }, orderBy: { sku: "asc" } });
    expect(stored.map((p) => p.name)).toEqual(names);
  });

  for (const kind of EXCHANGE_KINDS) {
    const files = FILES[kind];

    it(`${kind}: a dry run reports what the import does and writes nothing; the import creates, a re-import changes nothing`, async () => {
      const db = get().prisma;
      const { actor, org } = await organization(db, kind);
      const before = await everything(db, org.id);
      const preview = await importCsv(db, actor, files.en, true);
      expect(preview).toMatchObject({ kind, created: files.records, changed: 0, unchanged: 0, errors: [], dryRun: true });
      expect(await everything(db, org.id)).toEqual(before);

      const applied = await importCsv(db, actor, files.en);
      expect(applied).toMatchObject({ kind, created: files.records, changed: 0, unchanged: 0, errors: [], dryRun: false });
      const after = await everything(db, org.id);
      expect(after).not.toEqual(before);

      const again = await importCsv(db, actor, files.en);
      expect(again).toMatchObject({ created: 0, changed: 0, unchanged: files.records, errors: [] });
      expect(again.refs.map((r) => r.ref)).toEqual(applied.refs.map((r) => r.ref));
      expect(await everything(db, org.id)).toEqual(after);
    });

    it(`${kind}: a changed row updates its record, bumps its version and audits the change`, async () => {
      const db = get().prisma;
      const { actor, org } = await organization(db, kind);
      await importCsv(db, actor, files.en);
      const result = await importCsv(db, actor, files.changed);
      expect(result).toMatchObject({ created: 0, changed: 1, unchanged: files.records - 1, errors: [] });
      const events = await db.auditEvent.findMany({ where: { organizationId: org.id, action: { endsWith: ".import" } }, orderBy: { createdAt: "asc" } });
      const change = events.find((e) => (e.data as { version?: number }).version === 2)!;
      expect(change).toBeDefined();
      const changes = (change.data as { changes: Record<string, { before: unknown; after: unknown }> }).changes;
      expect(Object.keys(changes).length).toBeGreaterThan(0);
      for (const c of Object.values(changes)) expect(c.before).not.toEqual(c.after);
      const model = change.entityType.charAt(0).toLowerCase() + change.entityType.slice(1);
      const record = await (db as unknown as Record<string, { findUniqueOrThrow(q: unknown): Promise<{ version: number }> }>)[model]!.findUniqueOrThrow({ where: { id: change.entityId } });
      expect(record.version).toBe(2);
      expect(await importCsv(db, actor, files.changed)).toMatchObject({ changed: 0, unchanged: files.records });
    });

    it(`${kind}: a file with errors names every one with its line and field, and writes nothing`, async () => {
      const db = get().prisma;
      const { actor, org } = await organization(db, kind);
      const before = await everything(db, org.id);
      const result = await importFile(db, actor, files.bad, { dryRun: false });
      const errors = result.errors;
      expect(result.kind).toBe(kind);
      expect(errors.map((e) => ({ line: e.line, field: e.field }))).toEqual(files.badErrors);
      for (const e of errors) expect(e.key).toMatch(/^(error|import)\./);
      expect(await everything(db, org.id)).toEqual(before);
    });

    it(`${kind}: the German file (;, decimal comma, 31.12.2026, German headers, BOM) gives the same records as the English one`, async () => {
      const db = get().prisma;
      const english = await organization(db, kind);
      const german = await organization(db, kind);
      const de = readCsv(files.de);
      expect(de).toMatchObject({ kind, delimiter: ";", decimal: ",", errors: [] });
      await importCsv(db, english.actor, files.en);
      expect(await importCsv(db, german.actor, files.de)).toMatchObject({ created: files.records, errors: [] });
      expect(await exported(db, german.actor, kind)).toEqual(await exported(db, english.actor, kind));
      // And the English file then changes nothing in the German organization.
      expect(await importCsv(db, german.actor, files.en)).toMatchObject({ created: 0, changed: 0, unchanged: files.records });
    });

    it(`${kind}: a file of only the required columns changes nothing: the columns it does not have keep what the records hold`, async () => {
      const db = get().prisma;
      const { actor, org } = await organization(db, kind);
      await importCsv(db, actor, files.en);
      const [header, ...body] = readCsvCells(files.en) as string[][];
      const keep = REQUIRED_COLUMNS[kind].map((c) => header!.indexOf(c));
      const slim = stringifyCsv([REQUIRED_COLUMNS[kind], ...body.map((r) => keep.map((i) => r[i]))]);
      const before = { rows: await exported(db, actor, kind), counts: await everything(db, org.id) };
      const result = await importCsv(db, actor, slim, false, kind);
      expect(result).toMatchObject({ created: 0, changed: 0, unchanged: files.records, errors: [] });
      expect({ rows: await exported(db, actor, kind), counts: await everything(db, org.id) }).toEqual(before);
    });

    it(`${kind}: export → import is a round trip that changes nothing`, async () => {
      const db = get().prisma;
      const { actor, org } = await organization(db, kind);
      await importCsv(db, actor, files.en);
      const csv = writeCsv(exportColumns(kind), await exportRows(db, actor, kind, {}));
      const before = await everything(db, org.id);
      const result = await importCsv(db, actor, csv, false, kind);
      expect(result.errors).toEqual([]);
      expect(result.created + result.changed).toBe(0);
      expect(result.unchanged).toBeGreaterThan(0);
      expect(await everything(db, org.id)).toEqual(before);
    });
  }
});
