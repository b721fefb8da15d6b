import { expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.ts";
import { commandsWithoutReply, everyReply } from "../support/every-reply.ts";
import { replyText } from "../support/chat.ts";

describeEachDatabase("every reply", (db) => {
  it("answers every command in English and German, refusing only what is meant to be refused", async () => {
    const replies = await everyReply(db().prisma);
    expect(commandsWithoutReply(replies)).toEqual([]);
    const wrong = replies.filter((r) => r.reply.ok === r.refusal).map((r) => `${r.locale} ${r.name}: ${r.input} → ${replyText(r.reply).slice(0, 300)}`);
    expect(wrong).toEqual([]);
    for (const locale of ["en", "de"]) {
      const names = replies.filter((r) => r.locale === locale).map((r) => r.name);
      expect(new Set(names).size).toBe(names.length);
      expect(names.some((n) => n.startsWith("alerts."))).toBe(true);
    }
  }, 120_000);
});
