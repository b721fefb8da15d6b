import { describe, expect, it } from "vitest";
import { nextIds, renderReply } from "../../../src/adapters/slack/blocks.ts";
import { escapeMrkdwn, fromSlackText, truncate } from "../../../src/adapters/slack/escape.ts";
import { checkBlocks, checkMessage, LIMITS } from "../../../src/adapters/slack/limits.ts";
import { translator } from "../../../src/core/i18n/index.ts";
import type { Reply } from "../../../src/core/reply.ts";

const t = translator("en");
const reply = (blocks: Reply["blocks"], summary = "summary"): Reply => ({ ok: true, visibility: "caller", summary, blocks });

describe("mrkdwn escaping", () => {
  it("never lets user text ping or link", () => {
    const evil = "<!channel> <@U123> <!here|here> <https://evil.example|click> & co";
    const { text, blocks } = renderReply(
      reply(
        [
          { kind: "text", text: evil },
          { kind: "fields", fields: [{ label: "<!channel>", value: "<@U123>" }] },
          { kind: "list", items: [evil] },
          { kind: "table", columns: ["<!everyone>"], rows: [["<@U999>"]] },
          { kind: "heading", text: evil },
        ],
        evil,
      ),
      { t },
    );
    // mrkdwn is where Slack parses <…>; plain_text (headers, buttons), rich text and table cells are shown as typed.
    const mrkdwn: string[] = [text];
    JSON.stringify(blocks, (_k, v) => (v && v.type === "mrkdwn" && typeof v.text === "string" ? (mrkdwn.push(v.text), v) : v));
    const all = mrkdwn.join("\n");
    expect(mrkdwn.length).toBeGreaterThanOrEqual(2);
    expect(all).not.toMatch(/<[!@#]/);
    expect(all).not.toContain("<https");
    expect(all).toContain("&lt;!channel&gt;");
    expect(all).toContain("&amp; co");
    expect(escapeMrkdwn("a<b>&c")).toBe("a&lt;b&gt;&amp;c");
    // Rich text shows what was typed; a copied `<!channel>` still opens nothing.
    expect(blocks.map((b) => b.type)).toEqual(expect.arrayContaining(["rich_text", "table"]));
    expect(JSON.stringify(blocks.filter((b) => b.type === "rich_text"))).not.toMatch(/<[!@#]/);
  });

  it("shows mrkdwn control characters in user text as typed, not as formatting", () => {
    const typed = "Helme *kaputt* _neu_ ~alt~ `x\n> zitat";
    const escaped = escapeMrkdwn(typed);
    expect(escaped).not.toMatch(/[*_~`]/);
    expect(escaped).not.toMatch(/^&gt;/m);
    const { blocks } = renderReply(reply([{ kind: "text", text: typed }, { kind: "fields", fields: [{ label: "Subject", value: typed }] }]), { t });
    expect(blocks[0]).toEqual({ type: "rich_text", elements: [{ type: "rich_text_section", elements: [{ type: "text", text: typed }] }] });
    expect(JSON.stringify(blocks[1])).not.toContain("*kaputt*");
  });

  it("renders a table as Slack's table block, amounts right-aligned, with the lines as fallback text", () => {
    const { text, blocks } = renderReply(reply([{ kind: "table", columns: ["Invoice", "Amount"], rows: [["I-3 · NW-10017", "€158.00"], ["I-4", "€1,234.50"]] }], "2 invoices"), { t });
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ type: "table", column_settings: [{}, { align: "right" }] });
    expect((blocks[0] as { rows: unknown[] }).rows).toHaveLength(3);
    expect(text).toContain("I-3 · NW-10017 · €158.00");
    expect(checkMessage({ text, blocks })).toEqual([]);
  });

  it("shows at most three controls per row: two buttons and an overflow menu", () => {
    const buttons = ["Acknowledge", "Snooze 1 day", "Snooze 1 week", "Details"].map((label, i) => ({ label, command: `c${i}` }));
    const { blocks } = renderReply(reply([{ kind: "actions", buttons }]), { t });
    const row = blocks[0] as { elements: { type: string; options?: { value: string }[] }[] };
    expect(row.elements.map((e) => e.type)).toEqual(["button", "button", "overflow"]);
    expect(row.elements[2]!.options!.map((o) => o.value)).toEqual(["c2", "c3"]);
  });

  it("mentions only resolved members, as <@U…>", () => {
    const { blocks } = renderReply(reply([{ kind: "mention", memberIds: ["m1", "m2"], text: "please look <@U1>" }]), {
      t,
      mentions: new Map([["m1", "U0BOB0001"]]),
    });
    expect(JSON.stringify(blocks)).toContain("<@U0BOB0001> please look &lt;@U1&gt;");
  });

  it("reads Slack's incoming markup back as the typed command", () => {
    expect(fromSlackText("team add ACME <@U0BOB0001|bob> sales")).toBe("team add ACME <@U0BOB0001|bob> sales");
    expect(fromSlackText("account add A&amp;B &lt;x&gt; <mailto:a@b.de|a@b.de> <https://x.de>")).toBe("account add A&B <x> a@b.de https://x.de");
  });

  it("truncates without cutting an entity", () => {
    const cut = truncate("ab&amp;cd", 5);
    expect(cut).toBe("ab…");
  });
});

describe("Block Kit limits", () => {
  it("keeps huge replies within the limits, with a note for what was left out", () => {
    const big = reply([
      { kind: "heading", text: "h".repeat(400) },
      { kind: "text", text: "x".repeat(10_000) },
      { kind: "fields", fields: Array.from({ length: 25 }, (_, i) => ({ label: `L${i}`, value: "v".repeat(3000) })) },
      { kind: "list", items: Array.from({ length: 500 }, (_, i) => `item ${i} ${"y".repeat(100)}`), more: 20 },
      { kind: "table", columns: ["a", "b"], rows: Array.from({ length: 300 }, (_, i) => [`${i}`, "z".repeat(200)]) },
      { kind: "actions", buttons: Array.from({ length: 60 }, (_, i) => ({ label: "b".repeat(100), command: `flag ack ${i}` })) },
    ]);
    const message = renderReply(big, { t });
    expect(checkMessage(message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.message.blocks);
    const many = renderReply(reply(Array.from({ length: 80 }, (_, i) => ({ kind: "text" as const, text: `line ${i}` }))), { t });
    expect(many.blocks).toHaveLength(LIMITS.message.blocks);
    expect(JSON.stringify(many.blocks.at(-1))).toContain("Shortened to fit Slack");
  });

  it("finds what breaks the limits", () => {
    const problems = checkBlocks(
      [
        { type: "header", text: { type: "plain_text", text: "h".repeat(151) } },
        { type: "section", text: { type: "mrkdwn", text: "x".repeat(3001) } },
        { type: "actions", block_id: "a", elements: [{ type: "button", action_id: "x", text: { type: "plain_text", text: "b".repeat(76) }, value: "v" }] },
        { type: "actions", block_id: "a", elements: [{ type: "button", action_id: "x", text: { type: "plain_text", text: "ok" }, value: "v" }] },
      ],
      "message",
    );
    expect(problems.join("\n")).toMatch(/header.*151 > 150/);
    expect(problems.join("\n")).toMatch(/section.*3001 > 3000/);
    expect(problems.join("\n")).toMatch(/76 > 75/);
    expect(problems.join("\n")).toMatch(/duplicate block_id a/);
    expect(problems.join("\n")).toMatch(/duplicate action_id x/);
  });

  it("gives every button a unique action id carrying its command", () => {
    const { blocks } = renderReply(reply([{ kind: "actions", buttons: [{ label: "Ack", command: "flag ack 1" }, { label: "Snooze", command: "flag snooze 1 1d" }] }]), { t });
    const elements = (blocks[0] as { elements: { action_id: string; value: string }[] }).elements;
    expect(elements.map((e) => e.value)).toEqual(["flag ack 1", "flag snooze 1 1d"]);
    expect(new Set(elements.map((e) => e.action_id)).size).toBe(2);
  });

  it("numbers ids after existing ones, so an updated message never has duplicates", () => {
    const two = reply([
      { kind: "actions", buttons: [{ label: "Ack 1", command: "flag ack 1" }] },
      { kind: "actions", buttons: [{ label: "Ack 2", command: "flag ack 2" }] },
    ]);
    const first = renderReply(two, { t }).blocks;
    const kept = first.slice(0, 1); // the second row was clicked and removed
    const outcome = renderReply(reply([{ kind: "actions", buttons: [{ label: "Confirm", command: "order status 1 confirmed" }] }]), {
      t,
      firstIds: nextIds(kept as never[]),
    }).blocks;
    expect(checkBlocks([...kept, ...outcome], "message")).toEqual([]);
  });
});
