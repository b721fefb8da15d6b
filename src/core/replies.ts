import type { Block, Button, Field, Reply } from "./reply.ts";

/** Lists longer than this are cut with a note (platforms cap message sizes). */
export const MAX_ITEMS = 25;

export function reply(summary: string, blocks: Block[], buttons: Button[] = []): Reply {
  return {
    ok: true,
    visibility: "caller",
    summary,
    blocks: buttons.length ? [...blocks, { kind: "actions", buttons }] : blocks,
  };
}

export function heading(text: string): Block {
  return { kind: "heading", text };
}

export function text(value: string, tone: "normal" | "muted" | "success" | "warning" | "error" = "normal"): Block {
  return { kind: "text", text: value, tone };
}

export function fields(list: (Field | null | undefined | false | "")[]): Block {
  return { kind: "fields", fields: list.filter((f): f is Field => !!f) };
}

export function table(columns: string[], rows: string[][]): Block {
  return rows.length > MAX_ITEMS
    ? { kind: "table", columns, rows: rows.slice(0, MAX_ITEMS), more: rows.length - MAX_ITEMS }
    : { kind: "table", columns, rows };
}

export function list(items: string[]): Block {
  return items.length > MAX_ITEMS ? { kind: "list", items: items.slice(0, MAX_ITEMS), more: items.length - MAX_ITEMS } : { kind: "list", items };
}
