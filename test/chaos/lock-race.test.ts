import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { bootId, DataDirLockedError, lockDataDir, processStartTime } from "../../src/db/data-dir-lock.ts";
import { ROOT } from "../support/processes.ts";

/**
 * The lock module's file system calls, with a hook run after each one: lets a test play other
 * processes at exact points between them (the interleavings a scheduler only hits now and then).
 */
const hook = vi.hoisted(() => ({ after: null as null | ((call: string, path: string) => void) }));
vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs")>();
  const wrap =
    <F extends (...args: never[]) => unknown>(name: string, f: F) =>
    (...args: Parameters<F>) => {
      try {
        return f(...args);
      } finally {
        hook.after?.(name, String(args[0]));
      }
    };
  const wrapped = {
    ...real,
    readFileSync: wrap("readFileSync", real.readFileSync as never),
    linkSync: wrap("linkSync", real.linkSync),
    renameSync: wrap("renameSync", real.renameSync),
    rmSync: wrap("rmSync", real.rmSync),
    writeFileSync: wrap("writeFileSync", real.writeFileSync),
  };
  return { ...wrapped, default: wrapped };
});

/**
 * Several processes find the same stale lock at the same instant (a crashed kam, a supervisor
 * restarting more than one): exactly one may get the data directory, every time.
 */
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  hook.after = null;
  children.forEach((c) => c.kill("SIGKILL"));
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function attempt(dir: string, at: number): Promise<string> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/processes/lock-at.ts", dir, String(at), "1500"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.on("exit", () => resolve(out.trim())));
}

describe("the data directory lock under contention", () => {
  it("gives a stale lock to exactly one of four processes that take it over at once", async () => {
    const rounds = 12;
    const outcomes: string[][] = [];
    for (let round = 0; round < rounds; round++) {
      const dir = mkdtempSync(join(tmpdir(), "kam-race-"));
      dirs.push(dir);
      // Left by a process that is gone: a pid that cannot exist, a socket nobody listens on.
      writeFileSync(join(dir, "kam.lock"), JSON.stringify({ pid: 2 ** 22 + 1, bootId: null, startTime: null, nonce: "dead", socket: "kam-dead.sock" }));
      const at = Date.now() + 2500;
      outcomes.push((await Promise.all([0, 1, 2, 3].map(() => attempt(dir, at)))).sort());
    }
    const summary = { rounds, oneOwner: outcomes.filter((o) => o.filter((x) => x === "locked").length === 1).length };
    expect(outcomes.flat().filter((x) => x !== "locked" && x !== "refused")).toEqual([]);
    expect(summary).toEqual({ rounds, oneOwner: rounds });
  }, 120_000);

  it("never lets a third process in while one takes over a stale lock that a second process has just replaced", async () => {
    // The real file system, unhooked, for the processes this test plays.
    const fs = await vi.importActual<typeof import("node:fs")>("node:fs");
    const dir = mkdtempSync(join(tmpdir(), "kam-race-"));
    dirs.push(dir);
    const file = join(dir, "kam.lock");
    const stale = JSON.stringify({ pid: 2 ** 22 + 1, bootId: null, startTime: null, nonce: "dead", socket: "kam-dead.sock" });
    writeFileSync(file, stale);
    // Process A (alive: pid, boot and start time agree) and process D, played by this test.
    const sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
    children.push(sleeper);
    await new Promise((r) => sleeper.once("spawn", r));
    const live = (nonce: string) => JSON.stringify({ pid: sleeper.pid, bootId: bootId(), startTime: processStartTime(sleeper.pid!), nonce, socket: null });
    // Written before the hook is set: bootId() and processStartTime() read files through it themselves.
    const [lockA, lockD] = [live("A"), live("D")];
    let aPlaced = false;
    let dPlaced = false;
    hook.after = (call, path) => {
      if (!aPlaced && call === "readFileSync" && path === file) {
        // B has just read the stale lock; A takes it over now (renaming its lock over it).
        aPlaced = true;
        fs.writeFileSync(`${file}.a`, lockA);
        fs.renameSync(`${file}.a`, file);
      } else if (aPlaced && !dPlaced && !fs.existsSync(file)) {
        // Whenever B leaves the directory without kam.lock, D locks it.
        try {
          fs.writeFileSync(file, lockD, { flag: "wx" });
          dPlaced = true;
        } catch {
          // Someone else's lock is there after all.
        }
      }
    };
    try {
      await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirLockedError);
    } finally {
      hook.after = null;
    }
    expect(aPlaced).toBe(true);
    expect({ dPlaced, owner: JSON.parse(fs.readFileSync(file, "utf8")).nonce }).toEqual({ dPlaced: false, owner: "A" });
    expect(fs.readdirSync(dir).sort()).toEqual(["kam.lock"]);
  });
});
