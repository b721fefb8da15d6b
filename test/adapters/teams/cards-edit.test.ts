import { describe, expect, it } from "vitest";
import type { Reply } from "../../../src/core/reply.ts";
import { COMMAND_KEY, FORM_KEY, parseSubmission, renderCard } from "../../../src/adapters/teams/cards.ts";
import { cardErrors } from "./card-schema.ts";

describe("Teams cards for corrections", () => {
  it("a button with a confirmation opens a card that asks first; only its Yes runs the command", () => {
    const reply: Reply = {
      ok: true, visibility: "caller", summary: "Order O-3",
      blocks: [{ kind: "actions", buttons: [
        { label: "Edit", command: "order edit O-3 version 2" },
        { label: "Cancel order", command: "order cancel O-3 version 2", style: "danger", confirm: { title: "Cancel O-3?", text: "Order O-3 will be cancelled.", yes: "Yes, cancel it", no: "No, keep it" } },
      ] }],
    };
    const card = renderCard(reply);
    expect(cardErrors(card)).toEqual([]);
    const json = JSON.stringify(card);
    const set = (card.body as { type: string; actions?: Record<string, unknown>[] }[]).find((e) => e.type === "ActionSet")!;
    expect(set.actions![0]).toMatchObject({ type: "Action.Submit", data: expect.objectContaining({ [COMMAND_KEY]: "order edit O-3 version 2" }) });
    expect(set.actions![1]).toMatchObject({ type: "Action.ShowCard", title: "Cancel order" });
    const inner = (set.actions![1] as { card: { body: unknown[]; actions: { title: string; data: Record<string, unknown> }[] } }).card;
    expect(JSON.stringify(inner.body)).toContain("Order O-3 will be cancelled.");
    expect(inner.actions).toEqual([expect.objectContaining({ type: "Action.Submit", title: "Yes, cancel it", data: expect.objectContaining({ [COMMAND_KEY]: "order cancel O-3 version 2" }) })]);
    expect(json.match(/order cancel O-3/g)).toHaveLength(1);
  });

  it("a form's hidden fields travel in the submit action's data and come back as values", () => {
    const reply: Reply = {
      ok: true, visibility: "caller", summary: "Change invoice I-1",
      blocks: [{ kind: "form", form: { id: "invoice.edit", title: "Change invoice I-1", submitLabel: "Save", errors: {}, fields: [
        { name: "invoice", label: "invoice", type: "hidden", required: false, value: "I-1" },
        { name: "version", label: "version", type: "hidden", required: false, value: "4" },
        { name: "amount", label: "Amount", type: "text", required: true, value: "25.00" },
      ] } }],
    };
    const card = renderCard(reply);
    expect(cardErrors(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).not.toMatch(/"id":"version"/);
    const set = (card.body as { type: string; actions?: { data: Record<string, unknown> }[] }[]).find((e) => e.type === "ActionSet")!;
    expect(set.actions![0]!.data).toEqual({ invoice: "I-1", version: "4", [FORM_KEY]: "invoice.edit" });
    // Teams merges the inputs' values into that data.
    expect(parseSubmission({ ...set.actions![0]!.data, amount: "30.00" })).toEqual({ kind: "form", id: "invoice.edit", values: { invoice: "I-1", version: "4", amount: "30.00" } });
  });
});
