import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../src", import.meta.url));
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

describe("Slack stays in its adapter", () => {
  it("src/core and src/domain never import @slack/*", () => {
    const offenders = [...files(join(ROOT, "core")), ...files(join(ROOT, "domain"))].filter((f) =>
      /from\s+["']@slack\/|import\(\s*["']@slack\//.test(readFileSync(f, "utf8")),
    );
    expect(offenders).toEqual([]);
  });
});
