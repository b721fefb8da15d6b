import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { COLUMNS } from "../src/domain/exchange/kinds.ts";
import { runKam } from "./support/processes.ts";

const dirs: string[] = [];
function dataDir() {
  const dir = mkdtempSync(join(tmpdir(), "kam-exchange-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("kam import and kam export", () => {
  it("prints a kind's template, imports a file (dry run first), exports it, and re-imports the export changing nothing", async () => {
    const dir = dataDir();
    const env = { DATA_DIR: dir };
    const template = await runKam(["import", "--template", "invoices"], env);
    expect(template.code).toBe(0);
    expect(template.output.trim()).toBe(COLUMNS.invoices.join(","));

    const accounts = join(dir, "accounts.csv");
    writeFileSync(accounts, "\uFEFFName;Stufe;Währung;Externe ID\nNordwind AG;national;EUR;10001\n");
    const dry = await runKam(["import", accounts, "--dry-run"], env);
    expect(dry.code).toBe(0);
    expect(dry.output).toMatch(/accounts: 1 new, 0 changed, 0 unchanged/);
    expect(dry.output).toMatch(/Dry run: nothing was written/);
    const empty = await runKam(["export", "accounts"], env);
    expect(empty.output.trim()).toBe(COLUMNS.accounts.join(","));

    expect((await runKam(["import", accounts], env)).code).toBe(0);
    const invoices = join(dir, "invoices.csv");
    writeFileSync(invoices, "account,number,amount,currency,issued_on\n10001,RE-1,1234.5,EUR,2026-10-01\n10001,RE-2,99,USD,01.11.2026\n");
    const applied = await runKam(["import", invoices, "--kind", "invoices"], env);
    expect(applied.code).toBe(0);
    expect(applied.output).toMatch(/invoices: 2 new, 0 changed, 0 unchanged/);

    const out = join(dir, "export.csv");
    const exported = await runKam(["export", "invoices", "--account", "Nordwind", "--since", "2026-10-01", "--out", out], env);
    expect(exported.code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(
      "account,number,amount,currency,issued_on,due_on,paid_on,order\n10001,RE-1,1234.5,EUR,2026-10-01,2026-10-31,,\n10001,RE-2,99,USD,2026-11-01,2026-12-01,,\n",
    );
    const again = await runKam(["import", out], env);
    expect(again.code).toBe(0);
    expect(again.output).toMatch(/invoices: 0 new, 0 changed, 2 unchanged/);
  }, 600_000);

  it("exits 1 listing every error with its line when a file is wrong, writing nothing; 2 for a bad command line", async () => {
    const dir = dataDir();
    const env = { DATA_DIR: dir };
    const file = join(dir, "bad.csv");
    writeFileSync(file, "sku,name,list_price\nOK-1,Fine,1\nOK-2,Bad price,1x\nBAD SKU,Bad sku,2\n");
    const result = await runKam(["import", file], env);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/Nothing was imported: the file has 2 errors/);
    expect(result.output).toMatch(/line 3, list_price: "1x" is not a number/);
    expect(result.output).toMatch(/line 4, sku: /);
    const products = await runKam(["export", "products"], env);
    expect(products.output.trim()).toBe(COLUMNS.products.join(","));

    expect((await runKam(["import", file, "--kind", "nonsense"], env)).code).toBe(2);
    expect((await runKam(["import"], env)).code).toBe(2);
    expect((await runKam(["import", join(dir, "missing.csv")], env)).code).toBe(2);
    expect((await runKam(["export", "nonsense"], env)).code).toBe(2);
    const unknown = await runKam(["export", "orders", "--account", "Nobody"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toMatch(/I found no account "Nobody"/);
  }, 600_000);
});
