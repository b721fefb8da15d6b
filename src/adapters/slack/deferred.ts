import type { Prisma } from "../../generated/prisma/client.ts";
import { outcomeOf } from "../../core/handler.ts";
import type { Reply } from "../../core/reply.ts";
import type { ChatRequest } from "../../core/request.ts";
import { renderFor, translatorFor, type SlackContext } from "./context.ts";
import { requestHasUnstorableText } from "../../core/grammar/text-input.ts";
import type { JournalNote } from "./deferred-journal.ts";

/**
 * Under load a Slack command is acknowledged before it runs (src/adapters/slack/ack-policy.ts).
 * So that a process dying in between loses nothing, the command is written down before Slack is
 * answered, and crossed out in the transaction that runs it (src/core/idempotency.ts); at start,
 * kam runs what is left. The core's idempotency key makes a command that another attempt did run
 * answer from its record instead of running twice.
 */

/** Where to answer a deferred command. */
export interface Answer {
  /** Absent for buttons on the App Home: the command still runs, unanswered. */
  responseUrl: string | null;
  direct: boolean;
}

/** Slack accepts answers on a response_url for 30 minutes. */
const RESPONSE_URL_MS = 30 * 60_000;

type Note = Prisma.DeferredCommandCreateManyInput;

/**
 * Notes arriving together (a burst) are written with one statement: one insert per command made
 * the acknowledgements of a burst on PGlite, whose work blocks this thread, twice as slow.
 */
const batches = new WeakMap<object, { notes: Note[]; written: Promise<void> }>();

export function keepDeferred(ctx: SlackContext, request: ChatRequest, answer: Answer): Promise<void> {
  // A NUL character or half a surrogate pair cannot be stored (jsonb refuses it, and would fail the whole batch's insert);
  // the core refuses such a request before it writes anything, so there is nothing to keep.
  if (!request.idempotencyKey || requestHasUnstorableText(request)) return Promise.resolve();
  const note: Note = { key: request.idempotencyKey, request: request as unknown as Prisma.InputJsonValue, responseUrl: answer.responseUrl, direct: answer.direct };
  const open = batches.get(ctx.db);
  if (open) {
    open.notes.push(note);
    return open.written;
  }
  const batch = { notes: [note], written: Promise.resolve() };
  batch.written = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
    batches.delete(ctx.db);
    if (ctx.journal) ctx.journal.append(batch.notes.map(journalNote));
    else await ctx.db.deferredCommand.createMany({ data: batch.notes, skipDuplicates: true });
  });
  batches.set(ctx.db, batch);
  const inFlight = writing.get(ctx.db) ?? new Set();
  writing.set(ctx.db, inFlight);
  inFlight.add(batch.written);
  const forget = () => void inFlight.delete(batch.written);
  batch.written.then(forget, forget);
  return batch.written;
}

/** Note batches not written yet, per database. */
const writing = new WeakMap<object, Set<Promise<void>>>();

/**
 * Resolves once the notes asked for so far are written. A deferred command waits for it before it
 * starts: Slack's acknowledgements wait for their notes, and on PGlite (one connection) a command
 * started first would hold the database for its whole transaction while the notes of a burst wait.
 */
export async function notesWritten(ctx: SlackContext): Promise<void> {
  const inFlight = writing.get(ctx.db);
  if (inFlight?.size) await Promise.allSettled([...inFlight]);
}

export async function dropDeferred(ctx: SlackContext, request: ChatRequest): Promise<void> {
  if (!request.idempotencyKey) return;
  if (ctx.journal) ctx.journal.done([request.idempotencyKey]);
  else await ctx.db.deferredCommand.deleteMany({ where: { key: request.idempotencyKey } });
}

function journalNote(note: Note): JournalNote {
  return { key: note.key, request: note.request as unknown as ChatRequest, responseUrl: note.responseUrl ?? null, direct: note.direct ?? false, createdAt: new Date().toISOString() };
}

/**
 * Moves the notes a previous process left in the journal (PGlite, src/adapters/slack/deferred-journal.ts)
 * into the DeferredCommand table, where runDeferred runs them like any other note; then marks them
 * done in the journal. A note whose command had committed (its process died before marking it done)
 * is not moved: as on PostgreSQL, where the commit removes the note, it is not run or answered again.
 */
