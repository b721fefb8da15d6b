import type { Block, Form, FormField, Reply, Tone } from "../../core/reply.ts";

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
  /** Buttons replace the card they are on with their result (set by renderCard). */
  replaceOnClick?: boolean;
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
 * Adaptive Card text is markdown. Reply text is plain, so markdown characters are escaped with a
 * backslash, and a `<` that could open a tag (`<at>` is a mention in Teams) gets a zero-width
 * space after it: it looks the same and opens nothing.
 */
const TAG_START = /<(?=[a-z!@/])/gi;

/** Plain text (previews, fallbacks) that cannot open a tag or a mention anywhere it is shown. */
export function breakTags(text: string): string {
  return text.replace(TAG_START, "<\u200b");
}

/**
 * Whether any rule of escapeText applies (a superset: `<` alone counts). Most texts need nothing,
 * and one test is cheaper than five replaces on every text of every card.
 */
const NEEDS_ESCAPE = /[\\`*_[\]<\n]|^\s*(?:[-+>#]|\d+\.)\s/m;

export function escapeText(text: string): string {
  const clipped = text.length > TEAMS_LIMITS.maxTextLength ? `${text.slice(0, TEAMS_LIMITS.maxTextLength - 1)}…` : text;
  if (!NEEDS_ESCAPE.test(clipped)) return clipped;
  // Only what Teams' card markdown acts on: emphasis, links, code, and list markers at a line start.
  return clipped
    .replace(/([\\`*_[\]])/g, "\\$1")
    .replace(/^(\s*)([-+>#])(?=\s)/gm, "$1\\$2")
    .replace(/^(\s*\d+)\.(?=\s)/gm, "$1\\.")
    .replace(TAG_START, "<\u200b") // an invisible break: no <at> mention, no tag, no <!channel>
    .replace(/\n/g, "\n\n");
}

/** Escaped text with `<at>Name</at>` placeholders left intact for mentions we created ourselves. */
function mentionMarkup(name: string): string {
  return `<at>${name.replace(/[<>]/g, "")}</at>`;
}

const toneColor: Record<Tone, string | undefined> = {
  normal: undefined,
  muted: undefined,
  success: "good",
  warning: "warning",
  error: "attention",
};

function textBlock(text: string, extra: Record<string, unknown> = {}): AdaptiveElement {
  return { type: "TextBlock", text, wrap: true, ...extra };
}

function renderBlock(block: Block, options: RenderOptions, entities: MentionEntity[]): AdaptiveElement[] {
  const more = (count: number) => options.more?.(count) ?? `… and ${count} more`;
  switch (block.kind) {
    case "heading":
      return [textBlock(escapeText(block.text), { size: "Medium", weight: "Bolder" })];
    case "text": {
      const tone = block.tone ?? "normal";
      const color = toneColor[tone];
      return [textBlock(escapeText(block.text), { ...(color ? { color } : {}), ...(tone === "muted" ? { isSubtle: true } : {}) })];
    }
    case "fields":
      if (block.fields.length === 0) return [];
      return [{ type: "FactSet", facts: block.fields.map((f) => ({ title: escapeText(f.label), value: escapeText(f.value || "–") })) }];
    case "list": {
      const items = block.items.map((item) => `- ${escapeText(item)}`);
      if (block.more) items.push(escapeText(more(block.more)));
      return items.length ? [textBlock(items.join("\n"))] : [];
    }
    case "table":
      return renderTable(block, more);
    case "actions": {
      const actions = block.buttons.slice(0, TEAMS_LIMITS.maxActions).map((b) => {
        const submit = {
          type: "Action.Submit",
          title: b.label,
          data: { [COMMAND_KEY]: b.command, ...(options.replaceOnClick ? { [UPDATE_KEY]: 1 } : {}) },
          ...(b.style === "primary" ? { style: "positive" } : b.style === "danger" ? { style: "destructive" } : {}),
        };
        if (!b.confirm) return submit;
        // The confirmation step: the button opens a card that asks, and only its Yes runs the command.
        return {
          type: "Action.ShowCard",
          title: b.label,
          card: {
            type: "AdaptiveCard",
            body: [textBlock(escapeText(b.confirm.text), { wrap: true })],
            actions: [{ ...submit, title: b.confirm.yes }],
          },
        };
      });
      return actions.length ? [{ type: "ActionSet", actions }] : [];
    }
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
      const text = escapeText(block.text);
      return [textBlock(names.length ? `${names.join(" ")} ${text}` : text)];
    }
  }
}

function renderTable(block: Extract<Block, { kind: "table" }>, more: (count: number) => string): AdaptiveElement[] {
  const columns = block.columns.slice(0, TEAMS_LIMITS.maxTableColumns);
  const rows = block.rows.slice(0, TEAMS_LIMITS.maxTableRows);
  const hidden = (block.more ?? 0) + (block.rows.length - rows.length);
  const cell = (text: string, header = false): AdaptiveElement => ({
    type: "TableCell",
    items: [textBlock(escapeText(text), header ? { weight: "Bolder" } : {})],
  });
  const elements: AdaptiveElement[] = [
    {
      type: "Table",
      columns: columns.map(() => ({ type: "TableColumnDefinition", width: 1 })),
      firstRowAsHeader: true,
      showGridLines: false,
      rows: [
        { type: "TableRow", cells: columns.map((c) => cell(c, true)) },
        ...rows.map((r) => ({ type: "TableRow", cells: columns.map((_, i) => cell(r[i] ?? "")) })),
      ],
    },
  ];
  if (hidden > 0) elements.push(textBlock(escapeText(more(hidden)), { isSubtle: true }));
  return elements;
}

function renderInput(field: FormField, error: string | undefined): AdaptiveElement {
  const common = {
    id: field.name,
    label: field.label,
    isRequired: field.required,
    ...(error ? { errorMessage: error } : field.required ? { errorMessage: field.label } : {}),
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
  const elements: AdaptiveElement[] = [textBlock(escapeText(form.title), { size: "Medium", weight: "Bolder" })];
  const errorCount = Object.keys(form.errors).length;
  if (errorCount > 0) elements.push(textBlock(escapeText(options.formErrors ?? "Please correct the highlighted fields."), { color: "attention" }));
  for (const field of form.fields) {
    if (field.type === "hidden") continue;
    const error = form.errors[field.name];
    if (field.type === "select" && !field.options?.length && field.hint) {
      // Nothing to choose from (a new tenant): say what to do instead of an empty list.
      elements.push(textBlock(escapeText(field.label), { weight: "Bolder" }), textBlock(escapeText(error ?? field.hint), { color: "attention", spacing: "None" }));
      continue;
    }
    elements.push(renderInput(field, error));
    if (error) elements.push(textBlock(escapeText(error), { color: "attention", size: "Small", spacing: "None" }));
    else if (field.hint) elements.push(textBlock(escapeText(field.hint), { isSubtle: true, size: "Small", spacing: "None" }));
  }
  // Errors for fields the form does not show (e.g. a line as a whole) still need saying.
  for (const [name, message] of Object.entries(form.errors)) {
    if (!form.fields.some((f) => f.name === name)) elements.push(textBlock(escapeText(message), { color: "attention" }));
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
  const body = reply.blocks.flatMap((block) => renderBlock(block, { replaceOnClick: aboutOneThing, ...options }, entities));
  if (body.length === 0) body.push(textBlock(escapeText(reply.summary || " ")));
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
