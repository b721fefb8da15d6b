import type { DeliveryResult, Notifier, OutgoingMessage } from "../core/notifier.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Platform } from "../generated/prisma/enums.ts";
import type { Logger } from "../logger.ts";
import { backoffMs } from "./backoff.ts";

/**
 * The outbox dispatcher. Claims due rows with FOR UPDATE SKIP LOCKED (so replicas never claim the
 * same row), delivers each through the Notifier of its platform, and records the outcome:
 * - sent → SENT with the platform's message id;
 * - 429 → back to PENDING after Retry-After (the channel waits too; not counted as an attempt);
 * - 5xx, timeouts → PENDING after exponential backoff with jitter, FAILED after `maxAttempts`;
 * - permanent (channel gone, bot removed) → FAILED with the reason, never retried.
 * At most one message per `channelIntervalMs` per channel (Slack: about one a second), paced from
 * the platform's answer; each channel's queue is topped up before it runs dry. Outcomes are
 * written in batches (a row stays SENDING, owned by this dispatcher, until written).
 * Rows left SENDING longer than the lease (a crash between claim and delivery) go back to PENDING.
 * The one window that can still duplicate: a crash after the platform accepted a message and
 * before SENT is written; then the message is sent again after the lease (at-least-once there).
 */

export interface DispatcherOptions {
  db: PrismaClient;
  notifiers: Notifier[];
  owner?: string;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  logger?: Logger;
  leaseMs?: number;
  channelIntervalMs?: number;
  maxAttempts?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Rows claimed per query, and at most this many per channel at a time. */
  batchSize?: number;
  perChannel?: number;
}

export interface ClaimedRow {
  id: string;
  platform: Platform;
  target: string;
  payload: OutgoingMessage;
  attempts: number;
}

export interface DispatchSummary {
  /** Time spent claiming rows (ms) and claims made. */
  claimMs: number;
  claims: number;
  sent: number;
  retried: number;
  failed: number;
  outcomes: { id: string; platform: Platform; target: string; outcome: "sent" | "retry" | "failed"; error?: string }[];
}

