/**
 * When to acknowledge a Slack request, and how commands share the process.
 *
 * Acknowledge after the core has written (so nothing acknowledged is lost) when that fits in
 * Slack's 3 seconds: when no other command is running or queued, the listener waits for the core,
 * never longer than `maxMs`. When commands are queued it acknowledges at once and answers through
 * the response_url when the core is done: queued commands wait on each other (PGlite has one
 * connection; orders of one organization share a counter row even on PostgreSQL), so waiting for
 * the write would stretch every acknowledgement of a burst. A crash in between loses that
 * command's answer, and the command itself if it was not written yet; the user sees no answer
 * and can send it again.
 *
 * Commands run at most `concurrency` at a time, each started from a fresh turn of the event loop.
 * The embedded database (PGlite) answers through microtasks only: a command's whole run never
 * yields to I/O, so with all commands of a burst running at once, requests arriving meanwhile
 * could not even be read, let alone acknowledged. One at a time with a loop turn in between keeps
 * the server responsive; PostgreSQL (real I/O) runs several at once.
 */
export class AckPolicy {
  private running = 0;
  private queue: (() => void)[] = [];

  /** Acknowledgements given after the core's reply, and before it. */
  readonly acks = { afterWrite: 0, beforeWrite: 0 };

  constructor(
    readonly maxMs = 1000,
    readonly concurrency = 1,
  ) {}

  /** Milliseconds to wait for the core before acknowledging: `maxMs` when nothing is ahead, else 0. */
  budget(): number {
    return this.running + this.queue.length === 0 ? this.maxMs : 0;
  }

  /** Runs a command when its turn comes. */
  track<T>(start: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => {
        // The slot is taken now; the run starts on the next turn of the event loop.
        setImmediate(() => {
          const done = () => {
            this.running -= 1;
            this.next();
          };
          start().then(
            (value) => (done(), resolve(value)),
            (error: unknown) => (done(), reject(error)),
          );
        });
      });
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.concurrency && this.queue.length) {
      this.running += 1;
      this.queue.shift()!();
    }
  }

  get load(): { running: number; queued: number } {
    return { running: this.running, queued: this.queue.length };
  }
}
