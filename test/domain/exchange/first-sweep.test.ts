import { expect, it } from "vitest";
import type { PrismaClient } from "../../../src/generated/prisma/client.ts";
import type { Actor } from "../../../src/domain/actor.ts";
import { runChecks } from "../../../src/domain/checks.ts";
import { importFile } from "../../../src/domain/exchange/import-file.ts";
import { listFlags } from "../../../src/domain/flags.ts";
import { addInvoice } from "../../../src/domain/invoices.ts";
import type { OutboxPayload } from "../../../src/domain/notifications.ts";
import { importReport } from "../../../src/core/messages/exchange.ts";
import { flagsReply } from "../../../src/core/messages/flags.ts";
import { translator } from "../../../src/core/i18n/index.ts";
import type { Block } from "../../../src/core/reply.ts";
import { Readers } from "../../../src/scheduler/readers.ts";
import { describeEachDatabase } from "../../support/databases.ts";
import { accountWithProducts } from "../../support/fixtures.ts";

const HOUR = 3_600_000;
const textOf = (blocks: Block[]) => blocks.map((b) => (b.kind === "text" || b.kind === "heading" ? b.text : b.kind === "list" ? b.items.join("\n") : "")).join("\n");
const buttonsOf = (blocks: Block[]) => blocks.flatMap((b) => (b.kind === "actions" ? b.buttons : []));

/** Paid invoices of the last 90 days (the checks look back that far) that name no order: each one flag (invoice without order), none a duplicate of another. */
function invoiceFile(account: string, count: number): string {
  const rows = ["account,number,amount,currency,issued_on,paid_on"];
  for (let i = 0; i < count; i++) {
    const day = new Date(Date.UTC(2026, 8, 1) + (i % 85) * 86_400_000).toISOString().slice(0, 10);
    rows.push(`${account},HIST-${i + 1},${100 + i * 7}.${String(i % 100).padStart(2, "0")},EUR,${day},${day}`);
  }
  return rows.join("\n") + "\n";
}

async function importedAccount(db: PrismaClient) {
  const base = await accountWithProducts(db);
  await db.channelBinding.create({ data: { organizationId: base.org.id, accountId: base.account.id, platform: "SLACK", channelId: "C-ACME" } });
  // The organization has been checked before: only the import makes this account's sweep a first one.
  await runChecks(db, base.org.id, { now: new Date(base.actor.now.getTime() - 24 * HOUR) });
  return base;
}

const byRule = (items: { rule: string }[]) => {
  const counts: Record<string, number> = {};
  for (const i of items) counts[i.rule] = (counts[i.rule] ?? 0) + 1;
  return counts;
};

