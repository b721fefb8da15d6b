import type { Locale } from "./i18n/index.ts";

/**
 * The platform-neutral answer of the core. Adapters render it as Block Kit (Slack), an Adaptive
 * Card (Teams) or plain text (terminal). All text is plain: adapters escape it for their markup.
 */
export interface Reply {
  /** false when the request was refused (bad input, not found, not allowed). */
  ok: boolean;
  /** "caller": only the person who asked sees it; "channel": it changes shared state and is announced. */
  visibility: "caller" | "channel";
  /** One line that stands for the whole reply (notification previews, plain-text fallbacks). */
  summary: string;
  blocks: Block[];
  /**
   * The language the reply is written in (the reader's setting, else the platform's hint): the
   * adapters write their own words around it (card chrome, form errors) in the same language.
   */
  locale?: Locale;
}

export type Tone = "normal" | "muted" | "success" | "warning" | "error";

export type Block =
  | { kind: "heading"; text: string }
  | { kind: "text"; text: string; tone?: Tone }
  | { kind: "fields"; fields: Field[] }
  | { kind: "list"; items: string[]; /** items left out to stay short */ more?: number }
  | { kind: "table"; columns: string[]; rows: string[][]; more?: number }
  | { kind: "actions"; buttons: Button[] }
  | { kind: "form"; form: Form }
  | { kind: "mention"; /** member ids to mention; adapters resolve them to platform users */ memberIds: string[]; text: string };

export interface Field {
  label: string;
  value: string;
}

export interface Button {
  label: string;
  /** The command text the button runs, in the one grammar ("flag ack 3"). */
  command: string;
  style?: "primary" | "danger";
}

export interface FormField {
  name: string;
  label: string;
  type: "text" | "textarea" | "number" | "date" | "select";
  required: boolean;
  options?: { value: string; label: string }[];
  placeholder?: string;
  /** The value to show (initial, or what the user typed before an error). */
  value?: string;
  hint?: string;
}

export interface Form {
  /** The command the form submits, e.g. "order.log"; the adapter sends it back as FormSubmission.id. */
  id: string;
  title: string;
  submitLabel: string;
  fields: FormField[];
  /** Errors by field name, shown next to the field. */
  errors: Record<string, string>;
}
