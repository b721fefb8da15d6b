import type { CoreDeps } from "../../core/deps.ts";
import { outcomeOf } from "../../core/handler.ts";
import { toLocale, translator, type Translate } from "../../core/i18n/index.ts";
import type { Reply } from "../../core/reply.ts";
import type { ChatRequest } from "../../core/request.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Logger } from "../../logger.ts";
import { mentionedMembers, renderReply, type RenderOptions, type SlackMessage } from "./blocks.ts";
import type { AckPolicy } from "./ack-policy.ts";
import { dropDeferred, keepDeferred, notesWritten, type Answer } from "./deferred.ts";
import type { IdentityMapper, SlackIdentity } from "./identity.ts";

/** What every listener gets: the core entry point, the identity mapper, and a logger. */
export interface SlackContext {
  core: CoreDeps;
  db: PrismaClient;
  logger: Logger;
  identity: IdentityMapper;
  /** The core's one entry point (src/core/handler.ts `handle`), bound to its deps. */
  handle(request: ChatRequest): Promise<Reply>;
  /** When to acknowledge: after the write when it fits in Slack's 3 s, before it under load. */
  ack: AckPolicy;
  /**
   * True the first time this process sees an idempotency key. A Slack retry (X-Slack-Retry-Num)
   * of a request this process already has is acknowledged and dropped, so the answer is not
   * posted twice; retries reaching another replica are deduplicated by the core.
   */
  firstSeen(key: string): boolean;
  /** Forgets a key whose first attempt failed before the core answered, so a retry may run it. */
  forget(key: string): void;
}

/** Keys seen recently, oldest forgotten first. */
export function recentKeys(capacity = 10_000): Pick<SlackContext, "firstSeen" | "forget"> {
  const seen = new Set<string>();
  return {
    firstSeen(key) {
      if (seen.has(key)) return false;
      seen.add(key);
      if (seen.size > capacity) seen.delete(seen.values().next().value!);
      return true;
    },
    forget(key) {
      seen.delete(key);
    },
  };
}

/** The core request for one Slack interaction of a known member: typed text or a submitted form. */
export function slackRequest(
  who: Pick<SlackIdentity, "organizationId" | "memberId" | "locale">,
  where: { channelId: string | null; direct?: boolean | undefined },
  content: Pick<ChatRequest, "text"> | Pick<ChatRequest, "form">,
  idempotencyKey: string,
): ChatRequest {
  return {
    organizationId: who.organizationId,
    memberId: who.memberId,
    platform: "SLACK",
    channelId: where.channelId,
    ...(where.direct !== undefined ? { direct: where.direct } : {}),
    ...content,
    ...(who.locale ? { locale: who.locale } : {}),
    idempotencyKey,
  };
}

/** An acknowledgement that is sent once, however many paths call it. */
export function once(ack: () => Promise<void>): () => Promise<void> {
  let acked = false;
  return async () => {
    if (acked) return;
    acked = true;
    await ack();
  };
}

export const TIMED_OUT: unique symbol = Symbol("timed out");

/**
 * Runs a request through the core and acknowledges Slack at the right moment (see AckPolicy):
 * after the reply when it comes within the budget, else once the command is noted
 * (src/adapters/slack/deferred.ts), so that a 200 always stands for a command that is either
 * written or durably noted: a process dying before it ran it runs it at its next start.
 */
export async function handleThenAck(ctx: SlackContext, request: ChatRequest, ack: () => Promise<void>, answer: Answer): Promise<Reply> {
  const budget = ctx.ack.budget();
  if (budget <= 0) {
    ctx.ack.acks.beforeWrite += 1;
    // The notes of a burst are written together (keepDeferred), and committed before Slack hears "ok".
    if (!(await keep(ctx, request, answer))) {
      // Without a note, acknowledge only once the command is written.
      const reply = await ctx.ack.track(() => ctx.handle(request));
      await ack();
      return reply;
    }
    await ack();
    return crossedOut(ctx, request, ctx.ack.track(() => notesWritten(ctx).then(() => ctx.handle(request))));
  }
  const pending = ctx.ack.track(() => ctx.handle(request));
  const early = await withBudget(pending, budget);
  ctx.ack.acks[early === TIMED_OUT ? "beforeWrite" : "afterWrite"] += 1;
  if (early !== TIMED_OUT) {
    await ack();
    return early;
  }
  return ackWhenDurable(ctx, request, ack, answer, pending);
}

/**
 * For a request already running that must be acknowledged before it is done: acknowledges once
 * it is durable, by its note or by its own commit, whichever comes first; then its reply.
 */
export async function ackWhenDurable(ctx: SlackContext, request: ChatRequest, ack: () => Promise<void>, answer: Answer, pending: Promise<Reply>): Promise<Reply> {
  const noted = keep(ctx, request, answer);
  const finished = pending.then(
    () => true,
    () => true,
  );
  if (!(await Promise.race([noted, finished]))) await finished;
  await ack();
  await noted;
  return crossedOut(ctx, request, pending);
}

/** Whether the note was written (a note that cannot be written is logged, and the ack waits for the write). */
function keep(ctx: SlackContext, request: ChatRequest, answer: Answer): Promise<boolean> {
  return keepDeferred(ctx, request, answer).then(
    () => true,
    (error) => (ctx.logger.error({ err: error }, "slack: could not note a deferred command"), false),
  );
}

/**
 * The reply, once the deferred command's note is removed. The core removes it as the command
 * commits; this removes the notes of commands that did not write (reads, refusals, failures).
 * A note is kept while another attempt (a replay, a retry on another replica) still runs it.
 */
async function crossedOut(ctx: SlackContext, request: ChatRequest, pending: Promise<Reply>): Promise<Reply> {
  const reply = await pending;
  if (outcomeOf(reply) !== "running") {
    await dropDeferred(ctx, request).catch((error) => ctx.logger.error({ err: error }, "slack: could not cross out a deferred command"));
  }
  return reply;
}

/** The promise's value, or TIMED_OUT when it takes longer than `ms` (the promise keeps running). */
export function withBudget<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function translatorFor(who: Pick<SlackIdentity, "locale"> | null | undefined): Translate {
  return translator(toLocale(who?.locale) ?? "en");
}

/** Renders a reply, resolving mentioned members to Slack users first. */
export async function renderFor(
  ctx: SlackContext,
  organizationId: string,
  reply: Reply,
  options: Omit<RenderOptions, "mentions"> & { mentions?: ReadonlyMap<string, string> },
): Promise<SlackMessage> {
  const ids = mentionedMembers(reply);
  const mentions = options.mentions ?? (ids.length ? await ctx.identity.slackUsers(organizationId, ids) : undefined);
  // The reader's own language setting (the reply's) wins over the Slack client's.
  const t = reply.locale ? translator(reply.locale) : options.t;
  return renderReply(reply, { ...options, t, ...(mentions ? { mentions } : {}) });
}

/** Whether a Slack conversation id is a direct message (D…) or the slash command said so. */
export function isDirect(channelId: string | undefined, channelName?: string): boolean {
  return Boolean(channelId?.startsWith("D")) || channelName === "directmessage";
}

/** A reply to show when something on our side failed (never a stack trace). */
export function failureReply(t: Translate): Reply {
  const text = t("slack:error.generic");
  return { ok: false, visibility: "caller", summary: text, blocks: [{ kind: "text", text, tone: "error" }] };
}
