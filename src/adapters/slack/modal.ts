import type { InputBlock, InputBlockElement, KnownBlock, ModalView, PlainTextOption } from "@slack/types";
import type { Translate } from "../../core/i18n/index.ts";
import type { Form, FormField, Reply } from "../../core/reply.ts";
import { escapeMrkdwn, plain, truncate } from "./escape.ts";
import { LIMITS } from "./limits.ts";

export const FORM_CALLBACK = "kam.form";
/** Every input element carries this action id; the block id is the form field's name. */
export const VALUE_ACTION = "value";

/** What travels with the modal (private_metadata) to the submission. */
export interface ModalContext {
  /** The form id, sent back to the core as FormSubmission.id. */
  formId: string;
  /** Where the command was given, for the confirmation. */
  channelId: string | null;
  direct?: boolean;
  /** The slash command's response_url (valid 30 minutes), for an ephemeral confirmation. */
  responseUrl?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function blockIdOf(field: FormField): string {
  return field.name.slice(0, LIMITS.blockId);
}

function element(field: FormField): InputBlockElement {
  const placeholder = field.placeholder ? { placeholder: { type: "plain_text" as const, text: plain(field.placeholder, LIMITS.element.placeholder) } } : {};
  const value = field.value ?? undefined;
  switch (field.type) {
    case "number":
      return {
        type: "number_input",
        action_id: VALUE_ACTION,
        is_decimal_allowed: true,
        ...placeholder,
        ...(value !== undefined && value !== "" && Number.isFinite(Number(value)) ? { initial_value: value } : {}),
      };
    case "date":
      return { type: "datepicker", action_id: VALUE_ACTION, ...placeholder, ...(value && DAY.test(value) ? { initial_date: value } : {}) };
    case "select": {
      const options: PlainTextOption[] = (field.options ?? []).map((o) => ({
        text: { type: "plain_text", text: plain(o.label, LIMITS.option.text) },
        value: o.value.slice(0, LIMITS.option.value),
      }));
      if (options.length > 0 && options.length <= LIMITS.staticSelect.options) {
        const initial = options.find((o) => o.value === value);
        return { type: "static_select", action_id: VALUE_ACTION, options, ...placeholder, ...(initial ? { initial_option: initial } : {}) };
      }
      // Too many (or no) choices for a static select: a text field takes the same references.
      break;
    }
    case "textarea":
      return {
        type: "plain_text_input",
        action_id: VALUE_ACTION,
        multiline: true,
        ...placeholder,
        ...(value ? { initial_value: truncate(value, LIMITS.element.initialValue) } : {}),
      };
  }
  return {
    type: "plain_text_input",
    action_id: VALUE_ACTION,
    ...placeholder,
    ...(value ? { initial_value: truncate(value, LIMITS.element.initialValue) } : {}),
  };
}

/** Slack marks optional inputs "(optional)" itself: a label that says so too would say it twice. */
export function withoutOptionalMark(label: string): string {
  return label.replace(/\s*\((?:optional|freiwillig)\)\s*$/i, "") || label;
}

/** A modal for a core form: one input block per field, block_id = field name. */
export function formModal(form: Form, context: ModalContext, t: Translate): ModalView {
  const blocks: KnownBlock[] = form.fields.slice(0, LIMITS.modal.blocks - 1).map(
    (field): InputBlock => ({
      type: "input",
      block_id: blockIdOf(field),
      optional: !field.required,
      label: { type: "plain_text", text: plain(field.required ? field.label : withoutOptionalMark(field.label), LIMITS.input.label), emoji: true },
      element: element(field),
      ...(field.hint || form.errors[field.name]
        ? { hint: { type: "plain_text" as const, text: plain(form.errors[field.name] ?? field.hint ?? "", LIMITS.input.hint) } }
        : {}),
    }),
  );
  return {
    type: "modal",
    callback_id: FORM_CALLBACK,
    private_metadata: encodeContext(context),
    title: { type: "plain_text", text: plain(form.title, LIMITS.modal.title) },
    submit: { type: "plain_text", text: plain(form.submitLabel, LIMITS.modal.submit) },
    close: { type: "plain_text", text: plain(t("slack:modal.close"), LIMITS.modal.close) },
    blocks,
  };
}

/** A modal that only says something (a refused submission that names no field). */
export function messageModal(title: string, reply: Reply, blocks: KnownBlock[], t: Translate): ModalView {
  return {
    type: "modal",
    title: { type: "plain_text", text: plain(title, LIMITS.modal.title) },
    close: { type: "plain_text", text: plain(t("slack:modal.close"), LIMITS.modal.close) },
    blocks: blocks.length ? blocks : [{ type: "section", text: { type: "mrkdwn", text: escapeMrkdwn(reply.summary) } }],
  };
}

export function encodeContext(context: ModalContext): string {
  const full = JSON.stringify(context);
  if (full.length <= LIMITS.modal.privateMetadata) return full;
  const { responseUrl: _dropped, ...rest } = context;
  return JSON.stringify(rest);
}

export function decodeContext(metadata: string | undefined): ModalContext | null {
  try {
    const value = JSON.parse(metadata ?? "") as ModalContext;
    return typeof value.formId === "string" ? value : null;
  } catch {
    return null;
  }
}

/** The state of one input element, as Slack sends it in view.state.values. */
interface ElementState {
  type?: string;
  value?: string | null;
  selected_date?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
}

/** Submitted modal values by field name (block id), as plain strings. */
export function formValues(state: Record<string, Record<string, ElementState>>): Record<string, string | string[] | undefined> {
  const values: Record<string, string | string[] | undefined> = {};
  for (const [blockId, actions] of Object.entries(state)) {
    const s = actions[VALUE_ACTION] ?? Object.values(actions)[0];
    if (!s) continue;
    const v =
      s.selected_options ? s.selected_options.map((o) => o.value)
      : s.selected_option !== undefined ? s.selected_option?.value
      : s.selected_date !== undefined ? s.selected_date
      : s.value;
    values[blockId] = v === null || v === "" ? undefined : v;
  }
  return values;
}

/** Field errors keyed by block id, as `response_action: "errors"` wants them. */
export function modalErrors(form: Form, fallbackMessage: string): Record<string, string> {
  const errors: Record<string, string> = {};
  const byName = new Map(form.fields.map((f) => [f.name, f]));
  for (const [name, message] of Object.entries(form.errors)) {
    const field = byName.get(name);
    errors[field ? blockIdOf(field) : name] = truncate(message || fallbackMessage, LIMITS.input.hint);
  }
  // An error on a field the modal does not show is put on the first field, so it is seen.
  const shown = new Set(form.fields.map(blockIdOf));
  for (const key of Object.keys(errors)) {
    if (!shown.has(key) && form.fields[0]) {
      const first = blockIdOf(form.fields[0]);
      errors[first] = errors[first] ? `${errors[first]} ${errors[key]}` : errors[key]!;
      delete errors[key];
    }
  }
  return errors;
}
