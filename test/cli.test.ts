import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KAM_BIN, ROOT, runKam, startChild } from "./support/processes.ts";

const dirs: string[] = [];
const started: number[] = [];
function dataDir() {
  const dir = mkdtempSync(join(tmpdir(), "kam-cli-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  // Whatever a failed run left behind (only processes this file started).
  for (const pid of started) if (alive(pid)) process.kill(pid, "SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | null> | T | null, timeoutMs: number, everyMs = 50): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const healthz = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
  } catch {
    return null;
  }
};

const serveEnv = (dir: string, port: number) => ({ DATA_DIR: dir, PORT: String(port), KAM_SCHEDULER: "on", LOG_LEVEL: "info", NODE_ENV: "test" });

describe("the kam command", () => {
  it("refuses an unknown command, names it and lists the commands, with a non-zero exit", async () => {
    const { code, output } = await runKam(["teleport", "x"], { DATA_DIR: dataDir() });
    expect(code).toBe(2);
    expect(output).toMatch(/unknown command "teleport"/);
    expect(output).toMatch(/serve, migrate, seed, chat, manifest, jobs/);
    expect(output).not.toMatch(/too many arguments|serve'/);
  });

  it("prints its version with --version and -V, exit 0", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const { code, output } = await runKam([flag], { DATA_DIR: dataDir() });
      expect({ code, output: output.trim() }).toEqual({ code: 0, output: version });
    }
  });

  it("stops kam cleanly when the process manager sends SIGTERM to `npm start`: no kam left, data directory unlocked", async () => {
    const dir = dataDir();
    const port = await freePort();
    const npm = spawn("npm", ["start", "--silent"], { cwd: ROOT, env: { ...process.env, ...serveEnv(dir, port) }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    npm.stdout.on("data", (c: Buffer) => (output += c.toString()));
    npm.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const npmExited = new Promise<void>((resolve) => npm.on("exit", () => resolve()));
    await until("/healthz", () => healthz(port), 60_000);
    const lock = join(dir, "kam.lock");
    const kamPid = (JSON.parse(readFileSync(lock, "utf8")) as { pid: number }).pid;
    started.push(kamPid);
    expect(kamPid).not.toBe(npm.pid);
    expect(alive(kamPid)).toBe(true);

    npm.kill("SIGTERM");
    await npmExited;
    await until("kam to exit", () => (alive(kamPid) ? null : true), 15_000).catch((error: Error) => {
      throw new Error(`${error.message}; output:\n${output}`);
    });
    expect(existsSync(lock)).toBe(false);
    expect(output).toMatch(/shutting down/);
    // The next start finds the directory free.
    const again = await runKam(["migrate"], { DATA_DIR: dir });
    expect(again).toMatchObject({ code: 0, output: expect.stringMatching(/up to date/) });
  }, 120_000);

  it("has its signal handlers in place once /healthz answers: a SIGTERM at that moment stops it cleanly", async () => {
    const dir = dataDir();
    // With an organization to catch up on, the scheduler takes a while to start after the server listens.
    expect((await runKam(["seed", "--demo"], { DATA_DIR: dir })).code).toBe(0);
    const port = await freePort();
    const kam = startChild([KAM_BIN, "serve"], serveEnv(dir, port));
    started.push(kam.process.pid!);
    // As fast as a process manager's readiness probe can: the first answer is the moment.
    await until("/healthz", () => healthz(port), 60_000, 1);
    kam.process.kill("SIGTERM");
    const code = await kam.exited;
    expect({ code, output: kam.output() }).toMatchObject({ code: 0, output: expect.stringMatching(/shutting down/) });
    expect(existsSync(join(dir, "kam.lock"))).toBe(false);
  }, 120_000);
  it("answers a Teams request sent the moment /healthz first answers with Teams' own answer, not a 404", async () => {
    const dir = dataDir();
    const port = await freePort();
    const kam = startChild([KAM_BIN, "serve"], { ...serveEnv(dir, port), KAM_TEAMS: "on" });
    started.push(kam.process.pid!);
    await until("/healthz", () => healthz(port), 60_000, 1);
    const [health, teams] = await Promise.all([
      fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json() as Promise<{ database: { status: string }; teams: { status: string; detail?: string } }>),
      // Not an activity: Teams' route refuses it with 400; an unmounted route would give 404.
      fetch(`http://127.0.0.1:${port}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
    ]);
    expect(health.database.status).toBe("ok");
    // Still loading ("starting") or mounted (unauthenticated here): never down.
    expect(["starting", "unauthenticated"]).toContain(health.teams.detail);
    expect(teams.status).toBe(400);
    kam.process.kill("SIGTERM");
    expect(await kam.exited).toBe(0);
  }, 120_000);
});
