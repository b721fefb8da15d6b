import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { teamsAppPackage } from "./app-package.ts";

/** `kam manifest teams [--app-id <guid>] [--out kam-teams.zip] [--app-version 1.2.3]` */
export function registerTeamsManifestCommand(manifest: Command): void {
  manifest
    .command("teams")
    .description("write the Teams app package (manifest.json with your app id, and the icons) as a zip to upload in Teams")
    .option("--app-id <guid>", "the bot's Microsoft App ID (default: MicrosoftAppId from the environment or .env)")
    .option("--out <file>", "where to write the package", "kam-teams.zip")
    .option("--app-version <version>", "the app version to put in the manifest (raise it for every changed upload)")
    .action((options: { appId?: string; out: string; appVersion?: string }) => {
      const appId = options.appId ?? process.env.MicrosoftAppId?.trim();
      if (!appId) {
        process.stderr.write("kam: the Teams package needs the bot's app id: set MicrosoftAppId (or pass --app-id <guid>)\n");
        process.exit(2);
      }
      try {
        const zip = teamsAppPackage({ appId, ...(options.appVersion ? { version: options.appVersion } : {}) });
        const out = resolve(options.out);
        writeFileSync(out, zip);
        console.log(`Wrote ${out} (${zip.length} bytes). Upload it in Teams: Apps → Manage your apps → Upload an app.`);
      } catch (error) {
        process.stderr.write(`kam: ${(error as Error).message}\n`);
        process.exit(1);
      }
    });
}
