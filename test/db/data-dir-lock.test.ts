import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bootId, DataDirLockedError, lockDataDir, processStartTime } from "../../src/db/data-dir-lock.ts";

const dirs: string[] = [];
const children: ChildProcess[] = [];
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "kam-lock-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  children.forEach((c) => c.kill("SIGKILL"));
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A live process that is not kam. */
async function sleeper(): Promise<number> {
  const child = spawn("sleep", ["60"], { stdio: "ignore" });
  children.push(child);
  await new Promise((r) => child.once("spawn", r));
  return child.pid!;
}

const lockOf = (dir: string) => JSON.parse(readFileSync(join(dir, "kam.lock"), "utf8")) as { pid: number; startTime: string | null; socket: string | null };

describe("the data directory lock", () => {
  it("records pid, boot id, start time and a socket, and refuses a second lock while held", async () => {
    const dir = tempDir();
    const release = await lockDataDir(dir);
    const lock = lockOf(dir);
    expect(lock).toMatchObject({ pid: process.pid, bootId: bootId(), startTime: processStartTime(process.pid) });
    expect(lock.socket).toMatch(/^kam-[0-9a-f]+\.sock$/);
    await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirLockedError);
    release();
    expect(readdirSync(dir)).toEqual([]);
    (await lockDataDir(dir))();
  });

  it("takes over a lock naming a live process that is not its owner (pid reused: another start time)", async () => {
    const dir = tempDir();
    const pid = await sleeper();
    writeFileSync(join(dir, "kam.lock"), JSON.stringify({ pid, bootId: bootId(), startTime: "1", nonce: "old", socket: null }));
    const release = await lockDataDir(dir);
    expect(lockOf(dir).pid).toBe(process.pid);
    release();
  });

  it("takes over a lock from another boot, one naming this very pid, a dead socket, and an unreadable one", async () => {
    const pid = await sleeper();
    const stale = [
      { pid, bootId: "00000000-0000-0000-0000-000000000000", startTime: processStartTime(pid), nonce: "a", socket: null },
      // kam restarted as PID 1 in a container finds its own pid in the lock.
      { pid: process.pid, bootId: bootId(), startTime: "1", nonce: "b", socket: null },
      // The owner's socket is gone (the kernel closed it when the owner died), whatever its pid does now.
      { pid, bootId: bootId(), startTime: processStartTime(pid), nonce: "c", socket: "kam-dead.sock" },
    ];
    for (const content of [...stale.map((s) => JSON.stringify(s)), "", "{not json"]) {
      const dir = tempDir();
      writeFileSync(join(dir, "kam.lock"), content);
      const release = await lockDataDir(dir);
      expect(lockOf(dir).pid).toBe(process.pid);
      release();
      expect(existsSync(join(dir, "kam.lock"))).toBe(false);
    }
  });

  it("refuses a lock whose owner still runs as recorded (no socket: pid, boot and start time agree)", async () => {
    const dir = tempDir();
    const pid = await sleeper();
    writeFileSync(join(dir, "kam.lock"), JSON.stringify({ pid, bootId: bootId(), startTime: processStartTime(pid), nonce: "live", socket: null }));
    await expect(lockDataDir(dir)).rejects.toThrow(new RegExp(`in use by another kam process \\(pid ${pid}\\)`));
    expect(lockOf(dir).pid).toBe(pid);
  });
});
