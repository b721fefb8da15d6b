import type { Block, Reply } from "../../core/reply.ts";

function pad(s: string, n: number): string {
  return s + " ".repeat(Math.max(0, n - [...s].length));
}

function block(b: Block): string {
  switch (b.kind) {
    case "heading":
      return `== ${b.text} ==`;
    case "text":
      return b.tone === "error" ? `! ${b.text}` : b.tone === "success" ? `✓ ${b.text}` : b.text;
    case "fields":
      return b.fields.map((f) => `  ${f.label}: ${f.value}`).join("\n");
    case "list":
      return [...b.items.map((i) => `  • ${i}`), ...(b.more ? [`  … +${b.more}`] : [])].join("\n");
    case "table": {
      const widths = b.columns.map((c, i) => Math.max([...c].length, ...b.rows.map((r) => [...(r[i] ?? "")].length)));
      const line = (cells: string[]) => "  " + cells.map((c, i) => pad(c, widths[i]!)).join("  ").trimEnd();
      return [line(b.columns), ...b.rows.map(line), ...(b.more ? [`  … +${b.more}`] : [])].join("\n");
    }
    case "actions":
      return b.buttons.map((x) => `  [${x.label}] → ${x.command}`).join("\n");
    case "form":
      return [
        `== ${b.form.title} ==`,
        ...b.form.fields.filter((f) => f.type !== "hidden").map((f) => {
          const error = b.form.errors[f.name];
          return `  ${f.label}${f.required ? " *" : ""}${f.value ? ` = ${f.value}` : ""}${error ? `   ! ${error}` : ""}`;
        }),
      ].join("\n");
    case "mention":
      return b.text;
  }
}

/** A reply as plain terminal text. */
export function renderText(reply: Reply): string {
  return reply.blocks.map(block).join("\n");
}
