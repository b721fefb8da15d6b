import { codeSegments } from "../code-spans.ts";
import type { Block, Form, FormField, Reply, Tone } from "../../core/reply.ts";
import { columnWeights, isNumericColumn } from "../table-columns.ts";

/**
 * Reply → Adaptive Card 1.5 (the highest schema Teams renders). Pure functions: no botbuilder.
 *
 * Card actions carry our own keys in `data`, which Teams merges with the inputs' values into
 * `activity.value` on submit:
 *   - `kamCommand`: the command text of a button, run as if it had been typed;
 *   - `kamForm`:    the id of the submitted form (a command such as "order.log");
 *   - `kamUpdate`:  set on the buttons of a card about one thing (no list, table or form): their
 *                   result replaces the card, so a flag cannot be acknowledged twice from it.
 */
export const CARD_VERSION = "1.5";
export const COMMAND_KEY = "kamCommand";
export const FORM_KEY = "kamForm";
export const UPDATE_KEY = "kamUpdate";
export const ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

/** Limits Teams enforces or renders badly past; the core keeps lists short, this is the backstop. */
export const TEAMS_LIMITS = {
  /** Teams rejects messages over ~28 KB; stay clear of it. */
  maxCardBytes: 24_000,
  maxTableRows: 50,
  maxTableColumns: 8,
  maxActions: 6,
  maxChoices: 100,
  maxTextLength: 4_000,
} as const;

export interface CardMention {
  /** The Teams channel account id (29:…). */
  id: string;
  name: string;
}

export interface RenderOptions {
  /** Member id → Teams account, for `mention` blocks; unknown members are written by name only. */
  mentions?: Map<string, CardMention>;
  /** "… and {{count}} more", translated. */
  more?: (count: number) => string;
  /** The heading above a form's error list, translated. */
  formErrors?: string;
  /** What a required input that was left empty says, by input type ("Choose one from the list."), translated. */
  required?: (type: FormField["type"]) => string;
  /** Buttons replace the card they are on with their result (set by renderCard). */
  replaceOnClick?: boolean;
  /** One label column width for all fields of the card, so they line up (set by renderCard). */
  fieldLabelWidth?: string;
}

export type AdaptiveElement = Record<string, unknown>;
export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: string;
  body: AdaptiveElement[];
  actions?: AdaptiveElement[];
  fallbackText?: string;
  msteams?: { width?: "Full"; entities?: MentionEntity[] };
}

export interface MentionEntity {
  type: "mention";
  text: string;
  mentioned: { id: string; name: string };
}

/**
 * Reply text is plain. It is rendered as TextRuns of RichTextBlocks, which Teams does not read as
 * markdown: what a user typed (`Helme *kaputt*`) shows as typed, with no backslash escapes (Teams
 * mobile shows those literally). A `<` that could open a tag (`<at>` is a mention) gets a word
 * joiner (U+2060) after it: invisible, it opens nothing, and no line can break inside it.
 */
const TAG_START = /<(?=[a-z!@/])/gi;
const WORD_JOINER = "\u2060";

/** Plain text (previews, fallbacks) that cannot open a tag or a mention anywhere it is shown. */
export function breakTags(text: string): string {
  return text.replace(TAG_START, `<${WORD_JOINER}`);
}

function clip(text: string): string {
  return text.length > TEAMS_LIMITS.maxTextLength ? `${text.slice(0, TEAMS_LIMITS.maxTextLength - 1)}…` : text;
}

/** The text a card shows for a plain text (without the code spans' backticks), for tests and previews. */
export function displayText(text: string): string {
  return codeSegments(clip(text)).map((s) => breakTags(s.text)).join("");
}

type TextStyle = { size?: "Small" | "Medium"; weight?: "Bolder"; isSubtle?: boolean; color?: string };

function richText(text: string, style: TextStyle = {}, extra: Record<string, unknown> = {}): AdaptiveElement {
  const inlines = codeSegments(clip(text) || " ").map((s) => ({ type: "TextRun", text: breakTags(s.text), ...style, ...(s.code ? { fontType: "Monospace" } : {}) }));
  return { type: "RichTextBlock", inlines, ...extra };
}

function textBlock(text: string, extra: Record<string, unknown> = {}): AdaptiveElement {
  return { type: "TextBlock", text, wrap: true, ...extra };
}

/**
 * A tone is shown by a short sign before the sentence, never by colouring the sentence: Teams'
 * "warning" yellow has 1.47:1 contrast on white, "good" green 2.07:1, and both are poor on dark.
 */
const TONE_SIGN: Record<Tone, string> = { normal: "", muted: "", success: "✅ ", warning: "⚠️ ", error: "❌ " };

