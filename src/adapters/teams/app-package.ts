import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { zipSync, strToU8 } from "fflate";

/** Where the Teams manifest template and its icons live. */
export const MANIFEST_DIR = fileURLToPath(new URL("../../../manifests/teams/", import.meta.url));

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TeamsManifestOptions {
  /** The bot's Microsoft App ID (the Azure Bot resource's app registration). */
  appId: string;
  /** Overrides the manifest's version (Teams wants a higher one for each upload of a changed app). */
  version?: string;
}

/** The manifest template with the app id (as app id and bot id) filled in. */
export function teamsManifest(options: TeamsManifestOptions): Record<string, unknown> {
  if (!GUID.test(options.appId)) throw new Error(`the Microsoft App ID must be a GUID like 00000000-0000-0000-0000-000000000000 (got "${options.appId}")`);
  const manifest = JSON.parse(readFileSync(`${MANIFEST_DIR}manifest.json`, "utf8")) as Record<string, unknown> & {
    bots: { botId: string }[];
  };
  manifest.id = options.appId.toLowerCase();
  for (const bot of manifest.bots) bot.botId = options.appId.toLowerCase();
  if (options.version) manifest.version = options.version;
  return manifest;
}

/** The app package Teams accepts for upload: manifest.json and the two icons at the zip's root. */
export function teamsAppPackage(options: TeamsManifestOptions): Uint8Array {
  const manifest = teamsManifest(options);
  return zipSync(
    {
      "manifest.json": strToU8(`${JSON.stringify(manifest, null, 2)}\n`),
      "color.png": readFileSync(`${MANIFEST_DIR}color.png`),
      "outline.png": readFileSync(`${MANIFEST_DIR}outline.png`),
    },
    { level: 9, mtime: new Date("2026-01-01T00:00:00Z") },
  );
}
