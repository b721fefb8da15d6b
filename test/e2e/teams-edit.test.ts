import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { COMMAND_KEY, FORM_KEY } from "../../src/adapters/teams/cards.ts";
import { addAccount } from "../../src/domain/accounts.ts";
import { editOrder } from "../../src/domain/order-changes.ts";
import { logOrder } from "../../src/domain/orders.ts";
import { addProduct } from "../../src/domain/products.ts";
import { addToTeam } from "../../src/domain/team.ts";
import { createLogger } from "../../src/logger.ts";
import { startKam, type Kam } from "../../src/runtime.ts";
import { cardSubmit, newTenant, newUser, personalMessage, type Where } from "../adapters/teams/activities.ts";
import { cardErrors, cardText, cardsOf } from "../adapters/teams/card-schema.ts";
import { startFakeConnector, type ConnectorCall, type FakeConnector } from "../support/fake-connector.ts";
import { newMember } from "../support/fixtures.ts";

type Element = { type: string; id?: string; value?: string | number; actions?: Action[]; items?: Element[]; columns?: { items?: Element[] }[] };
type Action = { type: string; title: string; data?: Record<string, unknown>; card?: { body: Element[]; actions?: Action[] } };

/** Every action of a card, ShowCard sub-cards included. */
function actionsOf(card: Record<string, unknown>): Action[] {
  const out: Action[] = [];
  const walk = (elements: Element[] | undefined, actions?: Action[]) => {
    for (const a of actions ?? []) {
      out.push(a);
      if (a.card) walk(a.card.body, a.card.actions);
    }
    for (const e of elements ?? []) {
      walk(e.items, e.actions);
      for (const c of e.columns ?? []) walk(c.items);
    }
  };
  walk(card.body as Element[], card.actions as Action[] | undefined);
  return out;
}

function inputs(card: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (elements: Element[] | undefined) => {
    for (const e of elements ?? []) {
      if (e.type.startsWith("Input.") && e.id && e.value !== undefined) out[e.id] = String(e.value);
      walk(e.items);
      for (const c of e.columns ?? []) walk(c.items);
    }
  };
  walk(card.body as Element[]);
  return out;
}

/**
 * An order's Edit and Cancel buttons in Teams, end to end: the Adaptive Card of `order show`,
 * its Edit submit (the form card with the order's values and its version in the submit data),
 * a save refused because someone else changed the order meanwhile (the card shows the current
 * values), the save sent again, and Cancel's confirmation card.
 */
describe("an order's Edit and Cancel buttons in Teams", () => {
  let kam: Kam;
  let connector: FakeConnector;
  beforeAll(async () => {
    connector = await startFakeConnector();
    kam = await startKam(loadConfig({ PORT: "0", DATA_DIR: "memory", KAM_SCHEDULER: "off", LOG_LEVEL: "silent", NODE_ENV: "test" }), createLogger({ level: "silent", pretty: false }));
  });
  afterAll(async () => {
    await kam?.stop();
    await connector?.close();
  });

  async function exchange(activity: Record<string, unknown>): Promise<ConnectorCall[]> {
    const before = connector.activities().length;
    const res = await fetch(`${kam.http.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
    expect(res.status).toBe(200);
    return connector.activities().slice(before);
  }
  function card(calls: ConnectorCall[]): Record<string, unknown> {
    const cards = calls.flatMap((c) => cardsOf(c.body));
    expect(cards).toHaveLength(1);
    expect(cardErrors(cards[0]!)).toEqual([]);
    return cards[0]!;
  }

  it("edits with the form card, refuses a stale save with the current values, and cancels only after Yes", async () => {
    const w: Where = { serviceUrl: connector.url, tenantId: newTenant(), user: newUser() };
    await exchange(personalMessage(w, "help"));
    const db = kam.db.prisma;
    const identity = await db.memberIdentity.findFirstOrThrow({ where: { platform: "TEAMS", externalId: w.user.aadObjectId }, include: { member: true } });
    const actor = { organizationId: identity.member.organizationId, memberId: identity.memberId, platform: "TEAMS" as const, now: new Date() };
    await addAccount(db, actor, { name: "Edit GmbH" });
    await addProduct(db, actor, { sku: "BOLT-10", name: "Bolt M10", listPrice: { minor: 250 } });
    const order = await logOrder(db, actor, { account: "Edit GmbH", lines: [{ product: "BOLT-10", quantity: 10 }], poRef: "A-1" });
    const ref = `O-${order.number}`;

    const shown = card(await exchange(personalMessage(w, `order show ${ref}`)));
    const edit = actionsOf(shown).find((a) => a.data?.[COMMAND_KEY] === `order edit ${ref} version 1`);
    expect(edit?.type).toBe("Action.Submit");

    const form = card(await exchange(cardSubmit(w, edit!.data!, "show-card")));
    const save = actionsOf(form).find((a) => a.data?.[FORM_KEY] === "order.edit")!;
    expect(save.data).toMatchObject({ order: ref, version: "1" });
    expect(inputs(form)).toMatchObject({ quantity1: "10", poRef: "A-1" });

    // Someone else changes the order while the form is open.
    const cem = await newMember(db, actor.organizationId, "Cem Service");
    await addToTeam(db, actor, { account: "Edit GmbH", member: "Cem", role: "CUSTOMER_SERVICE" });
    await editOrder(db, { ...cem.actor, now: new Date() }, { order: ref, lines: [{ op: "set", lineNo: 1, quantity: 12 }] });

    const stale = card(await exchange(cardSubmit(w, { ...save.data, ...inputs(form), quantity1: "20" }, "form-card")));
    expect(cardText(stale)).toMatch(/was changed by Cem Service/);
    expect(inputs(stale).quantity1).toBe("12");
    const saveAgain = actionsOf(stale).find((a) => a.data?.[FORM_KEY] === "order.edit")!;
    expect(saveAgain.data).toMatchObject({ version: "2" });
    expect((await db.orderLine.findFirstOrThrow({ where: { orderId: order.id } })).quantity.toString()).toBe("12");

    const saved = card(await exchange(cardSubmit(w, { ...saveAgain.data, ...inputs(stale), quantity1: "20" }, "form-card")));
    expect(cardText(saved)).toMatch(new RegExp(`${ref}.*changed|changed.*${ref}`, "s"));
    expect((await db.orderLine.findFirstOrThrow({ where: { orderId: order.id } })).quantity.toString()).toBe("20");

    // Cancel is a ShowCard asking first: only its Yes carries the command.
    const again = card(await exchange(personalMessage(w, `order show ${ref}`)));
    const cancel = actionsOf(again).find((a) => a.type === "Action.ShowCard" && /cancel/i.test(a.title))!;
    expect(cardText({ body: cancel.card!.body } as Record<string, unknown>)).toMatch(new RegExp(`${ref} will be cancelled`));
    const yes = cancel.card!.actions!.find((a) => String(a.data?.[COMMAND_KEY] ?? "").startsWith(`order cancel ${ref}`))!;
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).not.toBe("CANCELLED");
    await exchange(cardSubmit(w, yes.data!, "show-card-2"));
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("CANCELLED");
  });
});
