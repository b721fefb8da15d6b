import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newTenant, newUser, personalMessage, type Where } from "./adapters/teams/activities.ts";
import { startFakeConnector, type FakeConnector } from "./support/fake-connector.ts";
import { KAM_BIN, ROOT, runKam, startChild } from "./support/processes.ts";

/**
 * kam as a process: which platform SDKs each command loads (recorded by an ES module loader hook
 * that logs every resolved module), and the order of a graceful stop on SIGTERM.
 */
const RECORD = join(ROOT, "test/support/imports/record.mjs");
const PLATFORM_SDKS = /\/node_modules\/(@slack\/bolt|botbuilder)\//;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kam-process-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function loadedSdks(log: string): string[] {
  const urls = readFileSync(log, "utf8").split("\n").filter(Boolean);
  expect(urls.length).toBeGreaterThan(10); // the hook did record the process's modules
  return [...new Set(urls.filter((u) => PLATFORM_SDKS.test(u)).map((u) => PLATFORM_SDKS.exec(u)![1]!))].sort();
}

describe("platform SDKs load only where needed", () => {
  it("kam migrate, kam chat -c and kam jobs list load neither Bolt nor botbuilder", async () => {
    const env = { DATA_DIR: join(dir, "cli") };
    for (const [i, args] of [["migrate"], ["chat", "-c", "help"], ["jobs", "list"]].entries()) {
      const log = join(dir, `imports-${i}.txt`);
      const child = startChild(["--import", RECORD, KAM_BIN, ...args], { ...env, KAM_IMPORT_LOG: log });
      expect(await child.exited, child.output()).toBe(0);
      expect(loadedSdks(log), args.join(" ")).toEqual([]);
    }
  }, 300_000);

  for (const [label, env, expected] of [
    ["neither platform configured (KAM_TEAMS=off, no Slack token)", { KAM_TEAMS: "off" }, []],
    ["Teams on, Slack not configured", { KAM_TEAMS: "on" }, ["botbuilder"]],
  ] as const) {
    it(`kam serve with ${label} loads ${expected.join(", ") || "no platform SDK"}`, async () => {
      const log = join(dir, `serve-${expected.length}.txt`);
      const kam = startChild(["--import", RECORD, KAM_BIN, "serve"], { DATA_DIR: join(dir, `serve-${expected.length}`), PORT: "0", KAM_SCHEDULER: "off", KAM_IMPORT_LOG: log, ...env });
      try {
        await kam.waitFor(/kam is listening/, 120_000);
      } finally {
        kam.process.kill("SIGTERM");
      }
      expect(await kam.exited).toBe(0);
      expect(loadedSdks(log)).toEqual(expected);
    }, 180_000);
  }
});

describe("graceful stop on SIGTERM", () => {
  let connector: FakeConnector;
  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => connector?.close());

  it("answers the request in flight, then stops cron and the dispatcher, closes the database and exits 0", async () => {
    const dataDir = join(dir, "stop");
    const kam = startChild([KAM_BIN, "serve"], { DATA_DIR: dataDir, PORT: "0", KAM_SCHEDULER: "on" });
    const [, url] = await kam.waitFor(/"url":"(http:\/\/[^"]+)"/, 120_000);
    await kam.waitFor(/scheduler started/, 60_000);
    const w: Where = { serviceUrl: connector.url, tenantId: newTenant(), user: newUser() };
    const post = (text: string) => fetch(`${url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(personalMessage(w, text)) });
    expect((await post("help")).status).toBe(200); // the tenant and member exist: the next turn is one reply

    // The connector takes 1.5 s to take the reply: the request is still being answered at SIGTERM.
    connector.delayMs = 1_500;
    const before = connector.activities().length;
    const inFlight = post("help");
    await new Promise((r) => setTimeout(r, 500));
    kam.process.kill("SIGTERM");
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(connector.activities().length).toBe(before + 1);
    expect(await kam.exited).toBe(0);

    const out = kam.output();
    const order = ["shutting down", "stop: HTTP server closed", "stop: cron and dispatcher stopped", "stop: database closed"].map((m) => out.indexOf(m));
    expect(order.every((i) => i >= 0), out).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The data directory is unlocked: another kam opens it at once.
    expect((await runKam(["migrate"], { DATA_DIR: dataDir })).code).toBe(0);
  }, 240_000);
});
