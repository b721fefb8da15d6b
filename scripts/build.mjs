// Builds dist/: src/cli.ts and everything it imports from src/ (the generated Prisma client
// included) bundled by esbuild into ES modules, one chunk per dynamic import so that a command
// loads only what it runs (`kam chat` never loads the Slack or Teams SDKs). Most packages stay
// external and load from node_modules as they are (PGlite finds its wasm and data files beside
// itself, pino its transport workers, the SDKs their CommonJS); the pure ES-module packages in
// INLINED are bundled in, because loading them file by file costs more than kam's own code
// (chrono-node alone is some 900 modules, zod 200).
// Run by `npm install` (postinstall, after the Prisma client is generated) and `npm run build`.
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { STAMP, stampSources } from "../bin/build-stamp.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = resolve(ROOT, "dist");

// Sources find files beside them through import.meta.url (migrations, i18n catalogues, manifests).
// In a chunk in dist/ that URL would be the chunk's: each source's import.meta.url is rewritten
// to the URL of the source file itself, so those paths resolve exactly as under tsx.
const sourceUrls = {
  name: "source-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (!text.includes("import.meta.url")) return { contents: text, loader: "ts" };
      const fromOut = relative(OUT, args.path).split("\\").join("/");
      return { contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`), loader: "ts" };
    });
  },
};

const INLINED = ["chrono-node", "zod", "i18next", "fflate"];
const manifest = JSON.parse(await readFile(resolve(ROOT, "package.json"), "utf8"));
const external = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((name) => !INLINED.includes(name));

await rm(OUT, { recursive: true, force: true });
const started = performance.now();
// Taken before the build reads the sources: an edit during the build leaves the stamp stale.
const stamp = stampSources();
await build({
  absWorkingDir: ROOT,
  entryPoints: ["src/cli.ts"],
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  external,
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
  plugins: [sourceUrls],
});
await writeFile(STAMP, JSON.stringify(stamp));
console.log(`kam: built dist/ in ${Math.round(performance.now() - started)} ms`);
