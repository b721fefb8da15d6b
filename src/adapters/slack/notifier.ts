import { ErrorCode, WebClient, type WebAPICallError } from "@slack/web-api";
import { translator } from "../../core/i18n/index.ts";
import type { Delivery, DeliveryResult, LookupResult, Notifier, OutgoingMessage } from "../../core/notifier.ts";
import { mentionedMembers, renderReply } from "./blocks.ts";

/** Slack errors that no retry will fix: the message is recorded as failed with the reason. */
export const PERMANENT_ERRORS = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "account_inactive",
  "invalid_auth",
  "not_authed",
  "token_revoked",
  "token_expired",
  "no_permission",
  "missing_scope",
  "restricted_action",
  "restricted_action_read_only_channel",
  "restricted_action_thread_only_channel",
  "restricted_action_non_threadable_channel",
  "ekm_access_denied",
  "team_access_not_granted",
  "org_login_required",
  "msg_too_long",
  "no_text",
  "invalid_blocks",
  "invalid_blocks_format",
  "too_many_attachments",
  "duplicate_channel_not_found",
  "user_not_found",
  "cannot_dm_bot",
  "invalid_arguments",
  "as_user_not_supported",
]);

/** Slack errors that mean "try again later". */
export const TRANSIENT_ERRORS = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited", "team_added_to_org"]);

export interface SlackNotifierOptions {
  token: string;
  /** Web API base URL (tests: the fake Slack). */
  slackApiUrl?: string;
  /** Slack user ids of members, for `mention` blocks in replies. */
  resolveMentions?: (organizationId: string, memberIds: string[]) => Promise<Map<string, string>>;
  /** Per-call timeout. */
  timeoutMs?: number;
}

/** A WebClient that never retries or waits by itself: the outbox dispatcher owns retries. */
export function outboxClient(options: Pick<SlackNotifierOptions, "token" | "slackApiUrl" | "timeoutMs">): WebClient {
  return new WebClient(options.token, {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
  });
}

/** Maps what @slack/web-api threw to what the dispatcher expects. */
export function classifySlackError(error: unknown): DeliveryResult {
  const e = error as WebAPICallError & { retryAfter?: number; statusCode?: number; data?: { error?: string } };
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return { ok: false, kind: "rate_limited", retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000, error: "ratelimited" };
    case ErrorCode.PlatformError: {
      const reason = e.data?.error ?? "unknown_error";
      if (TRANSIENT_ERRORS.has(reason)) return { ok: false, kind: "transient", error: reason };
      return { ok: false, kind: "permanent", error: reason };
    }
    case ErrorCode.HTTPError: {
      const status = e.statusCode ?? 0;
      if (status === 429) return { ok: false, kind: "rate_limited", retryAfterMs: 1000, error: "http_429" };
      if (status >= 500 || status === 408) return { ok: false, kind: "transient", error: `http_${status}` };
      return { ok: false, kind: "permanent", error: `http_${status}` };
    }
    case ErrorCode.RequestError:
      return { ok: false, kind: "transient", error: `request_error: ${e.message.slice(0, 200)}` };
    default:
      return { ok: false, kind: "transient", error: (e as Error)?.message?.slice(0, 200) ?? "unknown error" };
  }
}

/** The metadata event type of kam's outbox messages; its payload's `key` is the outbox row id. */
export const OUTBOX_EVENT_TYPE = "kam_outbox";

/** How far before the interrupted claim the history is searched (clock skew between kam and Slack). */
const LOOKUP_MARGIN_MS = 60_000;
const LOOKUP_PAGES = 10;
/**
 * After a crash every row a replica had in hand is looked up, up to a few per channel: one read of
 * a channel's history answers for all of them for a few seconds (history calls are rate limited).
 */
const HISTORY_REUSE_MS = 10_000;

interface HistoryRead {
  /** Slack ts (seconds) the read started from. */
  oldest: number;
  /** performance.now() of the read. */
  at: number;
  /** kam's outbox keys found, with their message ts. */
  keys: Map<string, string>;
}

/**
 * Delivers outbox messages with chat.postMessage into the target channel, mentioning the
 * responsible members. One call per message and no hidden retries: a lost answer never turns
 * into a second post behind the dispatcher's back. Each message carries its outbox key as message
 * metadata, so that after a crash `findDelivered` can tell from the conversation's history
 * whether the interrupted attempt was posted (needs channels:history, groups:history, im:history).
 */
