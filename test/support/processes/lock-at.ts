import { DataDirLockedError, lockDataDir } from "../../../src/db/data-dir-lock.ts";

/** Takes the data directory lock at a given instant (so that several processes try at once), holds it, prints the outcome. */
const [dir, at, holdMs] = process.argv.slice(2);
while (Date.now() < Number(at)) {
  // Busy-wait: a timer would blur the instant by milliseconds.
}
try {
  const release = await lockDataDir(dir!);
  console.log("locked");
  await new Promise((r) => setTimeout(r, Number(holdMs ?? 1500)));
  release();
  process.exit(0);
} catch (error) {
  console.log(error instanceof DataDirLockedError ? "refused" : `error ${(error as Error).message}`);
  process.exit(error instanceof DataDirLockedError ? 3 : 1);
}
