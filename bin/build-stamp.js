// Whether dist/ (scripts/build.mjs) was built from the sources in src/ as they are now. The build
// writes dist/build-stamp.json: every source file's size, modification time and SHA-256. A file
// whose size and time match is taken as unchanged (one stat per file, a few milliseconds for
// src/); one whose time moved is hashed and compared, so a rewrite with the same content (`prisma
// generate` rewrites src/generated on every install) keeps the build, while an edit, a new file or
// a deleted one makes it stale.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const STAMP = join(ROOT, "dist", "build-stamp.json");
const SRC = join(ROOT, "src");

function sourceFiles(dir = SRC, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else out.push(path);
  }
  return out;
}

const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** { "src/…": [size, mtimeMs, sha256] } for every file in src/. */
export function stampSources() {
  const files = {};
  for (const path of sourceFiles()) {
    const { size, mtimeMs } = statSync(path);
    files[relative(ROOT, path).split("\\").join("/")] = [size, mtimeMs, sha256(path)];
  }
  return { files };
}

/** null when dist/ is current, else why not (for `bench:*` and KAM_WHY). */
export function staleBuild() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, "utf8"));
  } catch {
    return "no dist/build-stamp.json (not built: npm run build)";
  }
  const recorded = stamp.files ?? {};
  let seen = 0;
  for (const path of sourceFiles()) {
    const name = relative(ROOT, path).split("\\").join("/");
    const known = recorded[name];
    if (!known) return `${name} is new since the build`;
    seen++;
    const { size, mtimeMs } = statSync(path);
    if (size !== known[0]) return `${name} changed since the build`;
    if (mtimeMs !== known[1] && sha256(path) !== known[2]) return `${name} changed since the build`;
  }
  if (seen !== Object.keys(recorded).length) return "a source file was removed since the build";
  return null;
}
