import type { Platform } from "../generated/prisma/enums.ts";
import type { Reply } from "./reply.ts";

import type { Mention } from "../domain/notifications.ts";

export type { Mention };

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

/** What the dispatcher tells a notifier about the outbox row it delivers. */
export interface Delivery {
  /** The row's stable key (its id): carried in the posted message so that it can be found again. */
  key: string;
}

/** Whether a message whose earlier attempt may have been posted is already in its conversation. */
export type LookupResult =
  | { kind: "found"; externalId?: string }
  | { kind: "absent" }
  /** The platform cannot tell (e.g. a missing scope): the dispatcher posts again. */
  | { kind: "unavailable"; error: string }
  | Exclude<DeliveryResult, { ok: true }>;

/** Implemented by each adapter (Slack, Teams, terminal/log); one contract test suite checks them all. */
export interface Notifier {
  readonly platform: Platform;
  send(message: OutgoingMessage, delivery?: Delivery): Promise<DeliveryResult>;
  /**
   * Platforms that can look a posted message up by its key (Slack: message metadata in the
   * conversation's history) implement this; the dispatcher calls it before posting again a
   * message an earlier attempt may have posted (since `since`). Without it, the dispatcher writes
   * each outcome right away instead of batching, to keep the at-least-once window small.
   */
  findDelivered?(message: OutgoingMessage, delivery: Delivery & { since: Date }): Promise<LookupResult>;
}
