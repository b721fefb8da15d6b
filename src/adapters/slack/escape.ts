import { codeSegments } from "../code-spans.ts";

/**
 * mrkdwn escaping. Slack treats `&`, `<` and `>` as control characters: `<!channel>`, `<@U123>`
 * and `<https://x|label>` are only links or pings when the raw characters reach Slack. mrkdwn has
 * no escape for its formatting characters, so `*`, `_`, `~` and `` ` `` become look-alikes that
 * format nothing, and a `>` starting a line (a quote) gets a zero-width space before it. Every
 * piece of user text we echo in mrkdwn goes through `escapeMrkdwn`, so an account named
 * `<!channel>` shows as text and a name typed as `*bold*` is not bold. (Most reply text is not
 * mrkdwn at all: kam sends it as rich text, which shows exactly what was typed.)
 */
const LOOKALIKE: Record<string, string> = { "*": "∗", _: "ˍ", "~": "∼", "`": "ˋ" };

export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[*_~`]/g, (c) => LOOKALIKE[c]!)
    .replace(/^(\s*)&gt;/gm, "$1\u200b&gt;");
}

/** Plain text as mrkdwn: escaped, with catalogue `code` spans kept as code. */
export function mrkdwn(text: string): string {
  return codeSegments(text)
    .map((s) => (s.code ? `\`${s.text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}\`` : escapeMrkdwn(s.text)))
    .join("");
}

/** Bold label in mrkdwn; the label is escaped, and `*` inside it is replaced so the markup stays closed. */
export function bold(text: string): string {
  const safe = escapeMrkdwn(text).trim();
  return safe ? `*${safe}*` : "";
}

/** A user mention; Slack ids are upper-case letters and digits only, anything else is refused. */
export function mentionUser(userId: string): string {
  if (!/^[UW][A-Z0-9]{2,}$/.test(userId)) throw new Error(`not a Slack user id: ${JSON.stringify(userId)}`);
  return `<@${userId}>`;
}

/** Cuts text to at most `max` characters (code units), ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never cut an escape sequence (&amp;) or a surrogate pair in half.
  let cut = text.slice(0, Math.max(0, max - 1));
  const amp = cut.lastIndexOf("&");
  if (amp >= 0 && amp > cut.length - 5 && !cut.slice(amp).includes(";")) cut = cut.slice(0, amp);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Plain text (header, button labels, modal titles): no escaping needed, only length. */
export function plain(text: string, max: number): string {
  const t = text.replace(/\s+/g, " ").trim();
  return truncate(t || "…", max);
}

/**
 * Incoming Slack text (messages, and slash commands with should_escape) to the plain command
 * line the core reads: user mentions stay `<@U123|name>` (the core reads them as member
 * references), links and e-mail addresses Slack auto-linked become what was typed, and the
 * entities `&amp;`, `&lt;`, `&gt;` become the characters again.
 */
export function fromSlackText(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>]*)(?:\|([^>]*))?>/g, (_m, url: string, label?: string) => label ?? url.replace(/^mailto:/, ""))
    .replace(/<#(C[A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, name?: string) => (name ? `#${name}` : id))
    .replace(/<!(?:subteam\^[A-Z0-9]+|here|channel|everyone)(?:\|([^>]*))?>/g, (_m, label?: string) => label ?? "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