/** How often a busy drain looks for more rows for channels whose queue runs low (real time). */
const REFILL_POLL_MS = 200;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Dispatcher {
  private readonly db: PrismaClient;
  private readonly notifiers: Map<Platform, Notifier>;
  readonly owner: string;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly logger: Logger | undefined;
  private readonly leaseMs: number;
  private readonly channelIntervalMs: number;
  private readonly maxAttempts: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly batchSize: number;
  private readonly perChannel: number;
  /** When each channel may receive its next message. */
  private readonly channelReadyAt = new Map<string, number>();
  private loop: { stopped: boolean; done: Promise<void>; wake: () => void } | null = null;
  /** Delivery outcomes not yet written; flushed in one statement every few milliseconds. */
  private outcomes: { id: string; status: "SENT" | "FAILED" | "PENDING"; at: Date; externalId: string | null; error: string | null; retryAt: Date | null; attemptsBack: number }[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private draining: Promise<DispatchSummary> | null = null;

  constructor(options: DispatcherOptions) {
    this.db = options.db;
    this.notifiers = new Map(options.notifiers.map((n) => [n.platform, n]));
    this.owner = options.owner ?? `dispatcher-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.logger = options.logger;
    this.leaseMs = options.leaseMs ?? 120_000;
    this.channelIntervalMs = options.channelIntervalMs ?? 1_000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.baseBackoffMs = options.baseBackoffMs ?? 2_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 300_000;
    this.batchSize = options.batchSize ?? 2_000;
    this.perChannel = options.perChannel ?? 5;
  }

  get platforms(): Platform[] {
    return [...this.notifiers.keys()];
  }

  /** Rows SENDING for longer than the lease (their dispatcher died) go back to PENDING. */
  async recover(): Promise<number> {
    const cutoff = new Date(this.now().getTime() - this.leaseMs);
    return this.db.$executeRaw`
      UPDATE "Notification" SET status = 'PENDING', "claimedAt" = NULL, "claimedBy" = NULL, "nextAttemptAt" = ${this.now()}
      WHERE status = 'SENDING' AND "claimedAt" < ${cutoff}`;
  }

  /** Claims due rows of the platforms this dispatcher can deliver, a few per channel, skipping busy channels. */
  async claim(busyChannels: string[] = []): Promise<ClaimedRow[]> {
    const now = this.now();
    const platforms = this.platforms;
    if (platforms.length === 0) return [];
    return this.db.$queryRaw<ClaimedRow[]>`
      UPDATE "Notification" AS n SET status = 'SENDING', "claimedAt" = ${now}, "claimedBy" = ${this.owner}, attempts = n.attempts + 1
      WHERE n.id IN (
        SELECT id FROM "Notification"
        WHERE id IN (
          SELECT id FROM (
            SELECT id, row_number() OVER (PARTITION BY platform, target ORDER BY "createdAt", id) AS rn
            FROM "Notification"
            WHERE status = 'PENDING' AND "nextAttemptAt" <= ${now} AND platform::text = ANY(${platforms}::text[])
              AND NOT ((platform::text || ':' || target) = ANY(${busyChannels}::text[]))
          ) ranked WHERE rn <= ${this.perChannel})
        ORDER BY "nextAttemptAt", "createdAt"
        LIMIT ${this.batchSize}
        FOR UPDATE SKIP LOCKED)
      RETURNING n.id, n.platform::text AS platform, n.target, n.payload, n.attempts`;
  }

  /** The earliest moment a pending row of a deliverable platform becomes due, if any. */
  private async nextDue(): Promise<Date | null> {
    const rows = await this.db.$queryRaw<{ next: Date | null; sending: number }[]>`
      SELECT min("nextAttemptAt") FILTER (WHERE status = 'PENDING') AS next,
             count(*) FILTER (WHERE status = 'SENDING')::int AS sending
      FROM "Notification" WHERE status IN ('PENDING', 'SENDING') AND platform::text = ANY(${this.platforms}::text[])`;
    const row = rows[0];
    if (!row) return null;
    if (row.next) return new Date(row.next);
    return row.sending > 0 ? new Date(this.now().getTime() + Math.min(this.leaseMs, 1_000)) : null;
  }

  /**
   * Delivers everything due now. With `settle`, also waits (on the injected clock) for rows that
   * become due later (Retry-After, backoff, leases) until the outbox holds nothing deliverable.
   */
  drain(options: { settle?: boolean } = {}): Promise<DispatchSummary> {
    // One drain at a time per dispatcher; a second caller shares the running one.
    if (this.draining) return this.draining.then(() => this.drain(options));
    this.draining = this.drainOnce(options).finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drainOnce(options: { settle?: boolean }): Promise<DispatchSummary> {
    const summary: DispatchSummary = { claimMs: 0, claims: 0, sent: 0, retried: 0, failed: 0, outcomes: [] };
    const queues = new Map<string, ClaimedRow[]>();
    const workers = new Map<string, Promise<void>>();
    await this.recover();
    for (;;) {
      const claimStart = performance.now();
      // Channels with a couple of messages in hand are skipped; the others are topped up ahead of time.
      const rows = await this.claim([...queues].filter(([, q]) => q.length >= 2).map(([key]) => key));
      summary.claimMs += performance.now() - claimStart;
      summary.claims++;
      for (const row of rows) {
        const key = `${row.platform}:${row.target}`;
        const queue = queues.get(key);
        if (queue) queue.push(row);
        else {
          queues.set(key, [row]);
          const worker: Promise<void> = this.channelWorker(key, queues, summary).finally(() => {
            if (workers.get(key) === worker) workers.delete(key);
          });
          workers.set(key, worker);
        }
      }
      if (rows.length > 0 && rows.length >= this.batchSize) continue;
      if (workers.size > 0) {
        // Look again when a channel is done, or shortly (to top up queues running low).
        await Promise.race([...workers.values(), new Promise((resolve) => setTimeout(resolve, REFILL_POLL_MS))]);
        continue;
      }
      if (rows.length > 0) continue;
      await this.flush();
      if (!options.settle) break;
      const next = await this.nextDue();
      if (!next) break;
      const wait = next.getTime() - this.now().getTime();
      if (wait > 0) await this.sleep(wait);
      await this.recover();
    }
    await this.flush();
    return summary;
  }

  private async channelWorker(key: string, queues: Map<string, ClaimedRow[]>, summary: DispatchSummary): Promise<void> {
    const queue = queues.get(key)!;
    while (queue.length > 0) {
      const row = queue.shift()!;
      const readyAt = this.channelReadyAt.get(key) ?? 0;
      const wait = readyAt - this.now().getTime();
      if (wait > 0) await this.sleep(wait);
      await this.deliver(key, row, summary);
    }
    queues.delete(key);
  }

  private async deliver(key: string, row: ClaimedRow, summary: DispatchSummary): Promise<void> {
    const notifier = this.notifiers.get(row.platform)!;
    const started = this.now().getTime();
    this.channelReadyAt.set(key, started + this.channelIntervalMs);
    let result: DeliveryResult;
    try {
      result = await notifier.send(row.payload);
    } catch (error) {
      result = { ok: false, kind: "transient", error: (error as Error).message };
    }
    const now = this.now();
    // Pace from the answer, not the request: the platform counted the message at some moment before
    // it answered, so the next one (sent a full interval after the answer) can never arrive early.
    // (Pacing from the request's midpoint was tried: under load it drew 429s, each costing a second.)
    // (+2 ms: the clock has millisecond resolution; never be a fraction of a millisecond early.)
    this.channelReadyAt.set(key, Math.max(started, now.getTime()) + this.channelIntervalMs + 2);
    const base = { id: row.id, platform: row.platform, target: row.target };
    if (result.ok) {
      this.record({ id: row.id, status: "SENT", at: now, externalId: result.externalId ?? null, error: null, retryAt: null, attemptsBack: 0 });
      summary.sent++;
      summary.outcomes.push({ ...base, outcome: "sent" });
      return;
    }
    const error = result.error.slice(0, 500);
    if (result.kind === "permanent" || (result.kind === "transient" && row.attempts >= this.maxAttempts)) {
      const reason = result.kind === "permanent" ? error : `gave up after ${row.attempts} attempts: ${error}`;
      this.record({ id: row.id, status: "FAILED", at: now, externalId: null, error: reason, retryAt: null, attemptsBack: 0 });
      this.logger?.warn({ notification: row.id, platform: row.platform, target: row.target, error: reason }, "notification failed permanently");
      summary.failed++;
      summary.outcomes.push({ ...base, outcome: "failed", error: reason });
      return;
    }
    const delay = result.kind === "rate_limited" ? Math.max(result.retryAfterMs, 0) : backoffMs(row.attempts, { baseMs: this.baseBackoffMs, maxMs: this.maxBackoffMs, random: this.random });
    if (result.kind === "rate_limited") this.channelReadyAt.set(key, now.getTime() + delay);
    // A rate limit is the platform pacing us, not a failure: it does not use up an attempt.
    this.record({ id: row.id, status: "PENDING", at: now, externalId: null, error, retryAt: new Date(now.getTime() + delay), attemptsBack: result.kind === "rate_limited" ? 1 : 0 });
    summary.retried++;
    summary.outcomes.push({ ...base, outcome: "retry", error });
  }

  /**
   * Outcomes are written in batches (one UPDATE … FROM unnest per flush, at most every 100 ms or
   * 1,000 outcomes): a row stays SENDING, owned by this dispatcher, until its outcome is written.
   */
  private record(outcome: Dispatcher["outcomes"][number]): void {
    this.outcomes.push(outcome);
    if (this.outcomes.length >= 1_000) void this.flush();
    else if (!this.flushTimer) this.flushTimer = setTimeout(() => void this.flush(), 100);
  }

  /** Writes the buffered outcomes. */
  flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    const batch = this.outcomes;
    this.outcomes = [];
    const write = async () => {
      if (batch.length === 0) return;
      await this.db.$executeRaw`
        UPDATE "Notification" AS n SET
          status = u.status::"OutboxStatus",
          "sentAt" = CASE WHEN u.status = 'SENT' THEN u.at ELSE n."sentAt" END,
          "externalId" = CASE WHEN u.status = 'SENT' THEN u.external ELSE n."externalId" END,
          "lastError" = u.error,
          "nextAttemptAt" = coalesce(u.retry, n."nextAttemptAt"),
          "claimedAt" = CASE WHEN u.status = 'SENT' THEN n."claimedAt" END,
          "claimedBy" = CASE WHEN u.status = 'PENDING' THEN NULL ELSE n."claimedBy" END,
          attempts = n.attempts - u.back
        FROM unnest(${batch.map((b) => b.id)}::text[], ${batch.map((b) => b.status)}::text[], ${batch.map((b) => b.at)}::timestamp[],
                    ${batch.map((b) => b.externalId)}::text[], ${batch.map((b) => b.error)}::text[], ${batch.map((b) => b.retryAt)}::timestamp[],
                    ${batch.map((b) => b.attemptsBack)}::int[]) AS u(id, status, at, external, error, retry, back)
        WHERE n.id = u.id AND n.status = 'SENDING'`;
    };
    this.flushing = this.flushing.then(write, write).catch((error) => {
      this.logger?.error({ err: error }, "writing delivery outcomes failed");
    });
    return this.flushing;
  }

  /** Polls the outbox until stopped; `wake()` makes it look right away (after a job wrote rows). */
  start(pollMs = 1_000): void {
    if (this.loop) return;
    let wake = () => {};
    const state = { stopped: false, wake: () => wake(), done: Promise.resolve() };
    state.done = (async () => {
      while (!state.stopped) {
        try {
          await this.drain();
        } catch (error) {
          this.logger?.error({ err: error }, "outbox dispatch failed");
        }
        if (state.stopped) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    })();
    this.loop = state;
  }

  wake(): void {
    this.loop?.wake();
  }

  async stop(): Promise<void> {
    if (!this.loop) return;
    this.loop.stopped = true;
    this.loop.wake();
    await this.loop.done;
    this.loop = null;
  }
}
