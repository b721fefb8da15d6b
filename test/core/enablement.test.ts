import { expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { runChecks } from "../../src/domain/checks.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { chat, replyText } from "../support/chat.ts";
import { twoOrganizations } from "../support/domain-fixtures.ts";

const DELIVERED = new Date("2026-10-01T09:00:00Z"); // the organization's time zone is UTC
const at = (day: string, time = "10:00") => new Date(`${day}T${time}:00Z`);

/** A training as the trainings commands record it (their model, src/domain of the trainings work). */
async function training(db: PrismaClient, organizationId: string, accountId: string, productIds: string[], startsAt: Date, status: "PLANNED" | "DONE" | "CANCELLED" = "PLANNED") {
  const number = (await db.training.count({ where: { organizationId } })) + 1;
  return db.training.create({
    data: { organizationId, number, accountId, topic: "Onboarding", startsAt, status, createdAt: startsAt, products: { create: productIds.map((productId) => ({ productId })) } },
  });
}

const open = (db: PrismaClient, organizationId: string) =>
  db.flag.findMany({ where: { organizationId, rule: "enablement.due", status: { not: "RESOLVED" } }, orderBy: { number: "asc" } });

describeEachDatabase("enablement due", (get) => {
  it("flags a delivered product that needs training after 30 days, quiet before and for unmarked products; a planned training resolves it", async () => {
    const db = get().prisma;
    const { actor, account, baltic, bolts, nuts } = await twoOrganizations(db);
    const org = actor.organizationId;
    const { say } = chat(db, actor, { now: DELIVERED });
    await say("product edit BOLT-10 training required");
    await say("order log acme 10 BOLT-10, 10 NUT-10 on 2026-09-28");
    await say("order status O-1 delivered"); // delivered on 1 Oct
    await say("order log baltic 10 BOLT-10 on 2026-09-28");
    await say("order status O-2 shipped"); // not delivered: never flagged

    // 30 days after the delivery: not yet.
    await runChecks(db, org, { now: at("2026-10-31") });
    expect(await open(db, org)).toHaveLength(0);
    // 31 days after: an info flag on ACME for BOLT-10 only (NUT-10 needs no training).
    await runChecks(db, org, { now: at("2026-11-01") });
    const [flag, ...others] = await open(db, org);
    expect(others).toHaveLength(0);
    expect(flag).toMatchObject({ accountId: account.id, severity: "INFO", subjectType: "Account" });
    expect(flag!.params).toMatchObject({ sku: "BOLT-10", product: "Bolt M10", deliveredOn: "2026-10-01", days: 31 });
    const later = chat(db, actor, { now: at("2026-11-03") });
    expect(replyText(await later.say(`flag show F-${flag!.number}`))).toMatch(/BOLT-10 Bolt M10 needs training: delivered 1 Oct 2026, 33 days ago, and no training on it is done or planned since/);
    expect(replyText(await later.say(`flag show F-${flag!.number}`))).toMatch(/Enablement due/);

    // What does not count: a cancelled training, one on another product, one for another account,
    // one done before the delivery.
    await training(db, org, account.id, [bolts.id], at("2026-11-10"), "CANCELLED");
    await training(db, org, account.id, [nuts.id], at("2026-11-10"));
    await training(db, org, baltic.id, [bolts.id], at("2026-11-10"));
    await training(db, org, account.id, [bolts.id], at("2026-09-30"), "DONE");
    await runChecks(db, org, { now: at("2026-11-03") });
    expect(await open(db, org)).toHaveLength(1);

    // A training planned on it (for later) resolves it.
    await training(db, org, account.id, [bolts.id, nuts.id], at("2026-11-20", "14:00"));
    const resolved = await runChecks(db, org, { now: at("2026-11-03", "11:00") });
    expect(resolved.resolved).toBe(1);
    expect(await open(db, org)).toHaveLength(0);
    const de = chat(db, actor, { now: at("2026-11-03", "12:00") });
    await de.say("settings language de");
    expect(replyText(await de.say(`flag show F-${flag!.number}`))).toMatch(/Schulung fällig/);
  });

  it("the number of days is an organization setting; a product whose training mark is cleared is quiet", async () => {
    const db = get().prisma;
    const { actor, viewer } = await twoOrganizations(db);
    const org = actor.organizationId;
    const { say } = chat(db, actor, { now: DELIVERED });
    await say("product edit BOLT-10 training required");
    await say("order log acme 10 BOLT-10 on 2026-09-28");
    await say("order status O-1 delivered");

    expect(replyText(await chat(db, viewer.actor, { now: DELIVERED }).say("settings org enablement 10"))).toMatch(/not allowed/);
    expect(replyText(await say("settings org enablement 0"))).toMatch(/from 1 to 365/);
    const set = replyText(await say("settings org enablement 10 days"));
    expect(set).toMatch(/Organization setting changed: Enablement check/);
    expect(set).toMatch(/Enablement check: flags a product that needs training 10 days after its delivery without a training/);
    expect(replyText(await say("settings"))).toMatch(/Enablement check: flags a product that needs training 10 days after/);
    await runChecks(db, org, { now: at("2026-10-11") });
    expect(await open(db, org)).toHaveLength(0);
    await runChecks(db, org, { now: at("2026-10-12") });
    expect(await open(db, org)).toHaveLength(1);

    await chat(db, actor, { now: at("2026-10-12", "11:00") }).say("product edit BOLT-10 training not required");
    await runChecks(db, org, { now: at("2026-10-12", "12:00") });
    expect(await open(db, org)).toHaveLength(0);
  });
});

describeEachDatabase("product training mark", (get) => {
  it("product edit <sku> training required | not required, shown in product list and history, for the catalog's keepers only", async () => {
    const db = get().prisma;
    const { actor, service } = await twoOrganizations(db);
    const { say } = chat(db, actor);
    const edited = replyText(await say("product edit BOLT-10 training required"));
    expect(edited).toMatch(/Product BOLT-10 .*changed/);
    expect(edited).toMatch(/Training: needs training/);
    expect(replyText(await say("product list"))).toMatch(/BOLT-10 \| Bolt M10 \| pcs \| €2.50 \| needs training\nNUT-10 \| Nut M10 \| pcs \| €0.80 \| –/);
    expect(replyText(await say("product edit BOLT-10 training required"))).toMatch(/BOLT-10 already has that value; nothing was changed/);
    expect(replyText(await say("product edit BOLT-10 training maybe"))).toMatch(/"maybe" is not a training mark: write training required or training not required/);
    expect(replyText(await chat(db, service.actor).say("product edit NUT-10 training required"))).toMatch(/not allowed/);
    expect(replyText(await say("history BOLT-10"))).toMatch(/Needs training: no → yes/);
    expect(replyText(await say("product edit BOLT-10 training not required"))).toMatch(/Training: no training needed/);
    await say("settings language de");
    expect(replyText(await say("product edit NUT-10 schulung nötig"))).toMatch(/Schulung: Schulung nötig/);
    expect(replyText(await say("product edit NUT-10 schulung nicht nötig"))).toMatch(/Schulung: keine Schulung nötig/);
    expect((await db.product.findMany({ where: { organizationId: actor.organizationId }, orderBy: { sku: "asc" } })).map((p) => p.trainingRequired)).toEqual([false, false]);
  });
});
