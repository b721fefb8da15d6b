import { toLocale, translator } from "../i18n/index.ts";
import type { Reply } from "../reply.ts";
import type { ChatRequest } from "../request.ts";

/**
 * Text kam cannot store: PostgreSQL refuses the NUL character in text columns, and half of a
 * surrogate pair (a broken emoji, which JSON can carry as "\ud800") in json columns, so a command
 * holding one would fail halfway. It is refused up front, with a reason, before anything is written.
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasUnstorableText(value: string | readonly string[] | undefined | null): boolean {
  if (value == null) return false;
  return typeof value === "string" ? UNSTORABLE.test(value) : value.some((v) => UNSTORABLE.test(v));
}

/** Whether a request's text or any of its form values holds a character kam cannot store. */
export function requestHasUnstorableText(request: Pick<ChatRequest, "text" | "form">): boolean {
  return hasUnstorableText(request.text) || Object.values(request.form?.values ?? {}).some((v) => hasUnstorableText(v)) || hasUnstorableText(request.form?.id);
}

/** The answer to such a request, in the request's language. */
export function unstorableRefusal(locale?: string | null): Reply {
  const language = toLocale(locale) ?? "en";
  const message = translator(language)("error.nulCharacter");
  return { ok: false, visibility: "caller", summary: message, blocks: [{ kind: "text", text: message, tone: "error" }], locale: language };
}

/** The refusal for a request holding text kam cannot store (NUL, half a surrogate pair), or null for a request the core can take. */
export function refuseUnstorableText(request: Pick<ChatRequest, "text" | "form" | "locale">): Reply | null {
  return requestHasUnstorableText(request) ? unstorableRefusal(request.locale) : null;
}
