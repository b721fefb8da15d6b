import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function imports(path: string): string[] {
  const source = readFileSync(path, "utf8");
  return [...source.matchAll(/(?:import|export)[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]!);
}

const PLATFORM_SDK = /^(@slack\/|botbuilder|botframework-|@microsoft\/)/;
// Composition roots wire adapters into a command; they hold no logic of their own.
const COMPOSITION_ROOTS = new Set(["scheduler/cli.ts"]);

describe("architecture boundaries", () => {
  for (const layer of ["core", "domain", "scheduler", "db"]) {
    it(`src/${layer} imports no platform SDK and no adapter`, () => {
      const offenders = files(join(SRC, layer)).flatMap((file) =>
        imports(file)
          .filter((spec) => PLATFORM_SDK.test(spec) || (spec.includes("/adapters/") && !COMPOSITION_ROOTS.has(relative(SRC, file))))
          .map((spec) => `${relative(SRC, file)} → ${spec}`),
      );
      expect(offenders).toEqual([]);
    });
  }

  // The arrows run downwards: core → domain. The domain stores what it announces as data (outbox
  // announcements); the words are the core's, chosen when a message is delivered.
  it("src/domain imports nothing of src/core", () => {
    const offenders = files(join(SRC, "domain")).flatMap((file) =>
      imports(file)
        .filter((spec) => /(^|\/)core\//.test(spec))
        .map((spec) => `${relative(SRC, file)} → ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it("adapters do not touch each other", () => {
    const adapters = ["slack", "teams", "terminal"];
    const offenders = adapters.flatMap((a) =>
      files(join(SRC, "adapters", a)).flatMap((file) =>
        imports(file)
          .filter((spec) => adapters.some((b) => b !== a && spec.includes(`/${b}/`)))
          .map((spec) => `${relative(SRC, file)} → ${spec}`),
      ),
    );
    expect(offenders).toEqual([]);
  });

  // One clock: the domain takes `now` from its caller (the request's Actor, the job run). A bare
  // `new Date()` or `Date.now()` there would make results depend on the day the code runs.
  it("src/domain and src/core read no clock of their own", () => {
    // (performance.now() is a stopwatch for timings, not a reading of the date.)
    const CLOCK_READ = /\bnew Date\(\s*\)|\bDate\.now\(\s*\)/;
    const allowed = new Set(["core/clock.ts"]);
    const offenders = ["domain", "core"].flatMap((layer) =>
      files(join(SRC, layer))
        .filter((file) => !allowed.has(relative(SRC, file)))
        .flatMap((file) =>
          readFileSync(file, "utf8")
            .split("\n")
            .map((line, i) => ({ line, at: `${relative(SRC, file)}:${i + 1}` }))
            .filter(({ line }) => CLOCK_READ.test(line.replace(/\/\/.*$/, "")))
            .map(({ at, line }) => `${at}: ${line.trim()}`),
        ),
    );
    expect(offenders).toEqual([]);
  });
});
