// Builds dist/: src/cli.ts and everything it imports from src/ (the generated Prisma client
// included) bundled by esbuild into ES modules, one chunk per dynamic import so that a command
// loads only what it runs (`kam chat` never loads the Slack or Teams SDKs). Most packages stay
// external and load from node_modules as they are (PGlite finds its wasm and data files beside
// itself, pino its transport workers, the SDKs their CommonJS); the pure ES-module packages in
// INLINED are bundled in, because loading them file by file costs more than kam's own code
// (chrono-node alone is some 900 modules, zod 200).
// Run by `npm install` (postinstall, after the Prisma client is generated) and `npm run build`.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, relative, resolve, sep } from "node:path";
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
      let text = await readFile(args.path, "utf8");
      if (text.includes("import.meta.url")) {
        const fromOut = relative(OUT, args.path).split("\\").join("/");
        text = text.replaceAll("import.meta.url", `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`);
      }
      if (args.path.endsWith(COMPILER_LOADER)) text = await compilerFromFile(text);
      return { contents: text, loader: "ts" };
    });
  },
};

// The generated Prisma client loads its query compiler from a JavaScript module holding the
// WebAssembly as a 4.5 MB base64 string, parsed, decoded and compiled synchronously at every
// start. The build decodes it once into dist/ and the client reads that file and compiles it
// with WebAssembly.compile (off the main thread). Should a Prisma release generate something
// else, the build says so and keeps Prisma's own loader.
const COMPILER_LOADER = "src/generated/prisma/internal/class.ts".split("/").join(sep);
const BASE64_LOADER =
  /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/(query_compiler_\w+)\.(\w+)\.wasm-base64\.mjs)"\)\s*return await decodeBase64AsWasm\(wasm\)/;
async function compilerFromFile(text) {
  const found = BASE64_LOADER.exec(text);
  if (!found) {
    console.warn("kam: the generated Prisma client does not load its query compiler as expected; dist/ keeps the base64 module");
    return text;
  }
  const [loader, specifier, build, provider] = found;
  const file = `${build}.${provider}.wasm`;
  const { wasm } = await import(specifier);
  await mkdir(OUT, { recursive: true });
  await writeFile(resolve(OUT, file), Buffer.from(wasm, "base64"));
  const read = `const { readFile } = await import("node:fs/promises")
    return await WebAssembly.compile(await readFile(new URL(${JSON.stringify("./" + file)}, import.meta.url)))`;
  return text.replace(loader, read);
}

// zod's namespace re-exports every one of its message locales: 580 KB of the 760 KB it brings into
// dist/, compiled at every start (some 25 ms). kam writes its own messages in its own catalogues and
// zod configures English from locales/en.js on its own; the build gives zod's namespace that one.
const ZOD_LOCALES = resolve(ROOT, "node_modules/zod/v4/locales");
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.startsWith(resolve(ROOT, "node_modules/zod") + sep) ? { path: "zod-locales", namespace: "zod-english-only" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-english-only" }, () => ({
      contents: `export { default as en } from "./en.js";`,
      resolveDir: ZOD_LOCALES,
      loader: "js",
    }));
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
  plugins: [sourceUrls, zodEnglishOnly],
});
await writeFile(STAMP, JSON.stringify(stamp));
console.log(`kam: built dist/ in ${Math.round(performance.now() - started)} ms`);
