import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { applyMigrations, pgliteSession as session, readMigrations } from "../../src/db/migrate.ts";

describe("the order_days migration", () => {
  it("moves orders dated a day from that day's UTC midnight to its first instant in the organization's zone, and leaves the others", async () => {
    const db = new PGlite();
    const all = readMigrations();
    const at = all.findIndex((m) => m.name.endsWith("_order_days"));
    expect(at).toBeGreaterThan(0);
    await applyMigrations(session(db), all.slice(0, at));
    await db.exec(`
      INSERT INTO "Organization" (id, name, "timeZone") VALUES ('ny', 'NY', 'America/New_York'), ('be', 'Berlin', 'Europe/Berlin'), ('utc', 'UTC', 'UTC');
      INSERT INTO "Account" (id, "organizationId", name, currency) VALUES ('a-ny', 'ny', 'A', 'USD'), ('a-be', 'be', 'B', 'EUR'), ('a-utc', 'utc', 'C', 'EUR');
      INSERT INTO "Order" (id, "organizationId", number, "accountId", currency, "totalMinor", "orderedAt") VALUES
        ('ny-dated', 'ny', 1, 'a-ny', 'USD', 100, '2026-10-12 00:00'),
        ('ny-logged', 'ny', 2, 'a-ny', 'USD', 100, '2026-10-12 15:30:12.345'),
        ('be-dated', 'be', 1, 'a-be', 'EUR', 100, '2026-10-12 00:00'),
        ('be-winter', 'be', 2, 'a-be', 'EUR', 100, '2026-12-01 00:00'),
        ('utc-dated', 'utc', 1, 'a-utc', 'EUR', 100, '2026-10-12 00:00');
    `);
    await applyMigrations(session(db), all);
    const orders = await db.query<{ id: string; at: string }>(`SELECT id, to_char("orderedAt", 'YYYY-MM-DD HH24:MI:SS.MS') AS at FROM "Order" ORDER BY id`);
    expect(orders.rows).toEqual([
      { id: "be-dated", at: "2026-10-11 22:00:00.000" },
      { id: "be-winter", at: "2026-11-30 23:00:00.000" },
      { id: "ny-dated", at: "2026-10-12 04:00:00.000" },
      { id: "ny-logged", at: "2026-10-12 15:30:12.345" },
      { id: "utc-dated", at: "2026-10-12 00:00:00.000" },
    ]);
    await db.close();
  });
});
