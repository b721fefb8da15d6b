// `kam chat -c "help"` against a bare Node script that opens the same PGlite data directory and
// runs one query: the floor a CLI on the embedded database cannot go below. Both run alternately
// in the same run, on the same (warm, migrated) directory; the ratio is printed.
// npm run bench:cli            (RUNS=7 by default)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { staleBuild } from "../bin/build-stamp.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin/kam.js");
const BARE = `
import { PGlite } from "@electric-sql/pglite";
const db = new PGlite(process.env.DATA_DIR);
await db.waitReady;
await db.query("SELECT count(*) FROM \\"Organization\\"");
await db.close();
`;

function run(args: string[], env: Record<string, string>): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: "warn", ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) =>
    child.on("exit", (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${args.join(" ")} exited ${code}: ${err}`)))),
  );
}

// bin/kam.js runs the build only when it is current: say which one these figures are of.
const stale = staleBuild();
console.log(stale ? `WARNING: kam runs src/ through tsx, not dist/ (${stale}): npm run build first` : "kam runs dist/cli.js (the build is current)");
const runs = Number(process.env.RUNS ?? 7);
const dir = mkdtempSync(join(tmpdir(), "kam-bench-cli-"));
const env = { DATA_DIR: dir };
const bare: number[] = [];
const kam: number[] = [];
try {
  await run([BIN, "migrate"], env); // the directory is created and migrated: every run below is warm
  await run([BIN, "chat", "-c", "help"], env);
  for (let i = 0; i < runs; i++) {
    bare.push(await run(["--input-type=module", "-e", BARE], env));
    kam.push(await run([BIN, "chat", "-c", "help"], env));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
console.log(`kam chat -c "help" vs a bare PGlite script (same warm data directory), ${runs} runs each, alternating (median):`);
console.log(`  bare PGlite script (open + one query): ${median(bare).toFixed(0)} ms   [${list(bare)}]`);
console.log(`  kam chat -c "help":                    ${median(kam).toFixed(0)} ms   [${list(kam)}]`);
console.log(`  ratio kam / bare: ${(median(kam) / median(bare)).toFixed(2)}x (goal ≤ 1.5x)`);
