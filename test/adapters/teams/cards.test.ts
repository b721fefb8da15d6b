import { describe, expect, it } from "vitest";
import type { Reply } from "../../../src/core/reply.ts";
import { COMMAND_KEY, FORM_KEY, displayText, parseSubmission, renderCard } from "../../../src/adapters/teams/cards.ts";
import { cardErrors, cardText } from "./card-schema.ts";

const everything: Reply = {
  ok: true,
  visibility: "channel",
  summary: "Order O-17 logged",
  blocks: [
    { kind: "heading", text: "Order O-17 for ACME Holding GmbH" },
    { kind: "text", text: "Logged.", tone: "success" },
    { kind: "text", text: "Careful", tone: "warning" },
    { kind: "text", text: "quiet", tone: "muted" },
    { kind: "fields", fields: [{ label: "Total", value: "€1,234.50" }, { label: "PO", value: "" }] },
    { kind: "list", items: ["one", "two"], more: 3 },
    { kind: "table", columns: ["Qty", "Product", "Price"], rows: [["10 pcs", "BOLT-10 Bolt M10", "€2.50"], ["5 pcs", "NUT-10"]], more: 2 },
    { kind: "actions", buttons: [{ label: "Confirm", command: "order status O-17 confirmed", style: "primary" }, { label: "Cancel", command: "order status O-17 cancelled", style: "danger" }, { label: "Show", command: "order show O-17" }] },
    { kind: "mention", memberIds: ["m1", "m2"], text: "please confirm" },
  ],
};

const form: Reply = {
  ok: false,
  visibility: "caller",
  summary: "The quantity 1 is not valid.",
  blocks: [
    {
      kind: "form",
      form: {
        id: "order.log",
        title: "Log an order",
        submitLabel: "Log order",
        errors: { quantity1: "The quantity 1 is not valid.", lines: "At least one line." },
        fields: [
          { name: "account", label: "Account", type: "select", required: true, options: [{ value: "a1", label: "ACME" }], value: "a1" },
          { name: "product1", label: "Product 1", type: "select", required: true, options: [{ value: "p1", label: "BOLT-10" }] },
          { name: "quantity1", label: "Quantity 1", type: "number", required: true, value: "abc" },
          { name: "price1", label: "Price 1", type: "text", required: false, placeholder: "1.234,50 €", hint: "Leave empty for the list price" },
          { name: "requestedOn", label: "Requested on", type: "date", required: false, value: "2026-12-31" },
          { name: "notes", label: "Notes", type: "textarea", required: false, value: "x" },
          { name: "count", label: "Count", type: "number", required: false, value: "2,5" },
        ],
      },
    },
  ],
};