/** At most this many buttons show side by side; the rest go into the action set's overflow menu (…). */
export const VISIBLE_ACTIONS = 3;
/**
 * Button labels side by side on a phone (340 px), in characters, each button counting 4 for its
 * padding: more is cut ("Zur Kennt…"), so the buttons past it go into the overflow menu too.
 */
export const PHONE_ACTION_CHARS = 36;
/** The widest a fields' label column gets: half of a phone's card. */
export const FIELD_LABEL_MAX_PX = 165;

/** How many buttons stay in sight: at most three (two and the overflow menu when there are more), and what fits a phone. */
export function visibleActions(labels: string[]): number {
  const n = labels.length;
  let k = n > VISIBLE_ACTIONS ? VISIBLE_ACTIONS - 1 : n;
  const width = (count: number) => labels.slice(0, count).reduce((sum, l) => sum + l.length + 4, 0) + (count < n ? 4 : 0);
  while (k > 1 && width(k) > PHONE_ACTION_CHARS) k--;
  return Math.max(1, k);
}

function renderActions(buttons: Block & { kind: "actions" }, options: RenderOptions): AdaptiveElement[] {
  const shown = buttons.buttons.slice(0, TEAMS_LIMITS.maxActions);
  // More than three, or too long for a phone together: the first ones stay in sight, the others
  // go into the overflow menu, so no button label is cut at phone width.
  const visible = visibleActions(shown.map((b) => b.label));
  const actions = shown.map((b, i) => {
    const submit = {
      type: "Action.Submit",
      title: b.label,
      data: { [COMMAND_KEY]: b.command, ...(options.replaceOnClick ? { [UPDATE_KEY]: 1 } : {}) },
      ...(b.style === "primary" ? { style: "positive" } : b.style === "danger" ? { style: "destructive" } : {}),
    };
    const mode = i >= visible ? { mode: "secondary" } : {};
    if (!b.confirm) return { ...submit, ...mode };
    // The confirmation step: the button opens a card that asks, and only its Yes runs the command.
    return {
      type: "Action.ShowCard",
      title: b.label,
      ...mode,
      card: { type: "AdaptiveCard", body: [richText(b.confirm.text)], actions: [{ ...submit, title: b.confirm.yes }] },
    };
  });
  return actions.length ? [{ type: "ActionSet", actions }] : [];
}

function renderBlock(block: Block, options: RenderOptions, entities: MentionEntity[]): AdaptiveElement[] {
  const more = (count: number) => options.more?.(count) ?? `… and ${count} more`;
  switch (block.kind) {
    case "heading":
      return [richText(block.text, { size: "Medium", weight: "Bolder" })];
    case "text": {
      const tone = block.tone ?? "normal";
      return [richText(TONE_SIGN[tone] + block.text, tone === "muted" ? { isSubtle: true } : {})];
    }
    case "fields":
      if (block.fields.length === 0) return [];
    {
      // Not a FactSet: its titles and values are markdown, and user text must show as typed.
      // The label column is as wide as the card's longest label word needs, so no label is cut
      // and the fields of several blocks line up; never more than half a phone's card.
      const labelWidth = options.fieldLabelWidth ?? fieldLabelWidth([block]);
      return block.fields.map((f, i) => ({
        type: "ColumnSet",
        ...(i > 0 ? { spacing: "Small" } : {}),
        columns: [
          { type: "Column", width: labelWidth, items: [richText(f.label, { weight: "Bolder" })] },
          { type: "Column", width: "stretch", items: [richText(f.value || "–")] },
        ],
      }));
    }
    case "list": {
      const items = block.items.map((item, i) => richText(`• ${item}`, {}, i > 0 ? { spacing: "Small" } : {}));
      if (block.more) items.push(richText(more(block.more), { isSubtle: true }, { spacing: "Small" }));
      return items;
    }
    case "table":
      return renderTable(block, more);
    case "actions":
      return renderActions(block, options);
    case "form":
      return renderForm(block.form, options);
    case "mention": {
      const names: string[] = [];
      for (const memberId of block.memberIds) {
        const account = options.mentions?.get(memberId);
        if (!account) continue;
        const markup = mentionMarkup(account.name);
        names.push(markup);
        if (!entities.some((e) => e.mentioned.id === account.id)) {
          entities.push({ type: "mention", text: markup, mentioned: { id: account.id, name: account.name } });
        }
      }
      // "For your attention:" with nobody named says nothing.
      if (names.length === 0) return [];
      return [textBlock(`${names.join(" ")} ${escapeMarkdown(block.text)}`)];
    }
  }
}

