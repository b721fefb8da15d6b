import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { KAM_BIN, runKam, startChild } from "../support/processes.ts";

const dirs: string[] = [];
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "kam-data-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("the embedded database (PGlite data directory)", () => {
  it("refuses a second process with a clear error, and the data stays intact", async () => {
    const dir = tempDir();
    const server = startChild([KAM_BIN, "serve"], { DATA_DIR: dir, PORT: "0", KAM_SCHEDULER: "off" });
    try {
      const [, url] = await server.waitFor(/"url":"(http:[^"]+)"/);
      const second = await runKam(["migrate"], { DATA_DIR: dir });
      expect(second.code).toBe(1);
      expect(second.output).toMatch(/data directory .* is in use by another kam process \(pid \d+\)/);
      const health = await fetch(`${url}/healthz`).then((r) => r.json() as Promise<{ database: { status: string } }>);
      expect(health.database.status).toBe("ok");
    } finally {
      server.process.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    }
    const db = await openDatabase({ kind: "pglite", dataDir: dir });
    const report = await db.migrate();
    expect(report.applied).toEqual([]);
    expect(report.alreadyApplied).toBeGreaterThan(0);
    await db.close();
  });

  it("keeps a confirmed order when the process is killed with SIGKILL right after", async () => {
    const dir = tempDir();
    const child = startChild(["--import", "tsx", "test/support/processes/log-order-then-wait.ts", dir]);
    const [, orderId] = await child.waitFor(/confirmed (\S+)/, 60_000);
    child.process.kill("SIGKILL");
    await child.exited;
    // The dead process's lock is taken over at once.
    const db = await openDatabase({ kind: "pglite", dataDir: dir });
    try {
      const order = await db.prisma.order.findUnique({ where: { id: orderId! }, include: { lines: true } });
      expect(order?.status).toBe("CONFIRMED");
      expect(Number(order?.lines[0]?.quantity)).toBe(7);
    } finally {
      await db.close();
    }
  });
});
