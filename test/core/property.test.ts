import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratedDatabase } from "../support/databases.ts";
import { accountWithProducts } from "../support/fixtures.ts";
import { chat } from "../support/chat.ts";
import { COMMAND_LIST } from "../../src/core/commands/index.ts";
import type { Database } from "../../src/db/client.ts";

const WRITE_WORDS = COMMAND_LIST.filter((c) => c.writes).map((c) => c.words.join(" "));
const ALL_WORDS = COMMAND_LIST.map((c) => c.words.join(" "));

/** Arbitrary lines: pure noise, and command words followed by noise (which reaches the parsers). */
const line = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.tuple(fc.constantFrom(...ALL_WORDS), fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("acme", "due", "po", "@", ",", "O-1", "-1", "1e9", "€", "\"", "<!channel>", "31.02.2026", "next friday")), { maxLength: 8 })).map(([w, rest]) => `${w} ${rest.join(" ")}`),
);

describe("any text at all", () => {
  let handle: Awaited<ReturnType<typeof migratedDatabase>>;
  let db: Database;
  beforeAll(async () => {
    handle = await migratedDatabase("pglite");
    db = handle.db;
  });
  afterAll(() => handle.dispose());

  it("gets a reply (never an exception), refusals are explained, and refused writes change nothing", async () => {
    const { actor } = await accountWithProducts(db.prisma);
    const { say } = chat(db.prisma, actor);
    const writes = async () => ({
      orders: await db.prisma.order.count(),
      invoices: await db.prisma.invoice.count(),
      contracts: await db.prisma.contract.count(),
      cases: await db.prisma.case.count(),
      projects: await db.prisma.project.count(),
      accounts: await db.prisma.account.count(),
      products: await db.prisma.product.count(),
    });
    await fc.assert(
      fc.asyncProperty(line, async (text) => {
        const before = await writes();
        const reply = await say(text);
        expect(reply.blocks.length).toBeGreaterThan(0);
        expect(reply.summary.length).toBeGreaterThan(0);
        if (!reply.ok) {
          expect(reply.summary).not.toMatch(/went wrong on my side/);
          expect(reply.summary).not.toMatch(/\b(error|usage|kind|field)\.\w+/);
          expect(await writes()).toEqual(before);
        }
        if (!WRITE_WORDS.some((w) => text.trim().toLowerCase().startsWith(w))) expect(await writes()).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });
});
