#!/usr/bin/env node
// Runs dist/cli.js, the JavaScript that `npm install` builds (scripts/build.mjs), when it is there
// and newer than every file in src/; otherwise (a fresh edit, a checkout without the build, or
// KAM_TSX=1) the TypeScript sources through tsx, as development and the tests do.
import { existsSync, readdirSync, statSync } from "node:fs";
import module from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const built = join(root, "dist", "cli.js");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsCurrent() {
  if (process.env.KAM_TSX === "1" || !existsSync(built)) return false;
  return statSync(built).mtimeMs >= newestSource(join(root, "src"));
}

// Node 22.1+ keeps compiled JavaScript on disk between runs (a no-op where it is missing, Node 20).
module.enableCompileCache?.();

if (buildIsCurrent()) {
  await import("../dist/cli.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli.ts");
}
