import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { applyMigrations, pgliteSession as session, readMigrations } from "../../src/db/migrate.ts";

describe("the invoice_reference migration", () => {
  it("numbers the invoices recorded before it per organization, in the order they were created, and moves the counter past them", async () => {
    const db = new PGlite();
    const all = readMigrations();
    const at = all.findIndex((m) => m.name.endsWith("_invoice_reference"));
    expect(at).toBeGreaterThan(0);
    await applyMigrations(session(db), all.slice(0, at));
    await db.exec(`
      INSERT INTO "Organization" (id, name) VALUES ('o1', 'One'), ('o2', 'Two');
      INSERT INTO "Account" (id, "organizationId", name, currency) VALUES ('a1', 'o1', 'ACME', 'EUR'), ('a2', 'o2', 'Globex', 'EUR');
      INSERT INTO "Counter" ("organizationId", kind, value) VALUES ('o1', 'order', 40);
      INSERT INTO "Invoice" (id, "organizationId", "accountId", number, "amountMinor", currency, "issuedOn", "dueOn", "createdAt") VALUES
        ('i-late', 'o1', 'a1', 'RE-2', 100, 'EUR', '2026-01-02', '2026-02-01', '2026-01-02 10:00'),
        ('i-early', 'o1', 'a1', 'RE-1', 100, 'EUR', '2026-01-01', '2026-01-31', '2026-01-01 10:00'),
        ('i-other', 'o2', 'a2', 'RE-1', 100, 'EUR', '2026-01-05', '2026-02-04', '2026-01-05 10:00');
    `);
    await applyMigrations(session(db), all);
    const refs = await db.query<{ id: string; refNumber: number }>(`SELECT id, "refNumber" FROM "Invoice" ORDER BY id`);
    expect(refs.rows).toEqual([{ id: "i-early", refNumber: 1 }, { id: "i-late", refNumber: 2 }, { id: "i-other", refNumber: 1 }]);
    const counters = await db.query<{ organizationId: string; kind: string; value: number }>(`SELECT "organizationId", kind, value FROM "Counter" ORDER BY 1, 2`);
    expect(counters.rows).toEqual([
      { organizationId: "o1", kind: "invoice", value: 2 },
      { organizationId: "o1", kind: "order", value: 40 },
      { organizationId: "o2", kind: "invoice", value: 1 },
    ]);
    const column = await db.query<{ is_nullable: string }>(`SELECT is_nullable FROM information_schema.columns WHERE table_name = 'Invoice' AND column_name = 'refNumber'`);
    expect(column.rows).toEqual([{ is_nullable: "NO" }]);
    await db.close();
  });
});
