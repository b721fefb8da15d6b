import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KAM_BIN, ROOT, type Child } from "../support/processes.ts";

/**
 * kam in a container: PID 1 in its own pid namespace (`unshare --pid --fork --mount-proc`, as
 * root), on the embedded database. Killed with SIGKILL and started again the same way, it finds
 * its own pid (1) in kam.lock; two containers sharing one volume both run as PID 1.
 */
const dirs: string[] = [];
const running: Child[] = [];
afterAll(async () => {
  for (const c of running) {
    for (const pid of kamPids(c)) process.kill(pid, "SIGKILL");
    await c.exited;
  }
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function asPid1(dataDir: string): Child {
  const child = spawn("unshare", ["--pid", "--fork", "--mount-proc", process.execPath, KAM_BIN, "serve"], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: "0", KAM_SCHEDULER: "off", LOG_LEVEL: "info", NODE_ENV: "test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const onData = (chunk: Buffer) => void (text += chunk.toString("utf8"));
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const c: Child = {
    process: child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const m = text.match(pattern);
          if (m) return clearInterval(poll), resolve(m);
          if (child.exitCode !== null || Date.now() - started > timeoutMs) {
            clearInterval(poll);
            reject(new Error(`no ${pattern} (exit ${child.exitCode}); output:\n${text}`));
          }
        }, 50);
      });
    },
  };
  running.push(c);
  return c;
}

/** The host pids of the kam process unshare forked (PID 1 in its namespace). */
function kamPids(c: Child): number[] {
  const pid = c.process.pid!;
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const canUnshare = process.platform === "linux" && process.getuid?.() === 0;

describe.runIf(canUnshare)("the embedded database in a container (kam as PID 1)", () => {
  it("starts again after a SIGKILL, and refuses a second kam (also PID 1) while one runs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kam-pid1-"));
    dirs.push(dir);
    let previous: string | undefined;
    for (let life = 1; life <= 3; life++) {
      const kam = asPid1(dir);
      const [, url] = await kam.waitFor(/"url":"(http:[^"]+)"/);
      const lock = JSON.parse(readFileSync(join(dir, "kam.lock"), "utf8")) as { pid: number; startTime?: string } | number;
      expect(typeof lock === "number" ? lock : lock.pid).toBe(1);
      if (typeof lock === "object") {
        expect(lock.startTime).not.toBe(previous);
        previous = lock.startTime;
      }
      const health = (await (await fetch(`${url}/healthz`)).json()) as { database: { status: string } };
      expect(health.database.status).toBe("ok");

      // Another container on the same volume: PID 1 too, so its own pid is in the lock.
      const intruder = asPid1(dir);
      const outcome = await Promise.race([intruder.exited, intruder.waitFor(/"url":"(http:[^"]+)"/).then(() => "started", () => "failed")]);
      if (outcome === "started") for (const p of kamPids(intruder)) process.kill(p, "SIGKILL");
      expect(outcome).toBe(1);
      expect(intruder.output()).toMatch(/data directory .* is in use by another kam process \(pid 1\)/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      const [pid] = kamPids(kam);
      process.kill(pid!, "SIGKILL");
      await kam.exited;
    }
  }, 120_000);
});