/** The label column of fields: as wide as the longest label word of the card needs (bold, about 8.5 px a character). */
function fieldLabelWidth(blocks: Block[]): string {
  const labels = blocks.flatMap((b) => (b.kind === "fields" ? b.fields.map((f) => f.label) : []));
  const longest = Math.max(0, ...labels.flatMap((l) => l.split(/\s+/).map((w) => w.length)));
  return `${Math.min(FIELD_LABEL_MAX_PX, Math.ceil(longest * 8.5) + 12)}px`;
}

/** `<at>Name</at>` for a mention we created ourselves (the one place card text is markdown). */
function mentionMarkup(name: string): string {
  return `<at>${name.replace(/[<>]/g, "")}</at>`;
}

/** Catalogue text beside a mention, in a TextBlock (markdown): nothing in it may format or open a tag. */
function escapeMarkdown(text: string): string {
  return breakTags(clip(text).replace(/[\\`*_[\]]/g, " ").replace(/\s+/g, " ").trim());
}

/**
 * What fits a phone (about 340 px, Teams' narrowest card): the longest words of all columns side
 * by side, in characters. A wider table would overlap or break inside references and amounts, so
 * it is shown as one short paragraph per row instead.
 */
export const PHONE_TABLE_CHARS = 34;

function renderTable(block: Extract<Block, { kind: "table" }>, more: (count: number) => string): AdaptiveElement[] {
  const columns = block.columns.slice(0, TEAMS_LIMITS.maxTableColumns);
  const rows = block.rows.slice(0, TEAMS_LIMITS.maxTableRows);
  const hidden = (block.more ?? 0) + (block.rows.length - rows.length);
  const longestWords = columns.map((c, i) => Math.max(...[c, ...rows.map((r) => r[i] ?? "")].flatMap((x) => x.split(/\s+/).map((w) => w.length))));
  const elements: AdaptiveElement[] = [];
  if (longestWords.reduce((a, b) => a + b + 2, 0) > PHONE_TABLE_CHARS) {
    // Stacked: the columns named once, then each row as "first cell" in bold and the rest after it.
    elements.push(richText(columns.join(" · "), { isSubtle: true, size: "Small" }));
    rows.forEach((r) => {
      const [first, ...rest] = columns.map((_, i) => r[i] || "–");
      elements.push({
        type: "RichTextBlock",
        separator: true,
        spacing: "Small",
        inlines: [
          { type: "TextRun", text: breakTags(clip(first!)), weight: "Bolder" },
          ...(rest.length ? [{ type: "TextRun", text: breakTags(clip(`  ${rest.join(" · ")}`)) }] : []),
        ],
      });
    });
  } else {
    const weights = columnWeights(columns, rows);
    const cell = (text: string, header = false): AdaptiveElement => ({
      type: "TableCell",
      items: [richText(text || "–", header ? { weight: "Bolder" } : {})],
    });
    elements.push({
      type: "Table",
      columns: columns.map((_, i) => ({
        type: "TableColumnDefinition",
        width: weights[i],
        ...(isNumericColumn(rows, i) ? { horizontalCellContentAlignment: "Right" } : {}),
      })),
      firstRowAsHeader: true,
      showGridLines: false,
      rows: [
        { type: "TableRow", cells: columns.map((c) => cell(c, true)) },
        ...rows.map((r) => ({ type: "TableRow", cells: columns.map((_, i) => cell(r[i] ?? "")) })),
      ],
    });
  }
  if (hidden > 0) elements.push(richText(more(hidden), { isSubtle: true }));
  return elements;
}

function renderInput(field: FormField, error: string | undefined, options: RenderOptions): AdaptiveElement {
  const common = {
    id: field.name,
    label: field.label,
    isRequired: field.required,
    // Teams shows errorMessage under an empty required input: say what to do, not the label again.
    ...(error ? { errorMessage: error } : field.required ? { errorMessage: options.required?.(field.type) ?? field.label } : {}),
    ...(field.placeholder ? { placeholder: field.placeholder } : {}),
  };
  switch (field.type) {
    case "number": {
      const value = field.value !== undefined && field.value.trim() !== "" ? Number(field.value.replace(",", ".")) : NaN;
      return { type: "Input.Number", ...common, ...(Number.isFinite(value) ? { value } : {}) };
    }
    case "date":
      return { type: "Input.Date", ...common, ...(field.value && /^\d{4}-\d{2}-\d{2}$/.test(field.value) ? { value: field.value } : {}) };
    case "select":
      return {
        type: "Input.ChoiceSet",
        ...common,
        style: "compact",
        choices: (field.options ?? []).slice(0, TEAMS_LIMITS.maxChoices).map((o) => ({ title: o.label, value: o.value })),
        ...(field.value ? { value: field.value } : {}),
      };
    case "textarea":
    case "text":
    case "hidden":
      return { type: "Input.Text", ...common, ...(field.type === "textarea" ? { isMultiline: true } : {}), ...(field.value ? { value: field.value } : {}) };
  }
}

function hiddenData(form: Form): Record<string, string> {
  return Object.fromEntries(form.fields.filter((f) => f.type === "hidden" && f.value !== undefined).map((f) => [f.name, f.value!]));
}

function renderForm(form: Form, options: RenderOptions): AdaptiveElement[] {
  const elements: AdaptiveElement[] = [richText(form.title, { size: "Medium", weight: "Bolder" })];
  const errorCount = Object.keys(form.errors).length;
  if (errorCount > 0) elements.push(richText(`${TONE_SIGN.error}${options.formErrors ?? "Please correct the highlighted fields."}`));
  for (const field of form.fields) {
    if (field.type === "hidden") continue;
    const error = form.errors[field.name];
    if (field.type === "select" && !field.options?.length && field.hint) {
      // Nothing to choose from (a new tenant): say what to do instead of an empty list.
      elements.push(richText(field.label, { weight: "Bolder" }), richText(error ?? field.hint, { color: "attention" }, { spacing: "None" }));
      continue;
    }
    elements.push(renderInput(field, error, options));
    // Short red text under the field (attention red is legible in light and dark); hints are subtle.
    if (error) elements.push(richText(error, { color: "attention", size: "Small" }, { spacing: "None" }));
    else if (field.hint) elements.push(richText(field.hint, { isSubtle: true, size: "Small" }, { spacing: "None" }));
  }
  // Errors for fields the form does not show (e.g. a line as a whole) still need saying.
  for (const [name, message] of Object.entries(form.errors)) {
    if (!form.fields.some((f) => f.name === name)) elements.push(richText(`${TONE_SIGN.error}${message}`));
  }
  elements.push({
    type: "ActionSet",
    // Hidden fields travel in the action's data, which Teams merges with the inputs' values.
    actions: [{ type: "Action.Submit", title: form.submitLabel, style: "positive", data: { ...hiddenData(form), [FORM_KEY]: form.id } }],
  });
  return elements;
}

/** The Adaptive Card for one reply. */
export function renderCard(reply: Reply, options: RenderOptions = {}): AdaptiveCard {
  const entities: MentionEntity[] = [];
  const aboutOneThing =
    reply.blocks.filter((b) => b.kind === "actions").length === 1 &&
    !reply.blocks.some((b) => b.kind === "list" || b.kind === "table" || b.kind === "form");
  const labels = fieldLabelWidth(reply.blocks);
  const body = reply.blocks.flatMap((block) => renderBlock(block, { replaceOnClick: aboutOneThing, fieldLabelWidth: labels, ...options }, entities));
  if (body.length === 0) body.push(richText(reply.summary || " "));
  const hasWideContent = reply.blocks.some((b) => b.kind === "table" || b.kind === "form");
  const msteams = {
    ...(hasWideContent ? { width: "Full" as const } : {}),
    ...(entities.length ? { entities } : {}),
  };
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: CARD_VERSION,
    body,
    fallbackText: breakTags(reply.summary),
    ...(Object.keys(msteams).length ? { msteams } : {}),
  };
}

/** The member ids a reply wants mentioned (for resolving them to Teams accounts before rendering). */
export function mentionedMemberIds(reply: Reply): string[] {
  return [...new Set(reply.blocks.flatMap((b) => (b.kind === "mention" ? b.memberIds : [])))];
}

/** Whether a reply carries a form (then the card is shown as an input card). */
export function formOf(reply: Reply): Form | undefined {
  for (const b of reply.blocks) if (b.kind === "form") return b.form;
  return undefined;
}

/** What a card submission asks for: a button's command, or a form's values. */
export type CardSubmission =
  | { kind: "command"; command: string; /** the result replaces the card */ update: boolean }
  | { kind: "form"; id: string; values: Record<string, string | string[] | undefined> };

export function parseSubmission(value: unknown): CardSubmission | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const command = record[COMMAND_KEY];
  if (typeof command === "string" && command.trim()) return { kind: "command", command: command.trim(), update: Boolean(record[UPDATE_KEY]) };
  const form = record[FORM_KEY];
  if (typeof form === "string" && form.trim()) {
    const values: Record<string, string | string[] | undefined> = {};
    for (const [key, raw] of Object.entries(record)) {
      if (key === FORM_KEY || key === COMMAND_KEY || key === UPDATE_KEY || key === "msteams") continue;
      if (typeof raw === "string") values[key] = raw;
      else if (typeof raw === "number" || typeof raw === "boolean") values[key] = String(raw);
      else if (Array.isArray(raw)) values[key] = raw.filter((v): v is string => typeof v === "string");
    }
    return { kind: "form", id: form.trim(), values };
  }
  return undefined;
}