describeEachDatabase("the first sweep after an import", (get) => {
  it("announces 200 new flags of an imported account as one summary; flags <account> lists all 200; the import forecast them, dry run too", async () => {
    const db = get().prisma;
    const { actor, org, account } = await importedAccount(db);
    const file = invoiceFile(account.name, 200);

    const dry = await importFile(db, actor, file, { dryRun: true });
    expect(dry).toMatchObject({ kind: "invoices", created: 200, errors: [], dryRun: true });
    expect(dry.forecast).toEqual([{ rule: "invoice.no-order", count: 200 }]);
    expect(await db.invoice.count({ where: { organizationId: org.id } })).toBe(0);
    expect((await db.account.findUniqueOrThrow({ where: { id: account.id } })).importedAt).toBeNull();
    const report = importReport(translator("en"), dry).join("\n");
    expect(report).toContain("The next check will flag about 200 problems");
    expect(report).toContain("Invoice without order: 200");
    expect(importReport(translator("de"), dry).join("\n")).toContain("etwa 200 Probleme");

    const applied = await importFile(db, actor, file, { dryRun: false });
    expect(applied).toMatchObject({ created: 200, errors: [], dryRun: false });
    expect(applied.forecast).toEqual(dry.forecast);
    expect((await db.account.findUniqueOrThrow({ where: { id: account.id } })).importedAt).toEqual(actor.now);

    const sweep = await runChecks(db, org.id, { now: new Date(actor.now.getTime() + HOUR) });
    expect(sweep.opened).toBe(200);
    // The forecast is what the sweep then found, check by check.
    expect(byRule(sweep.openedItems)).toEqual(Object.fromEntries(applied.forecast!.map((f) => [f.rule, f.count])));
    expect(sweep.notifications).toBe(1);
    const rows = await db.notification.findMany({ where: { organizationId: org.id, accountId: account.id } });
    expect(rows).toHaveLength(1);
    const stored = rows[0]!.payload as unknown as OutboxPayload;
    expect(stored.announcement).toMatchObject({ kind: "alertSummary", accountName: account.name, imported: true, total: 200, counts: [{ rule: "invoice.no-order", severity: "INFO", count: 200 }] });
    expect(stored.announcement?.kind === "alertSummary" && stored.announcement.top).toHaveLength(5);
    // Rendered at delivery, once, in the organization's language.
    const { reply } = await new Readers(db).outgoing(stored);
    const text = textOf(reply.blocks);
    expect(text).toContain(`${account.name} (imported): the check found 200 problems in its history`);
    expect(text).toContain("Invoice without order (Info): 200");
    expect(text.match(/F-\d+ · /g)).toHaveLength(5);
    expect(buttonsOf(reply.blocks).map((b) => b.command)).toEqual([`flags "${account.name}"`]);

    // `flags <account>` (the summary's button) lists all 200.
    const listed = await listFlags(db, { ...actor, now: new Date(actor.now.getTime() + 2 * HOUR) }, { account: account.name });
    expect(listed.flags).toHaveLength(200);
    expect(new Set(listed.flags.map((f) => f.number)).size).toBe(200);
    expect(flagsReply(listed, "en", "Europe/Berlin").summary).toBe(`Flags of ${account.name} (200)`);

    // A later sweep with one new problem announces it as before: one alert with its buttons.
    const later = { ...actor, now: new Date(actor.now.getTime() + 24 * HOUR) };
    await addInvoice(db, later, { account: account.name, number: "NEW-1", amount: { minor: 99_00 }, issuedOn: "2026-11-20" });
    const next = await runChecks(db, org.id, { now: new Date(later.now.getTime() + HOUR) });
    expect(next).toMatchObject({ opened: 1, notifications: 1 });
    const fresh = await db.notification.findMany({ where: { organizationId: org.id, accountId: account.id }, orderBy: { createdAt: "asc" } });
    expect(fresh).toHaveLength(2);
    const single = fresh.find((n) => n.id !== rows[0]!.id)!.payload as unknown as OutboxPayload;
    expect(single.announcement).toMatchObject({ kind: "alerts", items: [expect.objectContaining({ message: "rule.invoiceNoOrder" })] });
    const rendered = (await new Readers(db).outgoing(single)).reply;
    expect(buttonsOf(rendered.blocks).map((b) => b.command)).toContain(`flag ack ${next.openedItems[0]!.ref.slice(2)}`);
  });

  it("announces a handful of new flags of an imported account one by one (the threshold is more than five)", async () => {
    const db = get().prisma;
    const { actor, org, account } = await importedAccount(db);
    const applied = await importFile(db, actor, invoiceFile(account.name, 5), { dryRun: false });
    expect(applied.forecast).toEqual([{ rule: "invoice.no-order", count: 5 }]);
    const sweep = await runChecks(db, org.id, { now: new Date(actor.now.getTime() + HOUR) });
    expect(sweep).toMatchObject({ opened: 5, notifications: 1 });
    const row = await db.notification.findFirstOrThrow({ where: { organizationId: org.id, accountId: account.id } });
    expect((row.payload as unknown as OutboxPayload).announcement).toMatchObject({ kind: "alerts" });
    expect(((row.payload as unknown as OutboxPayload).announcement as { items: unknown[] }).items).toHaveLength(5);
  });

  it("forecasts duplicates (by number across accounts, by amount, old unpaid ones too) and overdue invoices as the sweep then flags them; a re-import changing nothing leaves the accounts' import time", async () => {
    const db = get().prisma;
    const { actor, org, account } = await importedAccount(db);
    await db.account.create({ data: { organizationId: org.id, name: "Second GmbH", currency: "EUR" } });
    const file = [
      "account,number,amount,currency,issued_on,due_on,paid_on",
      // Same number at two accounts: the later one is a duplicate.
      `${account.name},SAME-1,100.00,EUR,2026-11-02,,2026-11-10`,
      "Second GmbH,SAME-1,200.00,EUR,2026-11-05,,2026-11-12",
      // Same account, currency and amount within the window: the later one; a third one far apart is not.
      `${account.name},AMT-1,500.00,EUR,2026-11-01,,2026-11-20`,
      `${account.name},AMT-2,500.00,EUR,2026-11-04,,2026-11-20`,
      `${account.name},AMT-3,500.00,EUR,2026-10-01,,2026-10-20`,
      // Old and unpaid (overdue, always checked), two of them duplicates by amount.
      `${account.name},OLD-1,75.50,EUR,2025-01-10,2025-02-09,`,
      `${account.name},OLD-2,75.50,EUR,2025-01-12,2025-02-11,`,
    ].join("\n") + "\n";
    const applied = await importFile(db, actor, file, { dryRun: false });
    expect(applied).toMatchObject({ created: 7, errors: [] });
    const byCount = Object.fromEntries(applied.forecast!.map((f) => [f.rule, f.count]));
    expect(byCount).toMatchObject({ "invoice.duplicate": 3, "invoice.overdue": 2 });

    const later = { ...actor, now: new Date(actor.now.getTime() + HOUR) };
    const again = await importFile(db, later, file, { dryRun: false });
    expect(again).toMatchObject({ created: 0, changed: 0, unchanged: 7 });
    expect((await db.account.findUniqueOrThrow({ where: { id: account.id } })).importedAt).toEqual(actor.now);

    const sweep = await runChecks(db, org.id, { now: new Date(actor.now.getTime() + 2 * HOUR) });
    expect(byRule(sweep.openedItems)).toEqual(byCount);
  });

  it("an import that adds nothing to flag says so", async () => {
    const db = get().prisma;
    const { actor }: { actor: Actor } = await importedAccount(db);
    const result = await importFile(db, actor, "name,tier\nNordwind AG,national\n", { dryRun: true });
    expect(result.forecast).toEqual([]);
    expect(importReport(translator("en"), result).join("\n")).toContain("The next check will find nothing new on the imported accounts.");
  });
});
