import { createHash, randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { join, relative } from "node:path";

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The data directory ${dir} is in use by another kam process (pid ${pid}). ` +
        `Stop that process, or use a PostgreSQL server (DATABASE_URL) to run several processes.`,
    );
  }
}

/** What kam.lock holds: the owner's pid, and what tells that process apart from a later one with the same pid. */
export interface LockOwner {
  pid: number;
  /** /proc/sys/kernel/random/boot_id: pids and start times only mean something within one boot. */
  bootId: string | null;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot): differs for every process that ever had the pid. */
  startTime: string | null;
  /** Tells this lock apart from any other one (also one of this same process on another directory). */
  nonce: string;
  /**
   * The Unix socket (in the data directory) the owner listens on while it runs. The kernel closes it
   * when the owner dies, however it dies, so a refused connection means a dead owner. Unlike a pid it
   * works across pid namespaces: two containers sharing a volume both run as PID 1.
   */
  socket: string | null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

export function bootId(): string | null {
  return readText("/proc/sys/kernel/random/boot_id")?.trim() || null;
}

/** The start time of a process, or null where /proc does not tell (not Linux, or no such process). */
export function processStartTime(pid: number): string | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return null;
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count from the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[19] ?? null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function parse(text: string): LockOwner | null {
  try {
    const value = JSON.parse(text) as Partial<LockOwner> | number;
    // Locks written by kam before 0.2 held the bare pid.
    if (typeof value === "number") return Number.isInteger(value) ? { pid: value, bootId: null, startTime: null, nonce: "", socket: null } : null;
    if (!value || typeof value !== "object" || !Number.isInteger(value.pid)) return null;
    return { pid: value.pid!, bootId: value.bootId ?? null, startTime: value.startTime ?? null, nonce: value.nonce ?? "", socket: value.socket ?? null };
  } catch {
    return null;
  }
}

/** Nonces of the locks this process holds. */
const held = new Set<string>();
/** Nonces of this process's lock attempts that are taking a stale lock over right now. */
const takingOver = new Set<string>();

/**
 * Whether the process a lock names still runs. A pid alone cannot say: in a container kam is
 * PID 1 at every start, and after a restart the pid may belong to any other process. So the
 * boot id and the process's start time are recorded beside it; a different boot, or a process
 * with that pid that started at another time, is not the owner.
 */
export async function ownerAlive(dir: string, owner: LockOwner): Promise<boolean> {
  if (owner.nonce && held.has(owner.nonce)) return true;
  if (owner.socket) {
    const answer = await listening(join(dir, owner.socket));
    if (answer !== "unknown") return answer === "yes";
  }
  if (owner.pid === process.pid) return false;
  if (!alive(owner.pid)) return false;
  const boot = bootId();
  if (owner.bootId && boot && owner.bootId !== boot) return false;
  const started = processStartTime(owner.pid);
  if (owner.startTime && started && owner.startTime !== started) return false;
  return true;
}

/**
 * PGlite takes no lock of its own and one directory must only ever be opened by one process.
 * kam.lock is the lock: written whole to a private file first and then linked into place, which
 * fails atomically when the lock exists (so nobody ever reads a half-written lock). A lock left by a
 * dead process (SIGKILL, crash, a container restarted) is taken over at once, with no staleness
 * timeout to wait for (which is why this is not proper-lockfile's mtime scheme).
 */
export async function lockDataDir(dir: string): Promise<() => void> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "kam.lock");
  const nonce = randomBytes(6).toString("hex");
  // Listening before the lock is in place: nobody ever sees the lock without its socket.
  const beacon = await listen(join(dir, `kam-${nonce}.sock`));
  const me: LockOwner = { pid: process.pid, bootId: bootId(), startTime: processStartTime(process.pid), nonce, socket: beacon ? `kam-${nonce}.sock` : null };
  const mine = `${file}.${me.nonce}`;
  writeFileSync(mine, JSON.stringify(me));
  let locked = false;
  takingOver.add(me.nonce);
  try {
    // Waits for another process's takeover in progress do not count as attempts, but are bounded.
    for (let attempt = 0, waits = 0; attempt < 5 && waits < 400; ) {
      let taken = false;
      try {
        place(mine, file, me);
        taken = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      if (!taken) {
        const text = readText(file);
        if (text === null) {
          attempt++;
          continue;
        }
        const owner = parse(text);
        // An unreadable lock cannot be from a running kam (locks are linked in whole): stale.
        if (owner && (await ownerAlive(dir, owner))) throw new DataDirLockedError(dir, owner.pid);
        const outcome = await takeOver(dir, file, mine, me, text);
        if (outcome === "busy") {
          waits++;
          await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
          continue;
        }
        if (outcome === "lost") {
          attempt++;
          continue;
        }
        if (owner?.socket && owner.socket !== me.socket) rmSync(join(dir, owner.socket), { force: true });
      }
      held.add(me.nonce);
      locked = true;
      sweepMarkers(dir);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        held.delete(me.nonce);
        // Only our own lock: never remove one a successor wrote after taking ours over.
        if (parse(readText(file) ?? "")?.nonce === me.nonce) rmSync(file, { force: true });
        beacon?.close();
        if (me.socket) rmSync(join(dir, me.socket), { force: true });
      };
    }
    throw new Error(`Could not lock the data directory ${dir}`);
  } finally {
    takingOver.delete(me.nonce);
    rmSync(mine, { force: true });
    if (!locked) {
      beacon?.close();
      if (me.socket) rmSync(join(dir, me.socket), { force: true });
    }
  }
}

/** Socket paths are limited to ~107 bytes: a long data directory is named relative to the working directory. */
function socketPath(path: string): string {
  const short = relative(process.cwd(), path);
  return short.length < path.length ? short : path;
}

/** Listens on a Unix socket, or null where that is not possible (Windows, a file system without sockets, a too long path). */
async function listen(path: string): Promise<Server | null> {
  if (process.platform === "win32") return null;
  const server = createServer((socket) => socket.destroy());
  const ok = await new Promise<boolean>((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(socketPath(path), () => resolve(true));
  });
  if (!ok) return null;
  server.unref();
  return server;
}

/** Whether something listens on the socket: "unknown" when the socket cannot be tried here. */
function listening(path: string): Promise<"yes" | "no" | "unknown"> {
  if (process.platform === "win32") return Promise.resolve("unknown");
  return new Promise((resolve) => {
    const socket = createConnection(socketPath(path));
    const timer = setTimeout(() => (socket.destroy(), resolve("yes")), 2000);
    socket.once("connect", () => (clearTimeout(timer), socket.destroy(), resolve("yes")));
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code === "ECONNREFUSED" || error.code === "ENOENT" ? "no" : "unknown");
    });
  });
}

/** Links the written lock into place; where the file system has no hard links, creates it exclusively. */
function place(mine: string, file: string, me: LockOwner): void {
  try {
    linkSync(mine, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw error;
    writeFileSync(file, JSON.stringify(me), { flag: "wx" });
  }
}

const MARKER = "kam.lock.takeover-";

/**
 * Takes over a stale lock (whose whole text was staleText) by renaming our own written lock over
 * it: rename replaces kam.lock atomically, so there is never a moment without a lock file for a
 * third process to fill, and no lock is ever removed by name.
 *
 * Checking that kam.lock still holds the stale lock and renaming over it are two steps, so only one
 * process may take them per stale lock: the one that creates a marker for it,
 * kam.lock.takeover-<hash of the stale text>-<generation>, exclusively (link or "wx", so only one
 * process creates each name). The marker holds its creator's lock record (pid, start time, socket),
 * so others can tell whether the creator still runs. While it does, they wait ("busy"). A creator
 * that died mid-takeover can do nothing more, so the next process claims the next generation;
 * a creator of generation g goes on only when the creators of all lower generations are dead,
 * hence at most one live process ever goes on per stale lock. Once the stale lock is replaced its
 * text never comes back (every lock has its own nonce), so its markers are of no more use:
 * whoever gets the lock sweeps them away.
 */
async function takeOver(dir: string, file: string, mine: string, me: LockOwner, staleText: string): Promise<"taken" | "lost" | "busy"> {
  const prefix = join(dir, `${MARKER}${createHash("sha256").update(staleText).digest("hex").slice(0, 16)}-`);
  for (let generation = 0; generation < 1000; generation++) {
    const marker = `${prefix}${generation}`;
    try {
      place(mine, marker, me);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (await markerCreatorAlive(dir, marker)) return "busy";
      continue;
    }
    try {
      // Nobody else goes on for this stale lock now: if kam.lock still holds it, replace it.
      if (readText(file) !== staleText) return "lost";
      renameSync(mine, file);
      return "taken";
    } finally {
      // Our own marker only (a sweeper may have removed it, and another process made one by that name since).
      if (parse(readText(marker) ?? "")?.nonce === me.nonce) rmSync(marker, { force: true });
    }
  }
  return "lost";
}

/** Whether the process that created a takeover marker still runs (a marker vanished meanwhile counts as busy: look again). */
async function markerCreatorAlive(dir: string, marker: string): Promise<boolean> {
  const text = readText(marker);
  if (text === null) return true;
  const creator = parse(text);
  if (!creator) {
    // Only where "wx" stands in for a link can a marker be seen half-written: give its creator a moment.
    try {
      return Date.now() - statSync(marker).mtimeMs < 5000;
    } catch {
      return true;
    }
  }
  if (takingOver.has(creator.nonce)) return true;
  return ownerAlive(dir, creator);
}

/** Removes the takeover markers: called by the lock's holder, for whom they all name stale locks that were replaced. */
function sweepMarkers(dir: string): void {
  try {
    for (const name of readdirSync(dir)) if (name.startsWith(MARKER)) rmSync(join(dir, name), { force: true });
  } catch {
    // Leftover markers do no harm.
  }
}
