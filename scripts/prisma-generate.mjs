// Generates the Prisma client without Prisma's native schema engine.
// The CLI only needs *a* file at PRISMA_SCHEMA_ENGINE_BINARY to skip downloading the engine;
// generation itself runs in WebAssembly. See DESIGN.md, "Persistence".
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? self,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
const result = spawnSync("npx", ["--no-install", "prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
