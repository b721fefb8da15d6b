import type { ActionsBlock, Button as SlackButton, ContextBlock, HeaderBlock, KnownBlock, Overflow, RichTextBlock, RichTextSection, RichTextText, SectionBlock, TableBlock } from "@slack/types";
import type { Translate } from "../../core/i18n/index.ts";
import type { Block, Button, Form, Reply, Tone } from "../../core/reply.ts";
import { codeSegments } from "../code-spans.ts";
import { bold, escapeMrkdwn, mentionUser, mrkdwn, plain, truncate } from "./escape.ts";
import { columnWeights, isNumericColumn } from "../table-columns.ts";
import { LIMITS } from "./limits.ts";

/** Action ids: every button runs its `value` (command text) through the core. */
export const RUN_ACTION = "kam.run";
export const OPEN_FORM_ACTION = "kam.form.open";
export const ACTION_ID_PATTERN = /^kam\.run(\.\d+)?$/;

export interface RenderOptions {
  t: Translate;
  /** Slack user ids by member id, for `mention` blocks (members without a Slack identity are named instead). */
  mentions?: ReadonlyMap<string, string>;
  /** Extra Slack user ids to mention at the top (notifications: the responsible members). */
  extraMentions?: readonly string[];
  /** The command text that opens a form again (a message cannot hold a form: it gets a button). */
  formCommand?: string;
  /** Blocks allowed; messages 50, modals and home tabs 100. */
  maxBlocks?: number;
  /** First numbers for generated block and action ids (when adding to blocks that already use some). */
  firstIds?: { button: number; actions: number };
}

/** The next free numbers of kam's generated ids in existing blocks, so that added blocks never clash. */
export function nextIds(blocks: readonly { block_id?: string; elements?: unknown[] }[]): { button: number; actions: number } {
  let button = 0;
  let actions = 0;
  for (const b of blocks) {
    const m = /^kam\.(?:actions|form)\.(\d+)$/.exec(b.block_id ?? "");
    if (m) actions = Math.max(actions, Number(m[1]) + 1);
    for (const e of (b.elements ?? []) as { action_id?: string }[]) {
      const n = /^kam\.run\.(\d+)$/.exec(e.action_id ?? "");
      if (n) button = Math.max(button, Number(n[1]) + 1);
    }
  }
  return { button, actions };
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const TONE_PREFIX: Record<Tone, string> = { normal: "", muted: "", success: "✅ ", warning: "⚠️ ", error: "❌ " };

function section(text: string, blockId?: string): SectionBlock {
  return {
    type: "section",
    ...(blockId ? { block_id: blockId } : {}),
    text: { type: "mrkdwn", text: truncate(text, LIMITS.section.text) },
  };
}

/**
 * Plain text as rich text: Slack shows it exactly as typed (no mrkdwn, no links, no pings), with
 * the catalogue's `code` spans as code.
 */
function richSection(text: string): RichTextSection {
  const elements: RichTextText[] = codeSegments(truncate(text, LIMITS.richText.text)).map((s) => ({ type: "text", text: inert(s.text) || " ", ...(s.code ? { style: { code: true } } : {}) }));
  return { type: "rich_text_section", elements };
}

/** Rich text never pings, but a `<!channel>` copied out of it must not either: a word joiner after `<`. */
function inert(text: string): string {
  return text.replace(/<(?=[!@#])/g, "<\u2060");
}

function richText(text: string): RichTextBlock {
  return { type: "rich_text", elements: [richSection(text)] };
}

function richList(items: string[]): RichTextBlock {
  return { type: "rich_text", elements: [{ type: "rich_text_list", style: "bullet", elements: items.map(richSection) }] };
}

/** The table block (one per message): header row bold, amounts and quantities right-aligned. */
function tableBlock(columns: string[], rows: string[][]): TableBlock {
  const cols = columns.slice(0, LIMITS.table.cells);
  const cell = (text: string) => ({ type: "raw_text" as const, text: inert(truncate(text || "–", LIMITS.table.cellText)) });
  const header = cols.map((c) => ({ type: "rich_text" as const, elements: [{ type: "rich_text_section" as const, elements: [{ type: "text" as const, text: inert(c) || " ", style: { bold: true } }] }] }));
  const body = rows.slice(0, LIMITS.table.rows - 1).map((r) => cols.map((_, i) => cell(r[i] ?? "")));
  const weights = columnWeights(cols, rows);
  const widest = Math.max(...weights);
  return {
    type: "table",
    rows: [header, ...body],
    column_settings: cols.map((_, i) => ({
      ...(isNumericColumn(rows, i) ? { align: "right" as const } : {}),
      // Long text columns wrap; short tokens (references, amounts) never break.
      is_wrapped: weights[i]! >= widest && weights[i]! > 12,
    })),
  };
}

function context(text: string): ContextBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text: truncate(text, LIMITS.context.text) }] };
}

