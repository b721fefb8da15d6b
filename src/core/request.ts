import type { Platform } from "../generated/prisma/enums.ts";

/** A submitted form: the form's id (a command name such as "order.log") and its raw values by field name. */
export interface FormSubmission {
  id: string;
  values: Record<string, string | string[] | undefined>;
}

/**
 * What an adapter hands to the core for one user action: a line of text (slash command, message,
 * mention, button) or a submitted form. The adapter has already mapped the workspace to an
 * organization and the user to a member (src/domain/organizations.ts, members.ts).
 */
export interface ChatRequest {
  organizationId: string;
  memberId: string;
  platform: Platform;
  /** The platform's channel or conversation id, when the request came from one. */
  channelId: string | null;
  /** Whether the conversation is a direct chat with the bot (then nothing is announced to a channel). */
  direct?: boolean;
  text?: string;
  form?: FormSubmission;
  /** The platform's locale hint (e.g. "de-DE"); the member's and organization's settings come first. */
  locale?: string;
  /** Platform ids that identify this exact request; a second request with the same key is answered from memory. */
  idempotencyKey?: string;
  /** A file sent with the request (a CSV uploaded in Slack, attached in Teams), already read as text. */
  attachment?: { name: string; text: string };
}
