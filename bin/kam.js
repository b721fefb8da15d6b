#!/usr/bin/env node
// Runs dist/cli.js, the JavaScript that `npm install` builds (scripts/build.mjs), when it was built
// from the sources as they are (bin/build-stamp.js); otherwise (a fresh edit, a checkout without
// the build, or KAM_TSX=1) the TypeScript sources through tsx, as development and the tests do.
// KAM_WHY=1 says on stderr which of the two runs, and why.
import module from "node:module";
import { staleBuild } from "./build-stamp.js";

const stale = process.env.KAM_TSX === "1" ? "KAM_TSX=1" : staleBuild();
if (process.env.KAM_WHY === "1") process.stderr.write(stale ? `kam: running src/ through tsx: ${stale}\n` : "kam: running dist/cli.js\n");

// Node 22.1+ keeps compiled JavaScript on disk between runs (a no-op where it is missing, Node 20).
module.enableCompileCache?.();

if (!stale) {
  await import("../dist/cli.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli.ts");
}
