import type { CloudAdapter, ConversationReference, TurnContext } from "botbuilder";
import type { DeliveryResult, Notifier, OutgoingMessage } from "../../core/notifier.ts";
import { toLocale } from "../../core/i18n/index.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Logger } from "../../logger.ts";
import { findReference } from "./conversations.ts";
import { replyActivity, resolveMentions } from "./messages.ts";
import { checkServiceUrl } from "./service-url.ts";

/** The parts of a failed connector call that decide what the dispatcher does next. */
interface ConnectorError {
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { headers?: { get?(name: string): string | undefined } | Record<string, string> };
}

function retryAfterMs(error: ConnectorError): number {
  const headers = error.response?.headers;
  const raw =
    typeof (headers as { get?: unknown })?.get === "function"
      ? (headers as { get(name: string): string | undefined }).get("retry-after")
      : (headers as Record<string, string> | undefined)?.["retry-after"];
  if (raw) {
    const seconds = Number(raw);
    if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
    const at = Date.parse(raw);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  // Teams asks bots to back off for a while when no Retry-After is given.
  return 5_000;
}

/** Maps a connector failure to the dispatcher's vocabulary. */
export function classifyError(error: unknown): Exclude<DeliveryResult, { ok: true }> {
  const e = (error ?? {}) as ConnectorError;
  const status = e.statusCode;
  const text = `${status ?? e.code ?? "error"}: ${(e.message ?? String(error)).slice(0, 300)}`;
  if (status === 429) return { ok: false, kind: "rate_limited", retryAfterMs: retryAfterMs(e), error: text };
  // 403: the bot was removed or blocked (BotNotInConversationRoster); 404: the conversation is gone;
  // 400/401 will not get better by trying again either.
  if (status !== undefined && status >= 400 && status < 500 && status !== 408) return { ok: false, kind: "permanent", error: text };
  return { ok: false, kind: "transient", error: text };
}

/**
 * The outbox's Teams notifier: posts into a stored conversation with continueConversationAsync.
 * It makes exactly one attempt per call: the SDK's own retry policy is taken off the connector
 * client, because the dispatcher does the retrying (and must see Teams' 429s and Retry-After).
 */
export function createTeamsNotifier(options: { adapter: CloudAdapter; appId: string; db: PrismaClient; logger: Logger }): Notifier {
  const { adapter, appId, db, logger } = options;
  return {
    platform: "TEAMS",
    async send(message: OutgoingMessage): Promise<DeliveryResult> {
      const reference = await findReference(db, message.organizationId, message.target);
      if (!reference) return { ok: false, kind: "permanent", error: `no stored Teams conversation for ${message.target}` };
      // A reference stored before service URLs were checked (or under other settings) is not trusted blindly.
      const where = checkServiceUrl(reference.serviceUrl, Boolean(appId));
      if (!where.ok) return { ok: false, kind: "permanent", error: `service URL of ${message.target} refused: ${where.reason}` };
      // Rendered for its reader at delivery: the card's own words follow the reply's language.
      const organization = message.reply.locale ? null : await db.organization.findUnique({ where: { id: message.organizationId }, select: { locale: true } });
      // In a personal chat the only person is the reader: mentioning them would only ping themselves.
      const personal = (reference as { conversation?: { conversationType?: string } }).conversation?.conversationType === "personal";
      const mentions = personal ? new Map() : await resolveMentions(db, message.organizationId, message.reply);
      const activity = replyActivity(message.reply, message.reply.locale ?? toLocale(organization?.locale) ?? "en", mentions, personal ? [] : message.mentions);
      // The adapter's onTurnError would swallow a failure thrown inside the turn: keep it here.
      const outcome: { failed: boolean; error?: unknown; externalId?: string } = { failed: false };
      try {
        await adapter.continueConversationAsync(appId, reference as ConversationReference, async (context: TurnContext) => {
          try {
            withoutSdkRetries(context, adapter);
            const response = await context.sendActivity(activity);
            if (response?.id) outcome.externalId = response.id;
          } catch (error) {
            Object.assign(outcome, { failed: true, error });
          }
        });
      } catch (error) {
        Object.assign(outcome, { failed: true, error });
      }
      if (!outcome.failed) return { ok: true, ...(outcome.externalId ? { externalId: outcome.externalId } : {}) };
      const result = classifyError(outcome.error);
      logger.warn({ target: message.target, kind: result.kind, error: result.error }, "teams: notification not delivered");
      return result;
    },
  };
}

/** Removes the Azure pipeline's retry policy from this turn's connector client (one attempt only). */
function withoutSdkRetries(context: TurnContext, adapter: CloudAdapter): void {
  const client = context.turnState.get(adapter.ConnectorClientKey) as
    | { client?: { pipeline?: { removePolicy(options: { name: string }): unknown } } }
    | undefined;
  client?.client?.pipeline?.removePolicy({ name: "defaultRetryPolicy" });
}
