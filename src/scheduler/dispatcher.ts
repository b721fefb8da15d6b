import type { DeliveryResult, Notifier, OutgoingMessage } from "../core/notifier.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Platform } from "../generated/prisma/enums.ts";
import type { Logger } from "../logger.ts";
import { backoffMs } from "./backoff.ts";
import { Readers } from "./readers.ts";
import { claimPaced, claimUnpaced, nextDue, recoverLapsed, releaseHolds, renewHolds, writeOutcomes, type ClaimedRow, type Outcome } from "./outbox-claims.ts";

export type { ClaimedRow } from "./outbox-claims.ts";

/**
 * The outbox dispatcher. Claims due rows (src/scheduler/outbox-claims.ts: safe with any number of
 * dispatchers, each claim carrying a fencing token), delivers each through the Notifier of its
 * platform, and records the outcome under that token:
 * - sent → SENT with the platform's message id;
 * - 429 → back to PENDING after Retry-After (the channel waits too; not counted as an attempt);
 * - 5xx, timeouts → PENDING after exponential backoff with jitter, FAILED after `maxAttempts`;
 * - permanent (channel gone, bot removed) → FAILED with the reason, never retried.
 * At most one message per `channelIntervalMs` per target across all dispatchers: a dispatcher
 * holds a target (ChannelPace) while it sends to it, paced from the platform's answers, and hands
 * it on with the time its next message may go. Outcomes are written in batches for platforms that
 * can look a message up (Slack), right away for the others (Teams).
 * Rows left SENDING longer than the lease (a crash) go back to PENDING, marked uncertain: before
 * posting such a row again, the dispatcher asks the notifier whether the message is already there
 * (Slack: message metadata in the conversation's history) and, if so, records it as sent.
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
  /** Minimum time between two messages to one target, across dispatchers (0: no pacing). */
  channelIntervalMs?: number;
  maxAttempts?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Rows claimed per query, and at most this many per channel at a time. */
  batchSize?: number;
  perChannel?: number;
}

export interface DispatchSummary {
  /** Time spent claiming rows (ms) and claims made. */
  claimMs: number;
  claims: number;
  sent: number;
  /** Of `sent`: found already posted by an earlier attempt, not posted again. */
  found: number;
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
  /** Unique per dispatcher instance: with a counter, makes every claim's token unique. */
  private readonly nonce = crypto.randomUUID().slice(0, 8);
  private claimSeq = 0;
  /** When each channel may receive its next message. */
  private readonly channelReadyAt = new Map<string, number>();
  private lastRenewal = 0;
  private lastRelease = 0;
  private finishedChannels = 0;
  private readonly loggedOnce = new Set<string>();
  private loop: { stopped: boolean; done: Promise<void>; wake: () => void } | null = null;
  /** Delivery outcomes not yet written. */
  private outcomes: Outcome[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private writer: Promise<void> | null = null;
  private draining: Promise<DispatchSummary> | null = null;
  /** Readers' languages and time zones, read afresh by each drain. */
  private readers: Readers;

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
    this.readers = new Readers(this.db);
  }

  get platforms(): Platform[] {
    return [...this.notifiers.keys()];
  }

  /** Rows SENDING for longer than the lease (their dispatcher died) go back to PENDING, uncertain. */
  recover(): Promise<number> {
    return recoverLapsed(this.db, this.now(), this.leaseMs, this.platforms);
  }

  /** Claims due rows of the platforms this dispatcher can deliver, a few per channel, skipping busy channels. */
  async claim(busyChannels: string[] = []): Promise<ClaimedRow[]> {
    const platforms = this.platforms;
    if (platforms.length === 0) return [];
    const params = {
      now: this.now(),
      owner: this.owner,
      token: `${this.owner}:${this.nonce}:${++this.claimSeq}`,
      platforms,
      busy: busyChannels,
      perChannel: this.perChannel,
      batchSize: this.batchSize,
      leaseMs: this.leaseMs,
    };
    const rows = await (this.channelIntervalMs > 0 ? claimPaced(this.db, params) : claimUnpaced(this.db, params));
    for (const row of rows) row.claimedAt = new Date(row.claimedAt);
    return rows;
  }

  /** Gives up the holds on targets this dispatcher has nothing in hand for. */
  private async releaseIdle(active: string[]): Promise<void> {
    if (this.channelIntervalMs <= 0) return;
    const ready = new Map<string, Date>();
    const now = this.now().getTime();
    for (const [key, at] of this.channelReadyAt) {
      if (active.includes(key)) continue;
      if (at > now) ready.set(key, new Date(at));
      else this.channelReadyAt.delete(key);
    }
    await releaseHolds(this.db, this.owner, active, ready);
  }

  private async renewIfDue(): Promise<void> {
    if (this.channelIntervalMs <= 0) return;
    const now = this.now();
    if (now.getTime() - this.lastRenewal < this.leaseMs / 4) return;
    this.lastRenewal = now.getTime();
    await renewHolds(this.db, this.owner, now);
  }

