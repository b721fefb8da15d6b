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
  /**
   * A file that comes with the reply (`export invoices`): Slack uploads `content`; Teams links to a
   * signed download that runs the same `export` again when opened.
   */
  file?: ReplyFile;
}

export interface ReplyFile {
  name: string;
  /** CSV text, as `kam export` writes it. */
  content: string;
  /** What was exported, for a download link that produces the file again. */
  export: { kind: string; account?: string };
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
  /** Asks before running (a cancellation, a void): Slack's confirm dialog, a confirmation step on Teams. */
  confirm?: { title: string; text: string; yes: string; no: string };
}

export interface FormField {
  name: string;
  label: string;
  /** "hidden": not shown, sent back as it is (the record and version a form was built on). */
  type: "text" | "textarea" | "number" | "date" | "select" | "hidden";
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
