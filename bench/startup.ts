// Start-up time of `kam serve` to a healthy /healthz on PGlite (cold: empty data directory, so
// migrations run; warm: the same directory again), and resident memory at idle.
// npm run bench:startup
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../bin/kam.js", import.meta.url));
const PORT = 39000 + Math.floor(Math.random() * 1000);

async function startOnce(dataDir: string): Promise<{ ms: number; rssMb: number }> {
  const start = performance.now();
  const child = spawn(process.execPath, [BIN, "serve"], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(PORT), LOG_LEVEL: "warn", KAM_SCHEDULER: "on" },
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
    if (performance.now() - start > 60_000) throw new Error("kam did not become healthy within 60 s");
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 3000));
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  child.kill("SIGTERM");
  await new Promise((r) => child.on("exit", r));
  return { ms, rssMb: rssKb / 1024 };
}

const runs = Number(process.env.RUNS ?? 3);
const cold: number[] = [];
const warm: number[] = [];
const rss: number[] = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), "kam-bench-"));
  try {
    const c = await startOnce(dir);
    const w = await startOnce(dir);
    cold.push(c.ms);
    warm.push(w.ms);
    rss.push(w.rssMb);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`kam serve → healthy /healthz on PGlite, ${runs} runs (median):`);
console.log(`  cold data directory (migrations applied): ${median(cold).toFixed(0)} ms   [${cold.map((x) => x.toFixed(0)).join(", ")}]`);
console.log(`  warm data directory:                      ${median(warm).toFixed(0)} ms   [${warm.map((x) => x.toFixed(0)).join(", ")}]`);
console.log(`  resident memory 3 s after healthy (idle): ${median(rss).toFixed(1)} MiB`);
