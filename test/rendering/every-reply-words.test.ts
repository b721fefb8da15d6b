import { expect, it } from "vitest";
import type { Block, Reply } from "../../src/core/reply.ts";
import { FLAG_RULES, REMINDER_RULES } from "../../src/domain/rules/index.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { everyReply, type NamedReply } from "../support/every-reply.ts";

/** Every piece of text a reader sees in a reply: summary, headings, texts, fields, lists, tables, buttons, form labels. */
function texts(reply: Reply): string[] {
  const out = [reply.summary];
  const block = (b: Block) => {
    switch (b.kind) {
      case "heading":
      case "text":
      case "mention":
        out.push(b.text);
        break;
      case "fields":
        for (const f of b.fields) out.push(f.label, f.value);
        break;
      case "list":
        out.push(...b.items);
        break;
      case "table":
        out.push(...b.columns, ...b.rows.flat());
        break;
      case "actions":
        out.push(...b.buttons.map((x) => x.label));
        break;
      case "form":
        out.push(JSON.stringify(b.form));
        break;
    }
  };
  reply.blocks.forEach(block);
  return out;
}

const RULE_IDS = [...FLAG_RULES, ...REMINDER_RULES].map((r) => r.name);
// Enum names as the database spells them (severities, flag, order, case and milestone statuses,
// priorities, roles, tiers): the reader gets words.
const ENUMS = /\b(CRITICAL|WARNING|INFO|URGENT|HIGH|LOW|NORMAL|RECEIVED|CONFIRMED|IN_PRODUCTION|SHIPPED|DELIVERED|INVOICED|CANCELLED|ACKNOWLEDGED|SNOOZED|RESOLVED|OPEN|DONE|CLOSED|ACCOUNT_MANAGER|PROJECT_MANAGER|CUSTOMER_SERVICE|SALES|VIEWER|NATIONAL|INTERNATIONAL|REGIONAL|DIRECT|CHANNEL)\b/;
const BRACKET_PLURAL = /\w\((s|en|e|n|er|r)\)|kein\(e\)|Auftrag\/Aufträge/;
/** Numbers written the other language's way: grouping and decimal separators, money, percentages, months. */
const FOREIGN_FORMAT: Record<"en" | "de", RegExp> = {
  // German: 1.234,50 €, 55 %, 30.01.2027 / "Dez."
  en: /\d\.\d{3},\d|\d\u00a0€|\d\u00a0%|\b\d{1,2}\. (Jan|Feb|Mär|Apr|Mai|Jun|Jul|Aug|Sep|Okt|Nov|Dez)\./,
  // English: 1,234.50, €1,234.50, 55%, "30 Dec 2026"
  de: /\d,\d{3}\.\d|€\d|\d%|\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b/,
};

function offenders(replies: NamedReply[], test: (text: string, r: NamedReply) => boolean): string[] {
  return replies.flatMap((r) => texts(r.reply).filter((t) => test(t, r)).map((t) => `${r.locale} ${r.name}: ${t.slice(0, 200)}`));
}

describeEachDatabase("every reply's words", (db) => {
  it("names no rule id and no enum name, in English and German", async () => {
    const replies = await everyReply(db().prisma);
    // Form definitions carry option values (the command's own words) and are checked by their labels only.
    const shown = replies.map((r) => ({ ...r, reply: { ...r.reply, blocks: r.reply.blocks.filter((b) => b.kind !== "form") } }));
    expect(offenders(shown, (t) => RULE_IDS.some((id) => t.includes(id)))).toEqual([]);
    expect(offenders(shown, (t) => ENUMS.test(t))).toEqual([]);
  }, 180_000);

  it("writes no bracket plurals", async () => {
    const replies = await everyReply(db().prisma);
    expect(offenders(replies, (t) => BRACKET_PLURAL.test(t))).toEqual([]);
  }, 180_000);

  it("writes numbers, amounts, percentages and days in the reader's format", async () => {
    const replies = await everyReply(db().prisma);
    // The help topics show the forms kam reads (both languages' dates and amounts): that is their point.
    const written = replies.filter((r) => !r.command.startsWith("help") && !r.refusal);
    expect(offenders(written, (t, r) => FOREIGN_FORMAT[r.locale].test(t))).toEqual([]);
    // And they do use it: German amounts with a decimal comma, English ones with a point.
    const amounts = (locale: "en" | "de", pattern: RegExp) => written.filter((r) => r.locale === locale && texts(r.reply).some((t) => pattern.test(t))).length;
    expect(amounts("de", /\d,\d{2}\u00a0€/)).toBeGreaterThan(0);
    expect(amounts("en", /€\d[\d,]*\.\d{2}/)).toBeGreaterThan(0);
  }, 180_000);
});
