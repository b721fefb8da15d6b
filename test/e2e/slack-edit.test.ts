import type { View } from "@slack/types";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { checkView } from "../../src/adapters/slack/limits.ts";
import { editOrder } from "../../src/domain/order-changes.ts";
import { logOrder } from "../../src/domain/orders.ts";
import { newMember } from "../support/fixtures.ts";
import { addToTeam } from "../../src/domain/team.ts";
import { startSlackKam, type SlackKam } from "../adapters/slack/harness.ts";
import { buttonClick, slashCommand, viewSubmission } from "../adapters/slack/payloads.ts";
import { TEST_NOW } from "../support/clock.ts";

type InputBlock = { type: string; block_id: string; element: { type: string; initial_value?: string; initial_option?: { value: string } } };

function initialValues(view: { blocks: InputBlock[] }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of view.blocks) {
    const v = b.element?.initial_option?.value ?? b.element?.initial_value;
    if (b.type === "input" && v !== undefined) out[b.block_id] = v;
  }
  return out;
}

describe("an order's Edit button in Slack", () => {
  let s: SlackKam;
  beforeAll(async () => {
    vi.useFakeTimers({ now: TEST_NOW, toFake: ["Date"], shouldAdvanceTime: true });
    s = await startSlackKam();
  });
  afterAll(async () => {
    await s?.stop();
    vi.useRealTimers();
  });

  it("opens the modal filled in with the order, refuses it once someone else changed the order, and shows the current values", async () => {
    const db = s.kam.db.prisma;
    const order = await logOrder(db, s.actor, { account: "ACME", lines: [{ product: "BOLT-10", quantity: 10 }], poRef: "A-1" });
    await s.send(slashCommand(s.who, `order show O-${order.number}`, { responseUrl: s.fake.responseUrl("show") }), "form");
    const [shown] = await s.fake.waitFor("response:show");
    const blocks = JSON.stringify(shown!.args.blocks);
    expect(blocks).toContain(`order edit O-${order.number} version 1`);
    // Cancel asks first: Slack's confirm dialog on the button.
    const cancel = (shown!.args.blocks as { type: string; elements?: { value?: string; confirm?: { title: { text: string } } }[] }[])
      .flatMap((b) => b.elements ?? []).find((e) => e.value?.startsWith("order cancel"));
    expect(cancel?.confirm?.title.text).toBe(`Cancel O-${order.number}?`);

    const views = s.fake.callsOf("views.open").length;
    await s.send(buttonClick(s.who, `order edit O-${order.number} version 1`, { responseUrl: s.fake.responseUrl("edit") }), "payload");
    const opened = await s.fake.waitFor("views.open", views + 1);
    const view = opened.at(-1)!.args.view as View & { blocks: InputBlock[]; private_metadata: string };
    expect(checkView(view)).toEqual([]);
    expect(initialValues(view)).toMatchObject({ quantity1: "10", price1: "2.50", poRef: "A-1" });
    expect(JSON.parse(view.private_metadata).hidden).toEqual({ order: `O-${order.number}`, version: "1" });

    // Someone else changes the order while the modal is open.
    const cem = await newMember(db, s.actor.organizationId, "Cem Service");
    await addToTeam(db, s.actor, { account: "ACME", member: "Cem", role: "CUSTOMER_SERVICE" });
    await editOrder(db, { ...cem.actor, now: new Date() }, { order: `O-${order.number}`, lines: [{ op: "set", lineNo: 1, quantity: 12 }] });

    const res = await s.send(viewSubmission(s.who, view as never, { ...initialValues(view), quantity1: "20" }), "payload");
    expect(res.status).toBe(200);
    const answer = res.json as { response_action: string; view: View & { blocks: InputBlock[]; private_metadata: string } };
    expect(answer.response_action).toBe("update");
    expect(JSON.stringify(answer.view.blocks)).toMatch(/was changed by Cem Service/);
    expect(initialValues(answer.view).quantity1).toBe("12");
    expect(JSON.parse(answer.view.private_metadata).hidden.version).toBe("2");
    const current = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { lines: true } });
    expect(current.lines.map((l) => Number(l.quantity))).toEqual([12]);

    // Sent again from the refreshed modal, it is saved.
    const again = await s.send(viewSubmission(s.who, answer.view as never, { ...initialValues(answer.view), quantity1: "20" }), "payload");
    expect(again.status).toBe(200);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { lines: true } })).lines.map((l) => Number(l.quantity))).toEqual([20]);
  });
});