export async function adoptJournal(ctx: SlackContext): Promise<number> {
  const journal = ctx.journal;
  if (!journal?.leftOver.length) return 0;
  const notes = journal.leftOver;
  const processed = new Set(
    (await ctx.db.processedEvent.findMany({ where: { key: { in: notes.map(claimKey) } }, select: { key: true } })).map((row) => row.key),
  );
  const adopt = notes.filter((note) => !processed.has(claimKey(note)));
  await ctx.db.deferredCommand.createMany({
    data: adopt.map((note) => ({ key: note.key, request: note.request as unknown as Prisma.InputJsonValue, responseUrl: note.responseUrl, direct: note.direct, createdAt: new Date(note.createdAt) })),
    skipDuplicates: true,
  });
  journal.done(notes.map((note) => note.key));
  return adopt.length;
}

/** The core's idempotency key for a request (src/core/handler.ts). */
function claimKey(note: JournalNote): string {
  return `${note.request.platform}:${note.key}`;
}

/**
 * Runs the commands a previous process acknowledged and did not finish, oldest first, and answers
 * on their response_url while Slack still takes it. Several replicas starting at once may try the
 * same note: the core's claim lets one run it and the others wait for its reply. The runner
 * answers; a note whose command had been run already (its process died before crossing it out)
 * is answered from the record by whoever removes it. A note whose command another attempt still
 * runs is left to that attempt. Returns how many ran.
 */
export async function runDeferred(ctx: SlackContext, now = () => Date.now(), options: { olderThanMs?: number } = {}): Promise<number> {
  // The age is the database's: replicas' clocks may differ, the notes' createdAt is the server's now().
  const rows = options.olderThanMs === undefined
    ? await ctx.db.deferredCommand.findMany({ orderBy: { createdAt: "asc" }, take: 1_000 })
    : await ctx.db.$queryRaw<{ key: string; request: Prisma.JsonValue; responseUrl: string | null; direct: boolean; createdAt: Date }[]>`
        SELECT key, request, "responseUrl", direct, "createdAt" FROM "DeferredCommand"
        WHERE "createdAt" < now() - make_interval(secs => ${options.olderThanMs / 1000}) ORDER BY "createdAt" LIMIT 1000`;
  let ran = 0;
  for (const row of rows) {
    const request = row.request as unknown as ChatRequest;
    try {
      const reply = await ctx.handle(request);
      const outcome = outcomeOf(reply);
      if (outcome === "running") continue;
      const taken = await ctx.db.deferredCommand.deleteMany({ where: { key: row.key } });
      if (outcome === "ran") ran++;
      else if (taken.count === 0) continue;
      if (row.responseUrl && now() - row.createdAt.getTime() < RESPONSE_URL_MS) await answer(ctx, request, reply, { responseUrl: row.responseUrl, direct: row.direct });
      ctx.logger.info({ key: row.key, ok: reply.ok !== false, outcome }, "slack: ran a command acknowledged before a restart");
    } catch (error) {
      ctx.logger.error({ err: error, key: row.key }, "slack: a command acknowledged before a restart failed");
    }
  }
  return ran;
}

/**
 * On PostgreSQL, several replicas share the notes: one that died and is not restarted would leave
 * its acknowledged commands to the next start of any replica. So each replica also runs, every
 * `everyMs`, the notes older than that (a live replica runs its own within seconds; if it is still
 * at one, the core's claim makes this attempt wait for its reply instead of running it twice).
 */
export function sweepDeferred(ctx: SlackContext, everyMs: number, after: Promise<unknown>): { stop(): Promise<void> } {
  let running: Promise<unknown> = after;
  let stopped = false;
  const timer = setInterval(() => {
    running = running.then(async () => {
      if (stopped) return;
      const ran = await runDeferred(ctx, undefined, { olderThanMs: everyMs }).catch((error) => {
        ctx.logger.error({ err: error }, "slack: running deferred commands of another replica failed");
        return 0;
      });
      if (ran) ctx.logger.warn({ ran }, "slack: ran commands another replica acknowledged and did not run");
    });
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

async function answer(ctx: SlackContext, request: ChatRequest, reply: Reply, where: { responseUrl: string; direct: boolean }): Promise<void> {
  const t = translatorFor(request.locale ? { locale: request.locale } : null);
  const message = await renderFor(ctx, request.organizationId, reply, { t });
  const response = await fetch(where.responseUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ response_type: reply.visibility === "channel" && !where.direct ? "in_channel" : "ephemeral", text: message.text, blocks: message.blocks }),
  });
  if (!response.ok) ctx.logger.warn({ status: response.status }, "slack: response_url refused the late answer");
}
