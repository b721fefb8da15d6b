import type { DeliveryResult, Notifier, OutgoingMessage } from "../../src/core/notifier.ts";
import type { Platform } from "../../src/generated/prisma/enums.ts";

/**
 * An in-memory Notifier for tests: records every attempt (with the clock's time) and answers from
 * a script of results (then "ok"), so retries, rate limits and permanent failures can be played.
 */
export class RecordingNotifier implements Notifier {
  readonly attempts: { message: OutgoingMessage; at: Date; result: DeliveryResult }[] = [];
  private script: DeliveryResult[] = [];
  private sequence = 0;

  constructor(
    readonly platform: Platform = "SLACK",
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Results to answer with, in order; afterwards every send succeeds. */
  answer(...results: DeliveryResult[]): this {
    this.script.push(...results);
    return this;
  }

  async send(message: OutgoingMessage): Promise<DeliveryResult> {
    const result = this.script.shift() ?? { ok: true, externalId: `ts-${++this.sequence}` };
    this.attempts.push({ message, at: this.now(), result });
    return result;
  }

  /** Messages that were delivered. */
  get delivered(): OutgoingMessage[] {
    return this.attempts.filter((a) => a.result.ok).map((a) => a.message);
  }
}

/** A clock tests move by hand; `sleep` advances it instead of waiting. */
export class FakeClock {
  constructor(private time: Date) {}
  now = (): Date => new Date(this.time.getTime());
  set(time: Date | string): void {
    this.time = new Date(time);
  }
  advance(ms: number): void {
    this.time = new Date(this.time.getTime() + ms);
  }
  sleep = async (ms: number): Promise<void> => {
    this.advance(ms);
  };
}