export class SlackNotifier implements Notifier {
  readonly platform = "SLACK" as const;
  private client: WebClient;
  /** Set once Slack said the token lacks a history scope: no more lookups in this process. */
  private lookupUnavailable: string | null = null;
  private readonly reads = new Map<string, HistoryRead>();
  /** When this notifier last tried to post each key: a read older than that cannot speak for it. */
  private readonly attempted = new Map<string, number>();

  constructor(private options: SlackNotifierOptions) {
    this.client = outboxClient(options);
  }

  async findDelivered(message: OutgoingMessage, delivery: Delivery & { since: Date }): Promise<LookupResult> {
    if (this.lookupUnavailable) return { kind: "unavailable", error: this.lookupUnavailable };
    try {
      let channel = message.target;
      // A post to a user id went to the DM with the bot: its history is under the DM's channel id.
      if (/^[UW]/.test(channel)) {
        const opened = await this.client.conversations.open({ users: channel });
        channel = opened.channel?.id ?? channel;
      }
      const oldest = (delivery.since.getTime() - LOOKUP_MARGIN_MS) / 1000;
      const recent = this.reads.get(channel);
      const tried = this.attempted.get(delivery.key);
      if (recent && recent.oldest <= oldest && performance.now() - recent.at < HISTORY_REUSE_MS && (tried === undefined || tried < recent.at)) {
        const ts = recent.keys.get(delivery.key);
        return ts ? { kind: "found", externalId: ts } : { kind: "absent" };
      }
      const read: HistoryRead = { oldest, at: performance.now(), keys: new Map() };
      let cursor: string | undefined;
      let complete = false;
      for (let page = 0; page < LOOKUP_PAGES; page++) {
        const history = await this.client.conversations.history({ channel, oldest: oldest.toFixed(6), include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) });
        for (const m of history.messages ?? []) {
          const key = (m.metadata?.event_payload as Record<string, unknown> | undefined)?.key;
          if (m.metadata?.event_type === OUTBOX_EVENT_TYPE && typeof key === "string" && m.ts) read.keys.set(key, m.ts);
        }
        cursor = history.response_metadata?.next_cursor || undefined;
        if (!history.has_more || !cursor) {
          complete = true;
          break;
        }
      }
      if (complete) this.reads.set(channel, read);
      for (const [key, at] of this.reads) if (performance.now() - at.at >= HISTORY_REUSE_MS) this.reads.delete(key);
      for (const [key, at] of this.attempted) if (performance.now() - at >= HISTORY_REUSE_MS) this.attempted.delete(key);
      const ts = read.keys.get(delivery.key);
      return ts ? { kind: "found", externalId: ts } : { kind: "absent" };
    } catch (error) {
      const result = classifySlackError(error);
      if (result.ok) return { kind: "absent" };
      if (result.kind === "permanent") {
        const needed = (error as { data?: { needed?: string } }).data?.needed;
        const reason = needed ? `${result.error} (${needed})` : result.error;
        if (result.error === "missing_scope") this.lookupUnavailable = reason;
        return { kind: "unavailable", error: reason };
      }
      return result;
    }
  }

  async send(message: OutgoingMessage, delivery?: Delivery): Promise<DeliveryResult> {
    // Only while some read may be reused: a read made after this attempt sees its post anyway.
    if (delivery && this.reads.size > 0) this.attempted.set(delivery.key, performance.now());
    try {
      const ids = mentionedMembers(message.reply);
      const mentions = ids.length && this.options.resolveMentions ? await this.options.resolveMentions(message.organizationId, ids) : undefined;
      const hasMentionBlock = ids.length > 0;
      const rendered = renderReply(message.reply, {
        t: translator(message.reply.locale ?? "en"),
        ...(mentions ? { mentions } : {}),
        // Mentions named by the outbox go first, unless the reply places them itself.
        extraMentions: hasMentionBlock ? [] : message.mentions.map((m) => m.userId),
      });
      const result = await this.client.chat.postMessage({
        channel: message.target,
        text: rendered.text,
        blocks: rendered.blocks,
        unfurl_links: false,
        unfurl_media: false,
        ...(delivery ? { metadata: { event_type: OUTBOX_EVENT_TYPE, event_payload: { key: delivery.key } } } : {}),
      });
      return { ok: true, ...(result.ts ? { externalId: result.ts } : {}) };
    } catch (error) {
      return classifySlackError(error);
    }
  }
}