  /**
   * Delivers everything due now. With `settle`, also waits (on the injected clock) for rows that
   * become due later (Retry-After, backoff, leases, other dispatchers' targets) until the outbox
   * holds nothing deliverable.
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
    const summary: DispatchSummary = { claimMs: 0, claims: 0, sent: 0, found: 0, retried: 0, failed: 0, outcomes: [] };
    const queues = new Map<string, ClaimedRow[]>();
    const workers = new Map<string, Promise<void>>();
    this.lastRenewal = this.now().getTime();
    this.readers = new Readers(this.db);
    await this.recover();
    for (;;) {
      const claimStart = performance.now();
      let rows: ClaimedRow[] = [];
      try {
        await this.renewIfDue();
        // Channels with a couple of messages in hand are skipped; the others are topped up ahead of time.
        rows = await this.claim([...queues].filter(([, q]) => q.length >= 2).map(([key]) => key));
        // Targets finished (or taken with nothing to send) are handed on.
        if (this.finishedChannels > 0 || rows.length === 0 || performance.now() - this.lastRelease > 1_000) {
          this.finishedChannels = 0;
          this.lastRelease = performance.now();
          await this.releaseIdle([...new Set([...queues.keys(), ...rows.map((r) => `${r.platform}:${r.target}`)])]);
        }
      } catch (error) {
        // A deadlock victim or a lost connection: try again on the next round.
        this.logger?.warn({ err: error }, "outbox claim failed");
      }
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
      const due = await nextDue(this.db, this.platforms);
      if (!due.next && due.sending === 0) break;
      const pollMs = Math.min(this.leaseMs, 1_000);
      let wait = due.next ? due.next.getTime() - this.now().getTime() : pollMs;
      // Rows SENDING elsewhere may come back (a lease lapses): look again at least every poll.
      if (due.sending > 0) wait = Math.min(wait, pollMs);
      // Due now but not claimable (another dispatcher holds the target): look again shortly.
      if (wait <= 0) wait = Math.min(pollMs, 100);
      await this.sleep(wait);
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
      // Where no lookup can repair a lost outcome (Teams), it is written before anything else is sent.
      if (!this.notifiers.get(row.platform)!.findDelivered) await this.flush();
    }
    queues.delete(key);
    this.finishedChannels++;
  }

  private async deliver(key: string, row: ClaimedRow, summary: DispatchSummary): Promise<void> {
    const notifier = this.notifiers.get(row.platform)!;
    // Batched outcomes only where a lost outcome can be repaired by a lookup; else write at once.
    const urgent = !notifier.findDelivered;
    const base = { id: row.id, platform: row.platform, target: row.target };
    const claim = { id: row.id, token: row.claimToken };
    // A row held too long (waiting behind a Retry-After) is handed back unsent rather than posted
    // near the end of its lease, when another dispatcher may be about to take it over.
    if (this.now().getTime() - row.claimedAt.getTime() > this.leaseMs / 2) {
      this.record({ ...claim, status: "PENDING", at: this.now(), externalId: null, error: null, retryAt: this.now(), attemptsBack: 1, uncertain: false }, urgent);
      return;
    }
    // Announcements are rendered now, in the reader's language and time zone.
    let message: OutgoingMessage;
    try {
      message = await this.readers.outgoing(row.payload);
    } catch (error) {
      this.record({ ...claim, status: "PENDING", at: this.now(), externalId: null, error: `render: ${(error as Error).message}`.slice(0, 500), retryAt: new Date(this.now().getTime() + this.baseBackoffMs), attemptsBack: 0, uncertain: false }, urgent);
      summary.retried++;
      summary.outcomes.push({ ...base, outcome: "retry", error: (error as Error).message });
      return;
    }
    if (row.uncertainSince && notifier.findDelivered) {
      const looked = await this.lookUp(notifier, row, message);
      if (looked.kind === "found") {
        this.record({ ...claim, status: "SENT", at: this.now(), externalId: looked.externalId ?? null, error: null, retryAt: null, attemptsBack: 0, uncertain: false }, true);
        this.logger?.info({ notification: row.id, target: row.target }, "notification was already posted by an earlier attempt: recorded as sent");
        summary.sent++;
        summary.found++;
        summary.outcomes.push({ ...base, outcome: "sent" });
        return;
      }
      if (looked.kind === "rate_limited" || looked.kind === "transient") {
        const now = this.now();
        const delay = looked.kind === "rate_limited" ? looked.retryAfterMs : backoffMs(row.attempts, { baseMs: this.baseBackoffMs, maxMs: this.maxBackoffMs, random: this.random });
        this.record({ ...claim, status: "PENDING", at: now, externalId: null, error: `lookup: ${looked.error}`.slice(0, 500), retryAt: new Date(now.getTime() + delay), attemptsBack: 1, uncertain: false }, urgent);
        summary.retried++;
        summary.outcomes.push({ ...base, outcome: "retry", error: looked.error });
        return;
      }
      // absent, or the platform cannot tell: post.
    }
    const started = this.now().getTime();
    this.channelReadyAt.set(key, started + this.channelIntervalMs);
    let result: DeliveryResult;
    try {
      result = await notifier.send(message, { key: row.id });
    } catch (error) {
      result = { ok: false, kind: "transient", error: (error as Error).message };
    }
    const now = this.now();
    // Pace from the answer, not the request: the platform counted the message at some moment before
    // it answered, so the next one (sent a full interval after the answer) can never arrive early.
    // (Pacing from the request's midpoint was tried: under load it drew 429s, each costing a second.)
    // (+2 ms: the clock has millisecond resolution; never be a fraction of a millisecond early.)
    this.channelReadyAt.set(key, Math.max(started, now.getTime()) + this.channelIntervalMs + 2);
    if (result.ok) {
      this.record({ ...claim, status: "SENT", at: now, externalId: result.externalId ?? null, error: null, retryAt: null, attemptsBack: 0, uncertain: false }, urgent);
      summary.sent++;
      summary.outcomes.push({ ...base, outcome: "sent" });
      return;
    }
    const error = result.error.slice(0, 500);
    if (result.kind === "permanent" || (result.kind === "transient" && row.attempts >= this.maxAttempts)) {
      const reason = result.kind === "permanent" ? error : `gave up after ${row.attempts} attempts: ${error}`;
      this.record({ ...claim, status: "FAILED", at: now, externalId: null, error: reason, retryAt: null, attemptsBack: 0, uncertain: false }, urgent);
      this.logger?.warn({ notification: row.id, platform: row.platform, target: row.target, error: reason }, "notification failed permanently");
      summary.failed++;
      summary.outcomes.push({ ...base, outcome: "failed", error: reason });
      return;
    }
    const delay = result.kind === "rate_limited" ? Math.max(result.retryAfterMs, 0) : backoffMs(row.attempts, { baseMs: this.baseBackoffMs, maxMs: this.maxBackoffMs, random: this.random });
    if (result.kind === "rate_limited") this.channelReadyAt.set(key, now.getTime() + delay);
    // A rate limit is the platform pacing us, not a failure: it does not use up an attempt. A
    // server error or a lost answer may hide a post that went through: the retry looks first.
    this.record(
      { ...claim, status: "PENDING", at: now, externalId: null, error, retryAt: new Date(now.getTime() + delay), attemptsBack: result.kind === "rate_limited" ? 1 : 0, uncertain: result.kind === "transient" },
      urgent,
    );
    summary.retried++;
    summary.outcomes.push({ ...base, outcome: "retry", error });
  }

  private async lookUp(notifier: Notifier, row: ClaimedRow, message: OutgoingMessage) {
    let looked;
    try {
      looked = await notifier.findDelivered!(message, { key: row.id, since: new Date(row.uncertainSince!) });
    } catch (error) {
      looked = { ok: false as const, kind: "transient" as const, error: (error as Error).message };
    }
    if (looked.kind === "unavailable" || looked.kind === "permanent") {
      // Without the history scopes kam cannot tell; it posts again (at least once) and says so once.
      const key = `${row.platform}:${looked.error}`;
      if (!this.loggedOnce.has(key)) {
        this.loggedOnce.add(key);
        this.logger?.warn({ platform: row.platform, error: looked.error }, "cannot check whether an interrupted notification was already posted; posting it again");
      }
    }
    return looked;
  }

  /**
   * Outcomes are buffered: a row stays SENDING, owned by its claim, until written. Batched (at
   * most every 100 ms or 1,000 outcomes) where a lookup can repair a lost outcome, else written at
   * once (outcomes arriving while a write is under way go together in the next one).
   */
  private record(outcome: Outcome, urgent = false): void {
    this.outcomes.push(outcome);
    if (urgent || this.outcomes.length >= 1_000) void this.flush();
    else if (!this.flushTimer) this.flushTimer = setTimeout(() => void this.flush(), 100);
  }

  /** Writes the buffered outcomes; resolves when those buffered before the call are written. */
  flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.writer) return this.writer.then(() => this.flush());
    if (this.outcomes.length === 0) return Promise.resolve();
    const run = async () => {
      while (this.outcomes.length > 0) {
        const batch = this.outcomes;
        this.outcomes = [];
        try {
          await writeOutcomes(this.db, batch);
        } catch (error) {
          // The rows stay SENDING: after the lease they are recovered as uncertain (looked up, not blindly re-sent, on Slack).
          this.logger?.error({ err: error }, "writing delivery outcomes failed");
        }
      }
    };
    this.writer = run().finally(() => {
      this.writer = null;
    });
    return this.writer;
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
