import { expect, it } from "vitest";
import { displayText, renderCard } from "../../../src/adapters/teams/cards.ts";
import { cardText } from "./card-schema.ts";
import { memberForIdentity } from "../../../src/domain/members.ts";
import { organizationForWorkspace } from "../../../src/domain/organizations.ts";
import { chat } from "../../support/chat.ts";
import { TEST_NOW } from "../../support/clock.ts";
import { describeEachDatabase } from "../../support/databases.ts";
import { uniqueId } from "../../support/fixtures.ts";

/** How the text appears in the card JSON (escaped for Teams markdown). */
const shown = (text: string) => displayText(text);

function inputs(card: unknown): { type: string; id?: string }[] {
  const found: { type: string; id?: string }[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === "object") {
      const o = x as Record<string, unknown>;
      if (typeof o.type === "string" && o.type.startsWith("Input.")) found.push({ type: o.type, ...(typeof o.id === "string" ? { id: o.id } : {}) });
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

describeEachDatabase("the Teams order form in a new tenant", (get) => {
  it("says how to add an account (and a product) instead of showing empty lists, in English and German", async () => {
    const db = get().prisma;
    const org = await organizationForWorkspace(db, "TEAMS", uniqueId("tenant-"), "New Tenant", TEST_NOW);
    const admin = await memberForIdentity(db, org.id, "TEAMS", uniqueId("29:"), { displayName: "Tina Teams" }, TEST_NOW);
    const kam = chat(db, { organizationId: org.id, memberId: admin.id, platform: "TEAMS", now: TEST_NOW });

    const rendered = renderCard(await kam.say("order"));
    const card = cardText(rendered);
    expect(card).toContain(shown("No accounts yet: add one with `account add <name>`."));
    expect(card).toContain(shown("No products yet: add one with `product add <SKU> <name> price <amount>`."));
    expect(inputs(rendered).filter((i) => i.id === "account" || i.id === "product1")).toEqual([]);

    await kam.say("settings language de");
    expect(cardText(renderCard(await kam.say("order")))).toContain(shown("Noch keine Kunden: leg einen an mit `account add <Name>`."));

    // With an account the list is back.
    await kam.say("account add Initech");
    const withAccount = renderCard(await kam.say("order"));
    expect(inputs(withAccount)).toContainEqual({ type: "Input.ChoiceSet", id: "account" });
    expect(JSON.stringify(withAccount)).not.toContain("Noch keine Kunden");
  });
});
