import { closeSync, ftruncateSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import type { ChatRequest } from "../../core/request.ts";

/**
 * The notes of deferred Slack commands on the embedded database (PGlite), kept in an append-only
 * file in the data directory instead of the DeferredCommand table. PGlite has one connection: a
 * note inserted before the 200 waited behind the transaction of the command running, and the
 * acknowledgements of a burst with it (bench/slack-ack.ts). A line appended here needs no database.
 *
 * Durability: a note is acknowledged once its line is written to the file (write(2), no fsync).
 * It survives the death of the process, as a PGlite commit does; neither survives the loss of
 * the machine's page cache (power loss, kernel crash), because PGlite itself runs PostgreSQL with
 * fsync off (`-F`). The data-dir lock (src/db/data-dir-lock.ts) keeps one process per file.
 *
 * One JSON object per line: `{"note":{…}}` when a command is acknowledged before it ran, and
 * `{"done":[keys]}` once it has been answered. A process killed mid-write leaves a torn last line,
 * which is ignored (its note was never acknowledged: the 200 waits for the write).
 */
export interface JournalNote {
  key: string;
  request: ChatRequest;
  responseUrl: string | null;
  direct: boolean;
  /** ISO time the note was written (the response_url is answered only within its 30 minutes). */
  createdAt: string;
}

type Line = { note: JournalNote } | { done: string[] };

/** The journal's file name in the data directory. */
export const JOURNAL_FILE = "slack-deferred.jsonl";

/** Once nothing is pending, a journal larger than this is emptied. */
const COMPACT_BYTES = 1 << 20;

export class DeferredJournal {
  /** Notes written and not yet marked done, by key. */
  private open: Map<string, JournalNote>;
  private fd: number | null;

  private constructor(
    fd: number,
    readonly path: string,
    /** Notes a previous process left pending, oldest first (pending here too until marked done). */
    readonly leftOver: JournalNote[],
    private size: number,
    private compactBytes: number,
  ) {
    this.fd = fd;
    this.open = new Map(leftOver.map((note) => [note.key, note]));
  }

  /**
   * Opens (creating) the journal and reads what a previous process left pending in it. The file
   * starts over with only those notes (written aside, then renamed over it: a crash meanwhile
   * leaves the old file), which also drops a torn last line before anything is appended to it.
   */
  static open(path: string, options: { compactBytes?: number } = {}): DeferredJournal {
    let text = "";
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const leftOver = pendingIn(text);
    const kept = Buffer.from(leftOver.map((note) => JSON.stringify({ note } satisfies Line) + "\n").join(""));
    if (text) {
      writeFileSync(`${path}.tmp`, kept);
      renameSync(`${path}.tmp`, path);
    }
    return new DeferredJournal(openSync(path, "a"), path, leftOver, kept.length, options.compactBytes ?? COMPACT_BYTES);
  }

  /**
   * Appends notes with one write. The write is synchronous, a few microseconds into the page
   * cache: a write through libuv's thread pool would finish only on a later turn of the event loop,
   * which a PGlite command holds for its whole transaction, and behind whatever else the pool does.
   */
  append(notes: JournalNote[]): void {
    if (!notes.length) return;
    for (const note of notes) this.open.set(note.key, note);
    this.write(notes.map((note) => ({ note })));
  }

  /**
   * Marks notes done (answered, or known to have run). Once nothing is pending and the file has
   * grown past its limit, it is emptied.
   */
  done(keys: string[]): void {
    const known = keys.filter((key) => this.open.delete(key));
    if (!known.length) return;
    this.write([{ done: known }]);
    if (this.open.size === 0 && this.size >= this.compactBytes) {
      ftruncateSync(this.descriptor(), 0);
      this.size = 0;
    }
  }

  /** Notes pending: written and not marked done. */
  get pending(): number {
    return this.open.size;
  }

  /** Bytes in the file. */
  get bytes(): number {
    return this.size;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private descriptor(): number {
    if (this.fd === null) throw new Error(`the journal ${this.path} is closed`);
    return this.fd;
  }

  private write(lines: Line[]): void {
    const data = Buffer.from(lines.map((line) => JSON.stringify(line) + "\n").join(""));
    // The file is open for appending: every write lands at its end, after a truncation too.
    let offset = 0;
    while (offset < data.length) offset += writeSync(this.descriptor(), data, offset);
    this.size += data.length;
  }
}

/** The notes of a journal's text that were not marked done, in order; a torn or foreign line is skipped. */
export function pendingIn(text: string): JournalNote[] {
  const notes = new Map<string, JournalNote>();
  for (const raw of text.split("\n")) {
    if (!raw) continue;
    let line: Partial<{ note: JournalNote; done: string[] }>;
    try {
      line = JSON.parse(raw) as typeof line;
    } catch {
      continue;
    }
    if (line.note && typeof line.note.key === "string") notes.set(line.note.key, line.note);
    else if (Array.isArray(line.done)) for (const key of line.done) notes.delete(key);
  }
  return [...notes.values()];
}