describe("Teams cards", () => {
  it("renders every block kind as a valid Adaptive Card 1.5", () => {
    const mentions = new Map([["m1", { id: "29:abc", name: "Maria Manager" }]]);
    const card = renderCard(everything, { mentions });
    expect(cardErrors(card)).toEqual([]);
    expect(card.version).toBe("1.5");
    expect(card.msteams?.width).toBe("Full");
    expect(card.msteams?.entities).toEqual([{ type: "mention", text: "<at>Maria Manager</at>", mentioned: { id: "29:abc", name: "Maria Manager" } }]);
    const text = cardText(card);
    expect(text).toContain("<at>Maria Manager</at> please confirm");
    expect(text).toContain("… and 3 more");
    expect(text).toContain("… and 2 more");
    const actionSet = card.body.find((e) => e.type === "ActionSet") as { actions: { data: Record<string, string>; style?: string }[] };
    expect(actionSet.actions.map((a) => a.data[COMMAND_KEY])).toEqual(["order status O-17 confirmed", "order status O-17 cancelled", "order show O-17"]);
    expect(actionSet.actions.map((a) => a.style)).toEqual(["positive", "destructive", undefined]);
    // A card with a list or table is about many things: its buttons answer below it.
    expect(actionSet.actions.every((a) => !("kamUpdate" in a.data))).toBe(true);
  });

  it("lets the buttons of a card about one thing replace it", () => {
    const card = renderCard({
      ok: true,
      visibility: "channel",
      summary: "Flag 3",
      blocks: [
        { kind: "heading", text: "Invoice 4711 is overdue" },
        { kind: "fields", fields: [{ label: "Account", value: "ACME" }] },
        { kind: "actions", buttons: [{ label: "Acknowledge", command: "flag ack 3" }] },
      ],
    });
    expect(cardErrors(card)).toEqual([]);
    const actionSet = card.body.find((e) => e.type === "ActionSet") as { actions: { data: Record<string, unknown> }[] };
    expect(actionSet.actions[0]!.data).toEqual({ [COMMAND_KEY]: "flag ack 3", kamUpdate: 1 });
  });

  it("renders forms with required inputs, values and the errors next to their fields", () => {
    const card = renderCard(form);
    expect(cardErrors(card)).toEqual([]);
    const inputs = card.body.filter((e) => String(e.type).startsWith("Input."));
    expect(inputs.map((i) => [i.type, i.id, i.isRequired])).toEqual([
      ["Input.ChoiceSet", "account", true],
      ["Input.ChoiceSet", "product1", true],
      ["Input.Number", "quantity1", true],
      ["Input.Text", "price1", false],
      ["Input.Date", "requestedOn", false],
      ["Input.Text", "notes", false],
      ["Input.Number", "count", false],
    ]);
    const quantity = inputs[2]!;
    expect(quantity.value).toBeUndefined(); // "abc" cannot be a number input's value
    expect(quantity.errorMessage).toBe("The quantity 1 is not valid.");
    expect(inputs[6]!.value).toBe(2.5);
    const index = card.body.indexOf(quantity);
    expect(card.body[index + 1]).toMatchObject({ type: "RichTextBlock", inlines: [{ type: "TextRun", text: "The quantity 1 is not valid.", color: "attention" }] });
    expect(cardText(card)).toContain("At least one line.");
    const submit = card.body.at(-1) as { actions: { type: string; data: Record<string, string> }[] };
    expect(submit.actions[0]).toMatchObject({ type: "Action.Submit", title: "Log order", data: { [FORM_KEY]: "order.log" } });
  });

  it("shows user text as typed (no markdown, no backslashes) and cannot be made to mention anyone from it", () => {
    const typed = "Helme *kaputt* _it_ [x](http://evil) <at>CEO</at> <!channel> 2 < 3";
    const card = renderCard({ ok: true, visibility: "caller", summary: typed, blocks: [{ kind: "heading", text: typed }, { kind: "text", text: `- ${typed}`, tone: "warning" }, { kind: "fields", fields: [{ label: "Subject", value: typed }] }] });
    expect(card.msteams).toBeUndefined();
    const json = JSON.stringify(card);
    expect(json).not.toContain("<at>");
    expect(json).not.toContain("\\\\");
    // Only TextRuns (never markdown) carry the text; `<` before a tag name gets an invisible word joiner.
    expect(cardText(card)).toContain("Helme *kaputt* _it_ [x](http://evil) <\u2060at>CEO<\u2060/at> <\u2060!channel> 2 < 3");
    const markdown = JSON.stringify(card.body.filter((e) => e.type === "TextBlock" || e.type === "FactSet"));
    expect(markdown).toBe("[]");
    expect(displayText("write `order log` now")).toBe("write order log now");
  });

  it("puts catalogue `code` in monospace and colours only a sign, never the sentence", () => {
    const card = renderCard({ ok: false, visibility: "caller", summary: "x", blocks: [{ kind: "text", text: "Careful: write `help`.", tone: "warning" }] });
    expect(card.body[0]).toEqual({
      type: "RichTextBlock",
      inlines: [{ type: "TextRun", text: "⚠️ Careful: write " }, { type: "TextRun", text: "help", fontType: "Monospace" }, { type: "TextRun", text: "." }],
    });
    expect(JSON.stringify(card)).not.toMatch(/"color":"(warning|good)"/);
  });

  it("shows at most three buttons side by side, the rest in the overflow menu", () => {
    const buttons = ["Acknowledge", "Snooze 1 day", "Snooze 1 week", "Details"].map((label, i) => ({ label, command: `c${i}` }));
    const card = renderCard({ ok: true, visibility: "caller", summary: "x", blocks: [{ kind: "list", items: ["a"] }, { kind: "actions", buttons }] });
    const set = card.body.find((e) => e.type === "ActionSet") as { actions: { title: string; mode?: string }[] };
    expect(set.actions.filter((a) => a.mode !== "secondary").map((a) => a.title)).toEqual(["Acknowledge", "Snooze 1 day"]);
    expect(set.actions.filter((a) => a.mode === "secondary").map((a) => a.title)).toEqual(["Snooze 1 week", "Details"]);
  });

  it("sizes table columns by their content and right-aligns amounts", () => {
    const card = renderCard({ ok: true, visibility: "caller", summary: "x", blocks: [{ kind: "table", columns: ["Invoice", "Account", "Amount"], rows: [["I-3 · NW-10017", "ACME Holding GmbH", "€158.00"], ["I-4 · NW-10018", "Baltic Logistics AG", "€1,234.50"]] }] });
    const table = card.body[0] as { columns: { width: number; horizontalCellContentAlignment?: string }[] };
    expect(table.columns.map((c) => c.horizontalCellContentAlignment)).toEqual([undefined, undefined, "Right"]);
    expect(table.columns[1]!.width).toBeGreaterThan(table.columns[2]!.width);
    expect(new Set(table.columns.map((c) => c.width)).size).toBeGreaterThan(1);
  });

  it("leaves out a mention line that names nobody", () => {
    const card = renderCard({ ok: true, visibility: "channel", summary: "x", blocks: [{ kind: "heading", text: "Reminders" }, { kind: "mention", memberIds: ["m-unknown"], text: "For your attention:" }] });
    expect(cardText(card)).not.toContain("For your attention");
  });

  it("falls back to the summary for an empty reply", () => {
    const card = renderCard({ ok: true, visibility: "caller", summary: "Nothing to show", blocks: [] });
    expect(cardErrors(card)).toEqual([]);
    expect(cardText(card)).toContain("Nothing to show");
  });

  it("reads card submissions: a button's command or a form's values without our keys", () => {
    expect(parseSubmission({ [COMMAND_KEY]: " flag ack 3 " })).toEqual({ kind: "command", command: "flag ack 3", update: false });
    expect(parseSubmission({ [COMMAND_KEY]: "flag ack 3", kamUpdate: 1 })).toEqual({ kind: "command", command: "flag ack 3", update: true });
    expect(parseSubmission({ [FORM_KEY]: "order.log", account: "a1", quantity1: 3, product1: "p1", msteams: {} })).toEqual({
      kind: "form",
      id: "order.log",
      values: { account: "a1", quantity1: "3", product1: "p1" },
    });
    expect(parseSubmission({ something: "else" })).toBeUndefined();
    expect(parseSubmission("text")).toBeUndefined();
    expect(parseSubmission(null)).toBeUndefined();
  });
});
