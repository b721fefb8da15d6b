// Prisma's own schema engine (WebAssembly build) run offline on an in-memory PGlite.
// Internal API of @prisma/schema-engine-wasm: the version is pinned exactly in package.json.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { MIGRATIONS_DIR, readMigrations } from "../src/db/migrate.ts";

// The package targets bundlers (it imports the .wasm file as a module); Node needs it instantiated by hand.
async function loadEngine(): Promise<typeof bindings.SchemaEngine> {
  const wasmPath = fileURLToPath(import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg").replace(/\.js$/, ".wasm"));
  // WebAssembly's types live in lib "dom", which this Node project does not load.
  const wasm = (globalThis as unknown as { WebAssembly: { instantiate(b: Buffer, i: object): Promise<{ instance: { exports: object } }> } }).WebAssembly;
  const { instance } = await wasm.instantiate(readFileSync(wasmPath), { "./schema_engine_bg.js": bindings });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  return bindings.SchemaEngine;
}

const SCHEMA_PATH = fileURLToPath(new URL("../prisma/schema.prisma", import.meta.url));
const CONFIG_DIR = fileURLToPath(new URL("../prisma", import.meta.url));

/** SQL that would bring a database migrated with the committed migrations to schema.prisma ("" when they agree). */
export async function pendingSchemaDiff(): Promise<string> {
  const db = new PGlite();
  const schema = { path: SCHEMA_PATH, content: readFileSync(SCHEMA_PATH, "utf8") };
  const SchemaEngine = await loadEngine();
  const engine = await SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(db)),
  );
  try {
    const migrations = readMigrations();
    await engine.applyMigrations({
      migrationsList: {
        baseDir: MIGRATIONS_DIR,
        lockfile: { path: "migration_lock.toml", content: 'provider = "postgresql"\n' },
        shadowDbInitScript: "",
        migrationDirectories: migrations.map((m) => ({
          path: m.name,
          migrationFile: { path: "migration.sql", content: { tag: "ok", value: m.sql } },
        })),
      },
      filters: { externalTables: [], externalEnums: [] },
    });
    let script = "";
    const original = process.stdout.write.bind(process.stdout);
    // The engine prints the script to stdout; capture it instead.
    process.stdout.write = ((chunk: string | Uint8Array) => {
      script += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      return true;
    }) as typeof process.stdout.write;
    try {
      const result = await engine.diff({
        from: { tag: "schemaDatasource", files: [schema], configDir: CONFIG_DIR },
        to: { tag: "schemaDatamodel", files: [schema] },
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      });
      if (result.stdout) script += result.stdout;
    } finally {
      process.stdout.write = original;
    }
    return script.trim() === "-- This is an empty migration." ? "" : script.trim();
  } finally {
    engine.free();
    await db.close();
  }
}