/** Lines packed into as few sections as fit the section text limit. */
function packLines(lines: string[]): SectionBlock[] {
  const out: SectionBlock[] = [];
  let current = "";
  for (const raw of lines) {
    const line = truncate(raw, LIMITS.section.text);
    if (current && current.length + 1 + line.length > LIMITS.section.text) {
      out.push(section(current));
      current = "";
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(section(current));
  return out;
}

/** The form id as a command ("order.log" → "order log"), used when no command text is known. */
export function formCommandOf(form: Form): string {
  return form.id.replace(/\./g, " ");
}

function button(label: string, value: string, actionId: string, style?: "primary" | "danger", confirm?: Button["confirm"]): SlackButton {
  return {
    type: "button",
    action_id: actionId,
    text: { type: "plain_text", text: plain(label, LIMITS.button.text), emoji: true },
    value: value.slice(0, LIMITS.button.value),
    ...(style ? { style } : {}),
    ...(confirm
      ? {
          confirm: {
            title: { type: "plain_text" as const, text: plain(confirm.title, 100) },
            text: { type: "plain_text" as const, text: plain(confirm.text, 300) },
            confirm: { type: "plain_text" as const, text: plain(confirm.yes, 30) },
            deny: { type: "plain_text" as const, text: plain(confirm.no, 30) },
            ...(style === "danger" ? { style: "danger" as const } : {}),
          },
        }
      : {}),
  };
}

function overflow(buttons: { label: string; command: string }[], actionId: string): Overflow {
  return {
    type: "overflow",
    action_id: actionId,
    options: buttons.slice(0, LIMITS.overflow.options).map((b) => ({ text: { type: "plain_text", text: plain(b.label, LIMITS.option.text), emoji: true }, value: b.command.slice(0, LIMITS.option.value) })),
  };
}

/** At most this many controls per row: more buttons put all but the first two into an overflow menu (⋯). */
export const VISIBLE_ACTIONS = 3;

function renderBlock(block: Block, options: RenderOptions, counter: { button: number; actions: number; tables: number }): KnownBlock[] {
  const { t } = options;
  switch (block.kind) {
    case "heading":
      return [{ type: "header", text: { type: "plain_text", text: plain(block.text, LIMITS.header.text), emoji: true } } satisfies HeaderBlock];
    case "text": {
      const tone = block.tone ?? "normal";
      return tone === "muted" ? [context(mrkdwn(block.text))] : [richText(TONE_PREFIX[tone] + block.text)];
    }
    case "fields": {
      const out: KnownBlock[] = [];
      for (let i = 0; i < block.fields.length; i += LIMITS.section.fields) {
        out.push({
          type: "section",
          fields: block.fields.slice(i, i + LIMITS.section.fields).map((f) => ({
            type: "mrkdwn" as const,
            text: truncate(`${bold(f.label)}\n${mrkdwn(f.value || "–")}`, LIMITS.section.fieldText),
          })),
        });
      }
      return out;
    }
    case "list": {
      const out: KnownBlock[] = [];
      for (let i = 0; i < block.items.length; i += LIMITS.richText.listItems) out.push(richList(block.items.slice(i, i + LIMITS.richText.listItems)));
      if (block.more) out.push(context(escapeMrkdwn(t("slack:more", { count: block.more }))));
      return out;
    }
    case "table": {
      const out: KnownBlock[] = [];
      const fits = block.columns.length <= LIMITS.table.cells && block.rows.length < LIMITS.table.rows;
      if (counter.tables === 0 && fits) {
        counter.tables++;
        out.push(tableBlock(block.columns, block.rows));
      } else {
        // Slack takes one table per message: further tables are lines.
        const header = block.columns.map((c) => bold(c)).join("  ·  ");
        const rows = block.rows.map((r) => r.map((cell) => mrkdwn(cell || "–")).join("  ·  "));
        out.push(...packLines([header, ...rows]));
      }
      if (block.more) out.push(context(escapeMrkdwn(t("slack:more", { count: block.more }))));
      return out;
    }
    case "actions": {
      if (block.buttons.length > VISIBLE_ACTIONS && block.buttons.length <= VISIBLE_ACTIONS - 1 + LIMITS.overflow.options) {
        const [first, second, ...rest] = block.buttons;
        return [{
          type: "actions",
          block_id: `kam.actions.${counter.actions++}`,
          elements: [
            ...[first!, second!].map((b) => button(b.label, b.command, `${RUN_ACTION}.${counter.button++}`, b.style)),
            overflow(rest, `${RUN_ACTION}.${counter.button++}`),
          ],
        }];
      }
      const out: ActionsBlock[] = [];
      for (let i = 0; i < block.buttons.length; i += LIMITS.actions.elements) {
        out.push({
          type: "actions",
          block_id: `kam.actions.${counter.actions++}`,
          elements: block.buttons
            .slice(i, i + LIMITS.actions.elements)
            .map((b) => button(b.label, b.command, `${RUN_ACTION}.${counter.button++}`, b.style, b.confirm)),
        });
      }
      return out;
    }
    case "form": {
      const form = block.form;
      return [
        section(escapeMrkdwn(t("slack:form.prompt", { title: form.title }))),
        {
          type: "actions",
          block_id: `kam.form.${counter.actions++}`,
          elements: [button(t("slack:form.open"), options.formCommand ?? formCommandOf(form), OPEN_FORM_ACTION, "primary")],
        },
      ];
    }
    case "mention": {
      const known = block.memberIds.map((id) => options.mentions?.get(id)).filter((u): u is string => Boolean(u));
      const pings = known.map((u) => mentionUser(u)).join(" ");
      // "For your attention:" with nobody named says nothing.
      if (!pings) return [];
      return [section(`${pings} ${mrkdwn(block.text)}`)];
    }
  }
}

/**
 * Renders a platform-neutral reply as a Block Kit message within Slack's limits: user text as rich
 * text (or escaped mrkdwn), a table as Slack's table block, and a note when blocks had to be left
 * out. `text` is the plain form: the notification and the fallback of clients without blocks.
 */
export function renderReply(reply: Reply, options: RenderOptions): SlackMessage {
  const max = options.maxBlocks ?? LIMITS.message.blocks;
  const counter = { ...(options.firstIds ?? { button: 0, actions: 0 }), tables: 0 };
  let blocks: KnownBlock[] = reply.blocks.flatMap((b) => renderBlock(b, options, counter));
  const extra = (options.extraMentions ?? []).filter((u) => /^[UW][A-Z0-9]{2,}$/.test(u));
  if (extra.length) blocks.unshift(section(extra.map(mentionUser).join(" ")));
  if (blocks.length === 0) blocks = [section(escapeMrkdwn(reply.summary || "…"))];
  if (blocks.length > max) {
    const left = blocks.length - (max - 1);
    blocks = [...blocks.slice(0, max - 1), context(escapeMrkdwn(options.t("slack:truncated", { count: left })))];
  }
  const pings = extra.length ? `${extra.map(mentionUser).join(" ")} ` : "";
  const text = truncate(pings + escapeMrkdwn(fallbackText(reply)), 3000);
  return { text, blocks };
}

/** The summary, and a table as lines (what a notification or a client without blocks shows). */
function fallbackText(reply: Reply): string {
  const table = reply.blocks.find((b): b is Extract<Block, { kind: "table" }> => b.kind === "table");
  if (!table) return reply.summary || "kam";
  const lines = [table.columns.join(" · "), ...table.rows.slice(0, 20).map((r) => r.map((c) => c || "–").join(" · "))];
  return [reply.summary, ...lines].filter(Boolean).join("\n");
}

/** The first form block of a reply, if any. */
export function formOf(reply: Reply): Form | undefined {
  for (const b of reply.blocks) if (b.kind === "form") return b.form;
  return undefined;
}

/** Member ids a reply mentions (to resolve to Slack users before rendering). */
export function mentionedMembers(reply: Reply): string[] {
  return [...new Set(reply.blocks.flatMap((b) => (b.kind === "mention" ? b.memberIds : [])))];
}
