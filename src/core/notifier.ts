import type { Platform } from "../generated/prisma/enums.ts";
import type { Reply } from "./reply.ts";

/** A person to mention in a notification, as the platform knows them. */
export interface Mention {
  /** Slack user id (U…), or the Teams channel account id (29:…). */
  userId: string;
  name: string;
}

/** What the outbox stores and a Notifier delivers. */
export interface OutgoingMessage {
  organizationId: string;
  platform: Platform;
  /** Slack channel id, or the Teams conversation id of a stored conversation reference. */
  target: string;
  reply: Reply;
  mentions: Mention[];
}

export type DeliveryResult =
  | { ok: true; externalId?: string }
  /** 429: try again after this long (Retry-After). */
  | { ok: false; kind: "rate_limited"; retryAfterMs: number; error: string }
  /** 5xx, timeouts, connection errors: retry with backoff. */
  | { ok: false; kind: "transient"; error: string }
  /** channel gone, bot removed, not allowed: never retried; recorded with its reason. */
  | { ok: false; kind: "permanent"; error: string };

/** Implemented by each adapter (Slack, Teams, terminal/log); one contract test suite checks them all. */
export interface Notifier {
  readonly platform: Platform;
  send(message: OutgoingMessage): Promise<DeliveryResult>;
}
