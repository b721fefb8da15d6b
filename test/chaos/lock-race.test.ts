import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/processes.ts";

/**
 * Several processes find the same stale lock at the same instant (a crashed kam, a supervisor
 * restarting more than one): exactly one may get the data directory, every time.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

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
});
