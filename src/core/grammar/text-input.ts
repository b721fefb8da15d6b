import { toLocale, translator } from "../i18n/index.ts";
import type { Reply } from "../reply.ts";
import type { ChatRequest } from "../request.ts";

/**
 * Text kam cannot store: PostgreSQL refuses the NUL character in text columns, so a command holding
 * one would fail halfway. It is refused up front, with a reason, before anything is written.
 */
export function hasNul(value: string | readonly string[] | undefined | null): boolean {
  if (value == null) return false;
  return typeof value === "string" ? value.includes("\u0000") : value.some((v) => v.includes("\u0000"));
}

/** Whether a request's text or any of its form values holds a NUL character. */
export function requestHasNul(request: Pick<ChatRequest, "text" | "form">): boolean {
  return hasNul(request.text) || Object.values(request.form?.values ?? {}).some((v) => hasNul(v)) || hasNul(request.form?.id);
}

/** The answer to such a request, in the request's language. */
export function nulRefusal(locale?: string | null): Reply {
  const language = toLocale(locale) ?? "en";
  const message = translator(language)("error.nulCharacter");
  return { ok: false, visibility: "caller", summary: message, blocks: [{ kind: "text", text: message, tone: "error" }], locale: language };
}

/** The refusal for a request holding a NUL character, or null for a request the core can take. */
export function refuseUnstorableText(request: Pick<ChatRequest, "text" | "form" | "locale">): Reply | null {
  return requestHasNul(request) ? nulRefusal(request.locale) : null;
}
