import type { View } from "@slack/types";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { checkView } from "../../src/adapters/slack/limits.ts";
import { logOrder } from "../../src/domain/orders.ts";
import { addProduct } from "../../src/domain/products.ts";
import { startSlackKam, type SlackKam } from "../adapters/slack/harness.ts";
import { buttonClick, slashCommand, viewSubmission } from "../adapters/slack/payloads.ts";
import { TEST_NOW } from "../support/clock.ts";
import { addDays } from "../support/domain-fixtures.ts";

type InputBlock = { type: string; block_id: string; element: { type: string; initial_value?: string; initial_option?: { value: string } } };

/** The initial values a modal shows, by block id: what a user sends who changes nothing. */
function initialValues(view: { blocks: InputBlock[] }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of view.blocks) {
    const v = b.element?.initial_option?.value ?? b.element?.initial_value;
    if (b.type === "input" && v !== undefined) out[b.block_id] = v;
  }
  return out;
}

describe("suggest's Reorder button in Slack", () => {
  let s: SlackKam;
  beforeAll(async () => {
    // kam serve reads the system clock once per request: it runs on TEST_NOW here (moving on in real time).
    vi.useFakeTimers({ now: TEST_NOW, toFake: ["Date"], shouldAdvanceTime: true });
    s = await startSlackKam();
  });
  afterAll(async () => {
    await s?.stop();
    vi.useRealTimers();
  });

  it("opens the order modal filled in with the due product in its usual quantity, and sending it orders only that", async () => {
    const db = s.kam.db.prisma;
    await addProduct(db, s.actor, { sku: "LABEL-A6", name: "Labels A6", listPrice: { minor: 1290 } });
    const today = TEST_NOW.toISOString().slice(0, 10);
    for (const [daysAgo, quantity] of [[105, 25], [84, 30], [63, 25], [42, 25]] as const) {
      await logOrder(db, s.actor, { account: "ACME", lines: [{ product: "LABEL-A6", quantity }], orderedOn: addDays(today, -daysAgo) });
    }
    // The latest order is of something else: a blind reorder would repeat it.
    await logOrder(db, s.actor, { account: "ACME", lines: [{ product: "BOLT-10", quantity: 545 }], orderedOn: addDays(today, -1) });

    await s.send(slashCommand(s.who, "suggest acme", { responseUrl: s.fake.responseUrl("suggest") }), "form");
    const [suggestion] = await s.fake.waitFor("response:suggest");
    const buttons = JSON.stringify(suggestion!.args.blocks);
    expect(buttons).toContain("Reorder 25 LABEL-A6");
    const value = `order draft "ACME Holding GmbH" 25 LABEL-A6`;
    expect(buttons).toContain(JSON.stringify(value).slice(1, -1));

    const orders = await db.order.count();
    const views = s.fake.callsOf("views.open").length;
    const res = await s.send(buttonClick(s.who, value, { responseUrl: s.fake.responseUrl("draft") }), "payload");
    expect(res.status).toBe(200);
    const opened = await s.fake.waitFor("views.open", views + 1);
    const view = opened.at(-1)!.args.view as View & { blocks: InputBlock[] };
    expect(checkView(view)).toEqual([]);
    const account = await db.account.findFirstOrThrow({ where: { organizationId: s.actor.organizationId, name: "ACME Holding GmbH" } });
    expect(initialValues(view)).toEqual({ account: account.id, product1: "LABEL-A6", quantity1: "25" });
    expect(await db.order.count()).toBe(orders);

    const sent = await s.send(viewSubmission(s.who, view as never, initialValues(view)), "payload");
    expect(sent.status).toBe(200);
    expect(await db.order.count()).toBe(orders + 1);
    const order = await db.order.findFirstOrThrow({ where: { organizationId: s.actor.organizationId }, orderBy: { number: "desc" }, include: { lines: { include: { product: true } } } });
    expect(order.lines.map((l) => [l.product.sku, Number(l.quantity)])).toEqual([["LABEL-A6", 25]]);
    expect(Number(order.totalMinor)).toBe(25 * 1290);
  });
});
