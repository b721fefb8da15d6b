import type { ActionsBlock, AnyBlock, ContextBlock, HeaderBlock, InputBlock, KnownBlock, RichTextBlock, SectionBlock, TableBlock, View } from "@slack/types";

/**
 * Slack's Block Kit limits, kept in code so every rendered message, modal and home tab can be
 * checked (https://docs.slack.dev/reference/block-kit). Lengths are in characters.
 */
export const LIMITS = {
  message: { blocks: 50, text: 40_000 },
  modal: { blocks: 100, title: 24, submit: 24, close: 24, callbackId: 255, privateMetadata: 3000 },
  home: { blocks: 100, privateMetadata: 3000, callbackId: 255 },
  blockId: 255,
  header: { text: 150 },
  section: { text: 3000, fields: 10, fieldText: 2000 },
  context: { elements: 10, text: 3000 },
  actions: { elements: 25 },
  button: { text: 75, value: 2000, actionId: 255 },
  input: { label: 2000, hint: 2000 },
  element: { placeholder: 150, actionId: 255, initialValue: 3000 },
  staticSelect: { options: 100 },
  overflow: { options: 5 },
  option: { text: 75, value: 150 },
  /** The table block: at most 100 rows of at most 20 cells, and one table per message. */
  table: { rows: 100, cells: 20, perMessage: 1, cellText: 1000 },
  /** Rich text kam writes: a text element's length, and the items of one list before another starts. */
  richText: { text: 4000, listItems: 50 },
} as const;

export type Surface = "message" | "modal" | "home";

function len(text: { text: string } | undefined): number {
  return text ? text.text.length : 0;
}

