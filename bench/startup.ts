// Start-up time of `kam serve` to a healthy /healthz on PGlite (cold: empty data directory, so
// migrations run; warm: the same directory again), and resident memory at idle; beside it, in the
// same run, a bare Node process that opens the same PGlite directory, runs one query and listens
// with a bare Express app (the floor), and `kam serve` on PostgreSQL (TEST_DATABASE_URL or
// BENCH_DATABASE_URL; skipped, with the reason, without a server).
// npm run bench:startup        (RUNS=3 by default)
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { staleBuild } from "../bin/build-stamp.js";
import { benchPostgres } from "./support.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin/kam.js");
// kam serve is started as `npm start` starts it, with the same Node options (README, "Footprint").
const START = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.start as string;
const NODE_FLAGS = /\bnode((?: --[\w-]+(?:=\S+)?)*) bin\/kam\.js/.exec(START)?.[1]?.trim().split(" ").filter(Boolean) ?? [];
const SERVE = [...NODE_FLAGS, BIN, "serve"];
const PORT = 39000 + Math.floor(Math.random() * 1000);
const IDLE_MS = 3000;
const BARE = `
import { PGlite } from "@electric-sql/pglite";
import express from "express";
const db = new PGlite(process.env.DATA_DIR);
await db.waitReady;
await db.query("SELECT count(*) FROM \\"Organization\\"");
const app = express();
app.get("/healthz", (_req, res) => void res.json({ database: { status: "ok" } }));
app.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", async () => { await db.close(); process.exit(0); });
`;

async function startOnce(args: string[], env: Record<string, string>): Promise<{ ms: number; rssMb: number }> {
  const start = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(PORT), LOG_LEVEL: "warn", KAM_SCHEDULER: "on", ...env },
    stdio: "ignore",
  });
  let ms = 0;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${PORT}/healthz`);
      if (res.ok && ((await res.json()) as { database: { status: string } }).database.status === "ok") {
        ms = performance.now() - start;
        break;
      }
    } catch {
      /* not listening yet */
    }
    if (performance.now() - start > 180_000) {
      child.kill("SIGKILL");
      throw new Error(`${args.join(" ")} did not become healthy within 180 s`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  child.kill("SIGTERM");
  await new Promise((r) => child.on("exit", r));
  return { ms, rssMb: rssKb / 1024 };
}

// bin/kam.js runs the build only when it is current: say which one these figures are of.
const stale = staleBuild();
console.log(stale ? `WARNING: kam runs src/ through tsx, not dist/ (${stale}): npm run build first` : "kam runs dist/cli.js (the build is current)");
const runs = Number(process.env.RUNS ?? 3);
const cold: number[] = [];
const warm: number[] = [];
const rss: number[] = [];
const bareMs: number[] = [];
const bareRss: number[] = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), "kam-bench-"));
  try {
    const c = await startOnce(SERVE, { DATA_DIR: dir });
    const w = await startOnce(SERVE, { DATA_DIR: dir });
    const b = await startOnce(["--input-type=module", "-e", BARE], { DATA_DIR: dir });
    cold.push(c.ms);
    warm.push(w.ms);
    rss.push(w.rssMb);
    bareMs.push(b.ms);
    bareRss.push(b.rssMb);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const pgRss: number[] = [];
const pgMs: number[] = [];
const server = await benchPostgres();
if (server) {
  try {
    for (let i = 0; i < runs; i++) {
      const r = await startOnce(SERVE, { DATABASE_URL: server.url });
      pgRss.push(r.rssMb);
      pgMs.push(r.ms);
    }
  } finally {
    await server.drop();
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const list = (xs: number[], digits = 0) => xs.map((x) => x.toFixed(digits)).join(", ");
console.log(`node ${SERVE.map((a) => a.replace(ROOT, "")).join(" ")} → healthy /healthz, ${runs} runs (median) [each run]:`);
console.log(`  PGlite, cold data directory (migrations applied): ${median(cold).toFixed(0)} ms   [${list(cold)}]`);
console.log(`  PGlite, warm data directory:                      ${median(warm).toFixed(0)} ms   [${list(warm)}]`);
console.log(`  bare PGlite script + bare Express listen (warm):  ${median(bareMs).toFixed(0)} ms   [${list(bareMs)}]`);
console.log(`  ratio warm kam / bare: ${(median(warm) / median(bareMs)).toFixed(2)}x (goal ≤ 1.5x)`);
console.log(`resident memory ${IDLE_MS / 1000} s after healthy (idle):`);
console.log(`  kam serve on PGlite:                ${median(rss).toFixed(1)} MiB   [${list(rss, 1)}]`);
console.log(`  bare PGlite process after one query: ${median(bareRss).toFixed(1)} MiB   [${list(bareRss, 1)}]`);
console.log(`  ratio kam / bare: ${(median(rss) / median(bareRss)).toFixed(2)}x (goal ≤ 1.25x)`);
if (server) {
  console.log(`  kam serve on PostgreSQL:            ${median(pgRss).toFixed(1)} MiB   [${list(pgRss, 1)}] (goal ≤ 150 MiB); healthy after ${median(pgMs).toFixed(0)} ms`);
}
