import { expect, it } from "vitest";
import { replyActivity } from "../../../src/adapters/teams/messages.ts";
import type { AdaptiveCard } from "../../../src/adapters/teams/cards.ts";
import { describeEachDatabase } from "../../support/databases.ts";
import { everyReply } from "../../support/every-reply.ts";
import { cardProblems, TEAMS_HOST_CONFIGS } from "../../support/adaptive-cards-sdk.ts";
import { cardErrors } from "./card-schema.ts";

/** Every reply of every command, rendered as Teams sends it and parsed by Microsoft's own renderer. */
it("the SDK reports what it cannot take (the check below is not vacuous)", () => {
  expect(cardProblems({ type: "AdaptiveCard", version: "1.5", body: [{ type: "Foo" }, { type: "Input.Text" }] }).length).toBeGreaterThanOrEqual(2);
});

describeEachDatabase("every Teams card parses in the adaptivecards SDK", (db) => {
  it("has no parse or validation events, in English and German, light and dark, and fits the 1.5 schema", async () => {
    const replies = await everyReply(db().prisma, { platform: "TEAMS" });
    const problems: string[] = [];
    for (const r of replies) {
      const activity = replyActivity(r.reply, r.locale);
      const card = activity.attachments![0]!.content as AdaptiveCard;
      for (const e of cardErrors(card)) problems.push(`${r.locale} ${r.name} (schema 1.5): ${e}`);
      for (const [theme, config] of Object.entries(TEAMS_HOST_CONFIGS)) {
        for (const p of cardProblems(card, config)) problems.push(`${r.locale} ${r.name} (${theme}): ${p}`);
      }
    }
    expect(replies.length).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  }, 120_000);
});