/** Every limit the blocks break, as readable strings; empty when all is within Slack's limits. */
export function checkBlocks(blocks: readonly (KnownBlock | AnyBlock)[], surface: Surface): string[] {
  const problems: string[] = [];
  const max = surface === "message" ? LIMITS.message.blocks : LIMITS[surface].blocks;
  if (blocks.length > max) problems.push(`${surface}: ${blocks.length} blocks > ${max}`);
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  const tooLong = (where: string, value: number, limit: number) => {
    if (value > limit) problems.push(`${where}: ${value} > ${limit}`);
  };
  const element = (where: string, el: Record<string, unknown>) => {
    const actionId = el.action_id as string | undefined;
    if (actionId !== undefined) {
      tooLong(`${where}.action_id`, actionId.length, LIMITS.element.actionId);
      if (surface === "message" && actionIds.has(actionId)) problems.push(`${where}: duplicate action_id ${actionId}`);
      actionIds.add(actionId);
    }
    const placeholder = el.placeholder as { text: string } | undefined;
    if (placeholder) tooLong(`${where}.placeholder`, placeholder.text.length, LIMITS.element.placeholder);
    if (typeof el.initial_value === "string") tooLong(`${where}.initial_value`, el.initial_value.length, LIMITS.element.initialValue);
    if (el.type === "button") {
      tooLong(`${where}.text`, len(el.text as { text: string }), LIMITS.button.text);
      if (typeof el.value === "string") tooLong(`${where}.value`, el.value.length, LIMITS.button.value);
    }
    if (el.type === "overflow") {
      const options = (el.options as { text: { text: string }; value: string }[] | undefined) ?? [];
      if (options.length < 2 || options.length > LIMITS.overflow.options) problems.push(`${where}.options: ${options.length} not within 2..${LIMITS.overflow.options}`);
      options.forEach((o, i) => {
        tooLong(`${where}.options[${i}].text`, o.text.text.length, LIMITS.option.text);
        tooLong(`${where}.options[${i}].value`, o.value.length, LIMITS.option.value);
      });
    }
    if (el.type === "static_select") {
      const options = (el.options as { text: { text: string }; value: string }[] | undefined) ?? [];
      tooLong(`${where}.options`, options.length, LIMITS.staticSelect.options);
      options.forEach((o, i) => {
        tooLong(`${where}.options[${i}].text`, o.text.text.length, LIMITS.option.text);
        tooLong(`${where}.options[${i}].value`, o.value.length, LIMITS.option.value);
      });
    }
  };
  const tables = blocks.filter((b) => b.type === "table").length;
  if (tables > LIMITS.table.perMessage && surface === "message") problems.push(`${surface}: ${tables} table blocks > ${LIMITS.table.perMessage}`);
  blocks.forEach((block, i) => {
    const where = `blocks[${i}](${block.type})`;
    if (block.block_id !== undefined) {
      tooLong(`${where}.block_id`, block.block_id.length, LIMITS.blockId);
      if (blockIds.has(block.block_id)) problems.push(`${where}: duplicate block_id ${block.block_id}`);
      blockIds.add(block.block_id);
    }
    switch (block.type) {
      case "header":
        tooLong(`${where}.text`, len((block as HeaderBlock).text), LIMITS.header.text);
        break;
      case "section": {
        const s = block as SectionBlock;
        if (!s.text && !s.fields?.length) problems.push(`${where}: needs text or fields`);
        tooLong(`${where}.text`, len(s.text), LIMITS.section.text);
        tooLong(`${where}.fields`, s.fields?.length ?? 0, LIMITS.section.fields);
        s.fields?.forEach((f, j) => tooLong(`${where}.fields[${j}]`, f.text.length, LIMITS.section.fieldText));
        if (s.accessory) element(`${where}.accessory`, s.accessory as unknown as Record<string, unknown>);
        break;
      }
      case "context": {
        const c = block as ContextBlock;
        tooLong(`${where}.elements`, c.elements.length, LIMITS.context.elements);
        c.elements.forEach((e, j) => {
          if ("text" in e && typeof e.text === "string") tooLong(`${where}.elements[${j}]`, e.text.length, LIMITS.context.text);
        });
        break;
      }
      case "actions": {
        const a = block as ActionsBlock;
        tooLong(`${where}.elements`, a.elements.length, LIMITS.actions.elements);
        a.elements.forEach((e, j) => element(`${where}.elements[${j}]`, e as unknown as Record<string, unknown>));
        break;
      }
      case "input": {
        if (surface === "message") problems.push(`${where}: input blocks only belong in modals and home tabs`);
        const input = block as InputBlock;
        tooLong(`${where}.label`, len(input.label), LIMITS.input.label);
        tooLong(`${where}.hint`, len(input.hint), LIMITS.input.hint);
        element(`${where}.element`, input.element as unknown as Record<string, unknown>);
        break;
      }
      case "table": {
        if (surface !== "message") problems.push(`${where}: table blocks only belong in messages`);
        const table = block as TableBlock;
        tooLong(`${where}.rows`, table.rows.length, LIMITS.table.rows);
        table.rows.forEach((row, j) => tooLong(`${where}.rows[${j}]`, row.length, LIMITS.table.cells));
        tooLong(`${where}.column_settings`, table.column_settings?.length ?? 0, LIMITS.table.cells);
        break;
      }
      case "rich_text": {
        const rich = block as RichTextBlock;
        if (rich.elements.length === 0) problems.push(`${where}: needs elements`);
        break;
      }
      case "divider":
        break;
      default:
        problems.push(`${where}: block type not checked by this table`);
    }
  });
  return problems;
}

/** Checks a whole view (modal or home tab): blocks plus title, buttons and metadata. */
export function checkView(view: View): string[] {
  const problems = checkBlocks(view.blocks, view.type === "home" ? "home" : "modal");
  if (view.private_metadata) {
    tooLongInto(problems, "private_metadata", view.private_metadata.length, LIMITS.modal.privateMetadata);
  }
  if (view.callback_id) tooLongInto(problems, "callback_id", view.callback_id.length, LIMITS.modal.callbackId);
  if (view.type === "modal") {
    tooLongInto(problems, "title", view.title.text.length, LIMITS.modal.title);
    if (view.submit) tooLongInto(problems, "submit", view.submit.text.length, LIMITS.modal.submit);
    if (view.close) tooLongInto(problems, "close", view.close.text.length, LIMITS.modal.close);
    if (view.blocks.some((b) => b.type === "input") && !view.submit) problems.push("modal: input blocks need a submit button");
  }
  return problems;
}

/** Checks a message payload: blocks and the fallback text. */
export function checkMessage(message: { text?: string; blocks?: (KnownBlock | AnyBlock)[] }): string[] {
  const problems = checkBlocks(message.blocks ?? [], "message");
  tooLongInto(problems, "text", message.text?.length ?? 0, LIMITS.message.text);
  return problems;
}

function tooLongInto(problems: string[], where: string, value: number, limit: number) {
  if (value > limit) problems.push(`${where}: ${value} > ${limit}`);
}
