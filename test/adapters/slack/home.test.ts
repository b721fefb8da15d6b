import { expect, it } from "vitest";
import { homeReply } from "../../../src/adapters/slack/home.ts";
import type { SlackContext } from "../../../src/adapters/slack/context.ts";
import { addMilestone, addProject } from "../../../src/domain/projects.ts";
import { addToTeam } from "../../../src/domain/team.ts";
import { describeEachDatabase } from "../../support/databases.ts";
import { accountWithProducts } from "../../support/fixtures.ts";

describeEachDatabase("the Slack App Home", (get) => {
  it("marks a deadline overdue by the member's today and the request's clock, never the machine's", async () => {
    const db = get().prisma;
    const { actor, admin } = await accountWithProducts(db);
    await db.member.update({ where: { id: admin.id }, data: { timeZone: "America/New_York" } });
    await addToTeam(db, actor, { account: "ACME", member: admin.displayName, role: "ACCOUNT_MANAGER" });
    await addProject(db, actor, { account: "ACME", name: "Rollout", dueOn: "2027-03-31" });
    await addMilestone(db, actor, { project: "Rollout", name: "Pilot", dueOn: "2026-11-25" });
    await addMilestone(db, actor, { project: "Rollout", name: "Training", dueOn: "2026-11-26" });
    // 26 Nov, 20:00 in New York: already 27 Nov in UTC.
    const now = new Date("2026-11-27T01:00:00Z");
    const ctx = { db, core: { now: () => now } } as unknown as SlackContext;
    const reply = await homeReply(ctx, { organizationId: actor.organizationId, memberId: admin.id, displayName: admin.displayName });
    const lines = reply.blocks.flatMap((b) => (b.kind === "list" ? b.items : []));
    expect(lines.find((l) => l.includes("Pilot"))).toMatch(/^⚠️ /);
    expect(lines.find((l) => l.includes("Training"))).not.toMatch(/⚠️/);
    const updated = reply.blocks.filter((b) => b.kind === "text").map((b) => (b as { text: string }).text).at(-1);
    // Updated at the request's moment, in the member's zone.
    expect(updated).toMatch(/26.*(8:00|20:00)/);
  });
});
